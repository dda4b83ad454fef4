package dev.dualkey.gateway.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dualkey.gateway.admin.AdminClient;
import dev.dualkey.mfa.device.ImportedToken;
import dev.dualkey.mfa.device.TokenImport;
import dev.dualkey.mfa.error.IamException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dualkey admin import-tokens FILE [--transport-key HEX] [--json]}: hardware TOTP tokens from a vendor's
 * PSKC file (RFC 6030, plain or encrypted under the pre-shared transport key) or a CSV of serial and Base32 seed.
 * Users then enable a token by serial with EnableMFADevice. The CLI reads and decrypts the file itself and sends
 * the tokens in batches of {@value #BATCH} (one admin request line each), so the transport key never leaves it.
 */
@Command(name = "import-tokens", mixinStandardHelpOptions = true,
        description = "Import hardware TOTP tokens (PSKC or CSV 'serial,base32seed').")
final class ImportTokensCommand extends ChannelCommand {
    /** Tokens per request: well under the channel's 64 KiB request line. */
    static final int BATCH = 200;

    @Parameters(index = "0", paramLabel = "FILE", description = "PSKC (XML) or CSV file.")
    Path file;

    @Option(names = "--transport-key", paramLabel = "HEX",
            description = "Pre-shared AES-128 transport key of an encrypted PSKC file, in hex.")
    String transportKeyHex;

    @Override
    String name() {
        return "import-tokens";
    }

    @Override
    ObjectNode args() {
        throw new UnsupportedOperationException("import-tokens sends batches");
    }

    @Override
    JsonNode execute(Invoker invoker) throws IOException {
        byte[] transportKey = null;
        if (transportKeyHex != null) {
            try {
                transportKey = HexFormat.of().parseHex(transportKeyHex.trim());
            } catch (IllegalArgumentException e) {
                throw new AdminException(2, "--transport-key is not hexadecimal");
            }
        }
        List<ImportedToken> tokens;
        try {
            tokens = TokenImport.read(file, transportKey);
        } catch (IamException e) {
            throw new AdminException(2, e.getMessage());
        }
        ObjectNode total = AdminClient.args();
        ArrayNode imported = total.putArray("imported");
        ArrayNode skipped = total.putArray("alreadyPresent");
        try {
            for (int from = 0; from < tokens.size(); from += BATCH) {
                ObjectNode a = AdminClient.args();
                ArrayNode list = a.putArray("tokens");
                for (ImportedToken t : tokens.subList(from, Math.min(tokens.size(), from + BATCH))) {
                    list.addObject().put("serial", t.serial()).put("seed",
                            Base64.getEncoder().encodeToString(t.seed()));
                }
                JsonNode r = invoker.call(a);
                imported.addAll((ArrayNode) r.path("imported"));
                skipped.addAll((ArrayNode) r.path("alreadyPresent"));
            }
        } finally {
            tokens.forEach(t -> Arrays.fill(t.seed(), (byte) 0));
        }
        return total;
    }

    @Override
    void printHuman(JsonNode r, PrintWriter out) {
        out.println("Imported " + r.path("imported").size() + " token(s); " + r.path("alreadyPresent").size()
                + " already present.");
        r.path("imported").forEach(s -> out.println("  imported " + s.asText()));
        r.path("alreadyPresent").forEach(s -> out.println("  skipped  " + s.asText()));
    }
}

package dev.dualkey.gateway.cli.admin;

import dev.dualkey.mfa.audit.Actor;
import dev.dualkey.mfa.device.ImportResult;
import dev.dualkey.mfa.device.TokenImport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HexFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dualkey admin import-tokens FILE [--transport-key HEX]}: hardware TOTP tokens from a vendor's PSKC
 * file (RFC 6030, plain or encrypted under the pre-shared transport key) or a CSV of serial and Base32 seed.
 * Users then enable a token by serial with EnableMFADevice.
 */
@Command(name = "import-tokens", mixinStandardHelpOptions = true,
        description = "Import hardware TOTP tokens (PSKC or CSV 'serial,base32seed').")
final class ImportTokensCommand extends AdminSubcommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "PSKC (XML) or CSV file.")
    Path file;

    @Option(names = "--transport-key", paramLabel = "HEX",
            description = "Pre-shared AES-128 transport key of an encrypted PSKC file, in hex.")
    String transportKeyHex;

    @Override
    void run(OfflineDataDir dir, PrintWriter out) {
        byte[] transportKey = null;
        if (transportKeyHex != null) {
            try {
                transportKey = HexFormat.of().parseHex(transportKeyHex.trim());
            } catch (IllegalArgumentException e) {
                throw new AdminException(2, "--transport-key is not hexadecimal");
            }
        }
        ImportResult r = dir.identity().devices().importHardwareTokens(Actor.operator(),
                TokenImport.read(file, transportKey));
        out.println("Imported " + r.imported().size() + " token(s); " + r.alreadyPresent().size()
                + " already present.");
        r.imported().forEach(s -> out.println("  imported " + s));
        r.alreadyPresent().forEach(s -> out.println("  skipped  " + s));
    }
}

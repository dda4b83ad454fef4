package dev.dualkey.gateway.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dualkey.gateway.admin.AdminClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dualkey admin audit [--since T] [--limit N] [--follow] [--json]}: the audit log, oldest first, as a table
 * (time, account, principal, action, resource, device, outcome, client, reason; {@code -} for empty fields) or
 * JSON. Works on a running server (through its admin channel) and offline. {@code --follow} tails the log of a
 * running server: it prints the records from {@code --since} on and then each new one as it is written, until
 * interrupted, or until {@code --limit} records when that is given (for scripts that wait for an event); with
 * {@code --json} it prints one JSON object per line. Records never hold codes, passwords or secrets.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Print or tail the audit log.")
final class AuditCommand extends ChannelCommand {
    static final String[] HEADER = {"TIME", "ACCOUNT", "PRINCIPAL", "ACTION", "RESOURCE", "DEVICE", "OUTCOME",
            "CLIENT", "REASON"};
    /** Column widths of streamed rows (a table of unknown rows cannot be measured first). */
    private static final int[] FOLLOW_WIDTHS = {24, 12, 40, 28, 30, 12, 10, 15, 0};
    private static final ObjectMapper LINE = new ObjectMapper();

    @Option(names = "--since", paramLabel = "TIME",
            description = "ISO-8601 instant (2026-01-02T03:04:05Z) or a duration back from now (PT1H, P1D). "
                    + "Default: the beginning.")
    String since;

    @Option(names = "--limit", paramLabel = "N", description = "At most this many records (default 1000; with "
            + "--follow: stop after N records, default never).")
    Integer limit;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new records as the running server writes "
            + "them (needs a running server).")
    boolean follow;

    private int printed;

    @Override
    String name() {
        return "audit";
    }

    @Override
    ObjectNode args() {
        if (limit != null && limit < 1) {
            throw new AdminException(2, "--limit must be positive");
        }
        ObjectNode a = AdminClient.args();
        a.put("since", from(since).toEpochMilli());
        a.put("limit", limit == null ? 1000 : limit);
        a.put("follow", follow);
        return a;
    }

    @Override
    void checkOffline() {
        if (follow) {
            throw new AdminException(2, "--follow needs a running server (no server answers on "
                    + dataDir.resolve(dev.dualkey.gateway.admin.AdminProtocol.SOCKET) + ")");
        }
    }

    @Override
    void onEvent(JsonNode event, PrintWriter out) {
        if (!"record".equals(event.path("event").asText())) {
            return; // heartbeat
        }
        if (json) {
            ObjectNode copy = ((ObjectNode) event).deepCopy();
            copy.remove("event");
            try {
                out.println(LINE.writeValueAsString(copy));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else {
            if (printed == 0) {
                out.println(Table.line(FOLLOW_WIDTHS, HEADER));
            }
            out.println(Table.line(FOLLOW_WIDTHS, row(event)));
        }
        out.flush();
        printed++;
        if (limit != null && printed >= limit) {
            throw new Enough();
        }
    }

    @Override
    void printHuman(JsonNode r, PrintWriter out) {
        Table t = new Table(HEADER);
        r.path("records").forEach(rec -> t.add(row(rec)));
        if (!r.path("records").isEmpty()) {
            t.print(out);
        }
    }

    private static String[] row(JsonNode r) {
        String resource = "-";
        if (r.path("bucket").isTextual()) {
            resource = r.path("bucket").asText() + (r.path("key").isTextual() ? "/" + r.path("key").asText() : "")
                    + (r.path("versionId").isTextual() ? "?versionId=" + r.path("versionId").asText() : "");
        }
        return new String[] {text(r, "time"), text(r, "accountId"), text(r, "principal"), text(r, "action"),
                resource, text(r, "deviceSerial"), text(r, "outcome"), client(r), text(r, "reason")};
    }

    /** The client address, with the trusted proxies it came through when there were any (issue 18). */
    private static String client(JsonNode r) {
        String client = text(r, "clientAddress");
        return r.path("via").isTextual() ? client + " via " + r.path("via").asText() : client;
    }

    static Instant from(String since) {
        if (since == null) {
            return Instant.EPOCH;
        }
        try {
            if (since.toUpperCase(Locale.ROOT).startsWith("P")) {
                return Instant.now().minus(Duration.parse(since));
            }
            return Instant.parse(since);
        } catch (DateTimeParseException e) {
            throw new AdminException(2, "--since must be an ISO-8601 instant or duration, e.g. 2026-01-02T00:00:00Z or PT1H");
        }
    }
}

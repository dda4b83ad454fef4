package dev.dualkey.gateway.cli.admin;

import dev.dualkey.mfa.audit.AuditRecord;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dualkey admin audit [--since T] [--limit N]}: the audit log, oldest first, one tab-separated record
 * per line (time, account, principal, access key, action, bucket, key, version, device, outcome, client,
 * reason; {@code -} for empty fields). Records never hold codes, passwords or secrets.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Print the audit log.")
final class AuditCommand extends AdminSubcommand {
    @Option(names = "--since", paramLabel = "TIME",
            description = "ISO-8601 instant (2026-01-02T03:04:05Z) or a duration back from now (PT1H, P1D). "
                    + "Default: the beginning.")
    String since;

    @Option(names = "--limit", defaultValue = "1000", description = "At most this many records (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    void run(OfflineDataDir dir, PrintWriter out) {
        if (limit < 1) {
            throw new AdminException(2, "--limit must be positive");
        }
        for (AuditRecord r : dir.identity().audit().read(from(since), limit)) {
            out.println(String.join("\t", r.time().toString(), f(r.accountId()), f(r.principal()),
                    f(r.accessKeyId()), f(r.action()), f(r.bucket()), f(r.key()), f(r.versionId()),
                    f(r.deviceSerial()), f(r.outcome()), f(r.clientAddress()), f(r.reason())));
        }
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

    /** Tabs and line breaks in stored values must not break the one-record-per-line format. */
    private static String f(String s) {
        return s == null || s.isEmpty() ? "-" : s.replaceAll("[\\t\\r\\n]", " ");
    }
}

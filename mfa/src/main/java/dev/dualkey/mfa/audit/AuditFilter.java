package dev.dualkey.mfa.audit;

import java.time.Instant;
import java.util.Locale;

/**
 * Which audit records a reader wants (the console's audit page, {@link AuditLog#page}). Every field is optional
 * (null or blank: no constraint) except that a console reader always sets {@code accountId} to its own account, so
 * nobody reads another account's records.
 *
 * @param accountId exact account id the record belongs to
 * @param from      records at or after this instant
 * @param to        records before this instant
 * @param principal case-insensitive part of the principal (an ARN, a user name, {@code operator}), e.g. {@code alice}
 * @param action    case-insensitive part of the action, e.g. {@code DeleteObjectVersion} or {@code iam:}
 * @param outcome   exact outcome, case-insensitive, e.g. {@code ACCEPTED}, {@code DENIED}, {@code INVALID}
 * @param bucket    exact bucket name
 * @param client    start of the client address or of one of its proxies, e.g. {@code 203.0.113.} or {@code local}
 */
public record AuditFilter(String accountId, Instant from, Instant to, String principal, String action,
                          String outcome, String bucket, String client) {
    public AuditFilter {
        principal = lower(principal);
        action = lower(action);
        outcome = lower(outcome);
        bucket = blankToNull(bucket);
        client = blankToNull(client);
        accountId = blankToNull(accountId);
    }

    /** Every record of {@code accountId}. */
    public static AuditFilter account(String accountId) {
        return new AuditFilter(accountId, null, null, null, null, null, null, null);
    }

    /** Whether {@code r} passes every constraint. */
    public boolean matches(AuditRecord r) {
        if (accountId != null && !accountId.equals(r.accountId())) {
            return false;
        }
        if (from != null && r.time().isBefore(from) || to != null && !r.time().isBefore(to)) {
            return false;
        }
        if (principal != null && !contains(r.principal(), principal)
                || action != null && !contains(r.action(), action)) {
            return false;
        }
        if (outcome != null && (r.outcome() == null || !r.outcome().toLowerCase(Locale.ROOT).equals(outcome))) {
            return false;
        }
        if (bucket != null && !bucket.equals(r.bucket())) {
            return false;
        }
        return client == null || startsWith(r.clientAddress(), client) || viaStartsWith(r.via(), client);
    }

    private static boolean contains(String value, String part) {
        return value != null && value.toLowerCase(Locale.ROOT).contains(part);
    }

    private static boolean startsWith(String value, String start) {
        return value != null && value.startsWith(start);
    }

    private static boolean viaStartsWith(String via, String start) {
        if (via == null) {
            return false;
        }
        for (String hop : via.split(",")) {
            if (hop.strip().startsWith(start)) {
                return true;
            }
        }
        return false;
    }

    private static String lower(String s) {
        s = blankToNull(s);
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}

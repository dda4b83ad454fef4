package dev.dualkey.gateway.metrics;

import dev.dualkey.mfa.audit.AuditRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * MFA checks, lockouts and console sign-ins, counted from the audit records the mfa layer writes for each of them
 * (every code check is audited with its outcome, {@code MfaVerifier}; every sign-in step, {@code SignInService}),
 * so that the counters and the audit trail can never disagree about what happened.
 *
 * <ul>
 * <li>A code check is a record with outcome {@code ACCEPTED}, {@code INVALID} or {@code LOCKED}; its reason tells
 *     wrong, replayed and malformed codes and unknown devices apart; its action's prefix gives the purpose.</li>
 * <li>A lockout is a wrong code whose reason carries the throttle's lockout notice ("wrong code; N wrong codes
 *     ... locked for ..."): the failure that locked the device.</li>
 * <li>A sign-in is a {@code console:SignIn} record: OK, MFA_REQUIRED (password right, code next), DENIED,
 *     THROTTLED.</li>
 * </ul>
 * Records staged in a batch that then fails to commit are counted too (rare: the request failed as a whole).
 */
final class AuditMetrics implements Consumer<AuditRecord> {
    private final Map<String, Counter> checks = new HashMap<>();
    private final Map<String, Counter> signIns = new HashMap<>();
    private final Counter lockouts;

    AuditMetrics(MeterRegistry registry) {
        for (String purpose : MetricNames.MFA_PURPOSES) {
            for (String outcome : MetricNames.MFA_OUTCOMES) {
                checks.put(purpose + ' ' + outcome, Counter.builder(MetricNames.MFA_CHECKS)
                        .description("MFA code checks by purpose and outcome")
                        .tags("purpose", purpose, "outcome", outcome).register(registry));
            }
        }
        for (String outcome : MetricNames.SIGNIN_OUTCOMES) {
            signIns.put(outcome, Counter.builder(MetricNames.CONSOLE_SIGNINS)
                    .description("Console password sign-ins by outcome").tags("outcome", outcome)
                    .register(registry));
        }
        lockouts = Counter.builder(MetricNames.MFA_LOCKOUTS)
                .description("MFA devices locked out by too many wrong codes").register(registry);
    }

    @Override
    public void accept(AuditRecord r) {
        String outcome = r.outcome() == null ? "" : r.outcome();
        String action = r.action() == null ? "" : r.action();
        if (action.equals("console:SignIn")) {
            String o = switch (outcome) {
                case "OK" -> "signed_in";
                case "MFA_REQUIRED" -> "mfa_required";
                case "DENIED" -> "denied";
                case "THROTTLED" -> "throttled";
                default -> null;
            };
            if (o != null) {
                signIns.get(o).increment();
            }
            return;
        }
        String check = switch (outcome) {
            case "ACCEPTED" -> "accepted";
            case "LOCKED" -> "locked";
            case "INVALID" -> invalidKind(r.reason());
            default -> null;
        };
        if (check == null) {
            return;
        }
        checks.get(purpose(action) + ' ' + check).increment();
        if (check.equals("wrong") && r.reason() != null && r.reason().contains("; ")) {
            lockouts.increment();
        }
    }

    private static String invalidKind(String reason) {
        if (reason == null) {
            return "wrong";
        }
        if (reason.startsWith("wrong code")) {
            return "wrong";
        }
        if (reason.startsWith("replayed")) {
            return "replayed";
        }
        if (reason.startsWith("malformed code")) {
            return "malformed";
        }
        return "unknown_device";
    }

    private static String purpose(String action) {
        int colon = action.indexOf(':');
        String prefix = colon < 0 ? "" : action.substring(0, colon);
        return MetricNames.MFA_PURPOSES.contains(prefix) ? prefix : "other";
    }
}

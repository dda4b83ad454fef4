package dev.dualkey.gateway.alert;

import dev.dualkey.mfa.audit.AuditRecord;
import java.util.Optional;

/**
 * Which audit records are security events an operator wants pushed (the alert webhook), and under which event
 * type. The audit log stays the full record; these are the few that deserve a page:
 *
 * <table>
 *   <caption>Event types</caption>
 *   <tr><th>type</th><th>audit record</th></tr>
 *   <tr><td>{@code mfa.lockout}</td><td>a wrong code that locked a device (outcome INVALID, reason names the
 *       lock)</td></tr>
 *   <tr><td>{@code mfa.refused}</td><td>an MFA-protected S3 request refused: missing, wrong, replayed or
 *       locked-out code, or a code over plain HTTP (an {@code s3:} action with outcome DENIED, INVALID, LOCKED or
 *       THROTTLED)</td></tr>
 *   <tr><td>{@code version.deleted_with_mfa}</td><td>{@code s3:DeleteObjectVersion}/{@code s3:DeleteObjects}
 *       ACCEPTED</td></tr>
 *   <tr><td>{@code retention.bypassed_with_mfa}</td><td>{@code s3:BypassGovernanceRetention} ACCEPTED</td></tr>
 *   <tr><td>{@code mfa_delete.changed}</td><td>{@code s3:PutBucketVersioning} ACCEPTED: MFA Delete turned on or
 *       off, or versioning changed on an MFA Delete bucket</td></tr>
 *   <tr><td>{@code mfa.protected_change}</td><td>any other {@code s3:} change accepted with a code</td></tr>
 *   <tr><td>{@code signin.root}</td><td>the root user signed in to the console</td></tr>
 *   <tr><td>{@code signin.throttled}</td><td>console sign-in refused by its throttle</td></tr>
 *   <tr><td>{@code access_key.created}</td><td>{@code iam:CreateAccessKey} OK</td></tr>
 *   <tr><td>{@code mfa.device_enabled}, {@code mfa.device_deactivated}, {@code mfa.device_resynced},
 *       {@code mfa.device_deleted}</td><td>the IAM device changes, OK (the event's {@code root} says whether
 *       root made it, i.e. changed root's own devices)</td></tr>
 *   <tr><td>{@code root.mfa_deactivated_by_operator}, {@code root.password_reset_by_operator}</td><td>the
 *       admin commands that recover a root user</td></tr>
 *   <tr><td>{@code alerts.webhook_changed}</td><td>{@code console:SetAlertWebhook} OK: an account's root changed
 *       where its account's events go (Settings page; sent to the operator's receiver and the new one)</td></tr>
 * </table>
 */
public final class AlertClassifier {
    private AlertClassifier() {
    }

    /** The event type of {@code r}, or empty when it is not a security event. */
    public static Optional<String> classify(AuditRecord r) {
        String action = r.action() == null ? "" : r.action();
        String outcome = r.outcome() == null ? "" : r.outcome();
        String reason = r.reason() == null ? "" : r.reason();
        if (outcome.equals("INVALID") && reason.startsWith("wrong code") && reason.contains("locked for")) {
            return Optional.of("mfa.lockout");
        }
        if (action.startsWith("s3:")) {
            switch (outcome) {
                case "DENIED", "INVALID", "LOCKED", "THROTTLED":
                    return Optional.of("mfa.refused");
                case "ACCEPTED":
                    return Optional.of(switch (action) {
                        case "s3:DeleteObjectVersion", "s3:DeleteObjects" -> "version.deleted_with_mfa";
                        case "s3:BypassGovernanceRetention" -> "retention.bypassed_with_mfa";
                        case "s3:PutBucketVersioning" -> "mfa_delete.changed";
                        default -> "mfa.protected_change";
                    });
                default:
                    return Optional.empty();
            }
        }
        if (action.equals("console:SignIn")) {
            if (outcome.equals("OK") && isRoot(r)) {
                return Optional.of("signin.root");
            }
            return outcome.equals("THROTTLED") ? Optional.of("signin.throttled") : Optional.empty();
        }
        if (!outcome.equals("OK")) {
            return Optional.empty();
        }
        return Optional.ofNullable(switch (action) {
            case "iam:CreateAccessKey" -> "access_key.created";
            case "iam:EnableMFADevice" -> "mfa.device_enabled";
            case "iam:DeactivateMFADevice" -> "mfa.device_deactivated";
            case "iam:ResyncMFADevice" -> "mfa.device_resynced";
            case "iam:DeleteVirtualMFADevice" -> "mfa.device_deleted";
            case "admin:DeactivateRootMfa" -> "root.mfa_deactivated_by_operator";
            case "admin:ResetRootPassword" -> "root.password_reset_by_operator";
            case "console:SetAlertWebhook" -> "alerts.webhook_changed";
            default -> null;
        });
    }

    /** Whether the record's principal is an account's root user (its ARN, or {@code root} for sign-ins). */
    static boolean isRoot(AuditRecord r) {
        String p = r.principal();
        return p != null && (p.equals("root") || p.startsWith("arn:aws:iam::") && p.endsWith(":root"));
    }
}

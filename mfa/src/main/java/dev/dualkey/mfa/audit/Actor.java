package dev.dualkey.mfa.audit;

/**
 * Who performs an IAM change, for its audit record.
 *
 * @param principal     caller ARN, or {@code operator} for admin commands
 * @param accessKeyId   signing key (null for console sessions and operator commands)
 * @param clientAddress remote address (null for operator commands)
 */
public record Actor(String principal, String accessKeyId, String clientAddress) {
    /** The local operator running an admin command on the data directory. */
    public static Actor operator() {
        return new Actor("operator", null, null);
    }

    /** The MFA-check audit context for this actor performing {@code action}. */
    public AuditContext context(String action) {
        return new AuditContext(principal, accessKeyId, action, null, null, null, clientAddress);
    }
}

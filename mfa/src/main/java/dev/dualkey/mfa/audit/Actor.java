package dev.dualkey.mfa.audit;

/**
 * Who performs an IAM change, for its audit record.
 *
 * @param principal     caller ARN, or {@code operator} for admin commands
 * @param accessKeyId   signing key (null for console sessions and operator commands)
 * @param clientAddress remote address ({@code local} for operator commands); may carry its proxies as
 *                      {@code "CLIENT via HOPS"} (see {@link AuditRecord})
 */
public record Actor(String principal, String accessKeyId, String clientAddress) {
    /** Client address of an operator's admin command (the admin socket, or an offline command). */
    public static final String LOCAL = "local";

    /** The local operator running an admin command on the data directory. */
    public static Actor operator() {
        return new Actor("operator", null, LOCAL);
    }

    /** The MFA-check audit context for this actor performing {@code action}. */
    public AuditContext context(String action) {
        return new AuditContext(principal, accessKeyId, action, null, null, null, clientAddress);
    }
}

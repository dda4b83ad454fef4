package dev.dualkey.storage.retention;

/**
 * What a caller of the store may bypass when it removes a version or changes its retention.
 *
 * <p>Only the gateway passes {@link #GOVERNANCE}, and only after it checked all of: the request carried
 * {@code x-amz-bypass-governance-retention: true}, the principal is allowed {@code s3:BypassGovernanceRetention},
 * and (Dualkey, beyond AWS) on a bucket with MFA Delete Enabled a valid code from the owner's root device. Nothing
 * ever bypasses COMPLIANCE retention or a legal hold: there is no value for that on purpose.
 */
public enum RetentionBypass {
    /** Retention and legal hold are enforced as they are (every store-internal caller: lifecycle, admin, console). */
    NONE,
    /** Active GOVERNANCE retention may be shortened, removed or ignored for a delete; COMPLIANCE and legal hold hold. */
    GOVERNANCE
}

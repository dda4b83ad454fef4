package dev.dualkey.gateway.console;

import dev.dualkey.gateway.console.page.ConsoleUser;
import dev.dualkey.gateway.console.page.MfaDeleteCheck;
import dev.dualkey.mfa.audit.AuditContext;
import dev.dualkey.mfa.device.MfaVerifier;
import dev.dualkey.mfa.device.Purpose;
import dev.dualkey.mfa.device.VerifyOutcome;
import dev.dualkey.mfa.device.VerifyResult;
import dev.dualkey.mfa.identity.IamUser;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.VersioningState;

/**
 * MFA Delete for console actions with the rules of spec section 1 (D1, D2, D8) and mfa's {@link MfaVerifier}
 * with {@link Purpose#S3_MFA_DELETE}: the code must come from a device of the bucket owner's root user, is
 * consumed (one use, shared with the {@code x-amz-mfa} header), throttled per device and audited with the
 * action, bucket, key and version.
 */
public final class VerifierMfaDeleteCheck implements MfaDeleteCheck {
    private final MfaVerifier verifier;

    public VerifierMfaDeleteCheck(MfaVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public boolean required(BucketInfo bucket, Operation op, boolean mfaDeleteAfter) {
        boolean on = bucket.mfaDelete() == MfaDeleteState.ENABLED;
        return switch (op) {
            case DELETE_VERSION -> on;
            // D2: on a Suspended bucket a plain delete replaces (destroys) the null version.
            case DELETE_OBJECT -> on && bucket.versioning() == VersioningState.SUSPENDED;
            // D1: any versioning change once MFA Delete is on; turning it on needs a code as well.
            case PUT_VERSIONING -> on || mfaDeleteAfter;
        };
    }

    @Override
    public String check(ConsoleUser user, BucketInfo bucket, Operation op, boolean mfaDeleteAfter, String key,
                        String versionId, String serial, String code) {
        if (!required(bucket, op, mfaDeleteAfter)) {
            return null;
        }
        if (!user.isRoot() || !user.accountId().equals(bucket.ownerAccountId())) {
            return "Only the bucket owner's root user can do this while MFA Delete is on (or to turn it on).";
        }
        if (serial == null || serial.isEmpty()) {
            return "This needs a code from the root user's MFA device, and none is assigned. Assign one in "
                    + "My security credentials first.";
        }
        if (code == null || code.isEmpty()) {
            return "This needs an MFA code. Type the 6-digit code your MFA device shows now.";
        }
        String action = op == Operation.PUT_VERSIONING ? "s3:PutBucketVersioning"
                : op == Operation.DELETE_VERSION ? "s3:DeleteObjectVersion" : "s3:DeleteObject";
        VerifyResult r = verifier.verify(bucket.ownerAccountId(), IamUser.ROOT, serial, code, Purpose.S3_MFA_DELETE,
                new AuditContext(user.arn(), null, action, bucket.name(), key, versionId, "console"));
        if (r.outcome() == VerifyOutcome.ACCEPTED) {
            return null;
        }
        if (r.outcome() == VerifyOutcome.THROTTLED) {
            return "Too many wrong MFA codes. Checks for this device are paused for a while; try again later.";
        }
        return "The MFA code was not accepted. Each code works once: wait for the next code and try again.";
    }
}

package dev.dualkey.gateway.protect;

import dev.dualkey.storage.model.BucketConfig;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.VersioningState;
import java.util.Objects;

/**
 * A PutBucketVersioning, resolved against the bucket's configuration <em>inside</em> the atomic update.
 *
 * <p>Two shapes: the S3 request (Status plus an optional {@code <MfaDelete>} element), and the console's form
 * (the state the user wants: versioning and MFA Delete on or off). The console's shape used to be turned into an
 * S3 request from the bucket state read at the start of the request, so an IAM user's form posted while the owner
 * turned MFA Delete on carried no {@code MfaDelete} element, needed no code, and wrote MFA Delete back to off
 * (finding 3 of issue 12). Resolving here, against the configuration the update replaces, closes that.
 *
 * @param status       the requested versioning state
 * @param mfaDelete    S3: the {@code <MfaDelete>} element or null when absent; console: ENABLED or DISABLED wanted
 * @param desiredState true for the console's shape
 */
public record VersioningChange(VersioningState status, MfaDeleteState mfaDelete, boolean desiredState) {
    public VersioningChange {
        Objects.requireNonNull(status, "status");
        if (status == VersioningState.UNVERSIONED) {
            throw new IllegalArgumentException("versioning cannot be set back to unversioned");
        }
        if (desiredState && mfaDelete == null) {
            throw new IllegalArgumentException("the console's form always says whether MFA Delete is wanted");
        }
    }

    /** The S3 request: {@code <Status>} and the {@code <MfaDelete>} element, or null when it is absent. */
    public static VersioningChange s3(VersioningState status, MfaDeleteState mfaDeleteElement) {
        return new VersioningChange(status, mfaDeleteElement, false);
    }

    /** The console's form: the versioning state and whether MFA Delete should be on. */
    public static VersioningChange desired(VersioningState status, boolean mfaDeleteOn) {
        return new VersioningChange(status, mfaDeleteOn ? MfaDeleteState.ENABLED : MfaDeleteState.DISABLED, true);
    }

    /**
     * The {@code <MfaDelete>} element this change amounts to against {@code current}: for the console, the
     * element an S3 client would send (present only when MFA Delete changes), else the request's own.
     */
    MfaDeleteState element(BucketConfig current) {
        if (!desiredState) {
            return mfaDelete;
        }
        boolean on = current.mfaDelete() == MfaDeleteState.ENABLED;
        boolean wantOn = mfaDelete == MfaDeleteState.ENABLED;
        return on == wantOn ? null : mfaDelete;
    }

    /** The console's form asks for exactly the current state: nothing to write, so nothing to check. */
    boolean noOp(BucketConfig current) {
        return desiredState && status == current.versioning() && element(current) == null;
    }

    /** The configuration after the change. */
    BucketConfig apply(BucketConfig current) {
        BucketConfig next = current.withVersioning(status);
        MfaDeleteState element = element(current);
        return element == null ? next : next.withMfaDelete(element);
    }
}

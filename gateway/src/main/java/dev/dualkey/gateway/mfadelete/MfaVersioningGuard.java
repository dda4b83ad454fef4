package dev.dualkey.gateway.mfadelete;

import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.bucket.VersioningChangeGuard;
import dev.dualkey.gateway.s3.xml.VersioningConfiguration;
import dev.dualkey.storage.model.BucketInfo;
import java.util.Objects;

/** PutBucketVersioning's guard: the MFA Delete gate, with the request's {@code <MfaDelete>} element. */
public final class MfaVersioningGuard implements VersioningChangeGuard {
    private final MfaDeleteGate gate;
    private final boolean plainHttpAllowed;

    public MfaVersioningGuard(MfaDeleteGate gate, boolean plainHttpAllowed) {
        this.gate = Objects.requireNonNull(gate, "gate");
        this.plainHttpAllowed = plainHttpAllowed;
    }

    @Override
    public void check(S3Request request, BucketInfo current, VersioningConfiguration requested) {
        gate.checkPutBucketVersioning(MfaRequests.of(request, plainHttpAllowed), current, requested.mfaDelete());
    }
}

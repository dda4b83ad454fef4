package dev.dualkey.gateway.mfadelete;

import dev.dualkey.gateway.s3.S3Request;

/** Builds the gate's view of an authenticated S3 request. */
public final class MfaRequests {

    private MfaRequests() {
    }

    /**
     * @param plainHttpAllowed true when {@code x-amz-mfa} may come without TLS: the listener is loopback-only
     *                         (nothing leaves the machine) or the operator allowed it (e.g. TLS ends at a proxy)
     */
    public static MfaRequest of(S3Request req, boolean plainHttpAllowed) {
        return new MfaRequest(req.principal(), req.auth().accessKeyId(), req.header("x-amz-mfa"),
                req.head().secure() || plainHttpAllowed, null);
    }
}

package dev.dualkey.gateway.auth;

import java.util.Objects;

/**
 * Proof that a request's SigV4 signature was checked once already, on the event loop, with a credential held in
 * memory ({@link SigV4Verifier#verifyHead}); {@link SigV4Verifier#verify(SignableRequest, String, VerifiedHead)}
 * then confirms it against the store instead of computing the canonical request and the HMAC chain again
 * (issue 19: a small PUT verified its signature twice).
 *
 * <p>What the proof does not replace: the store's lookup of the key (an inactive or deleted key is refused at
 * begin, as before), the session token and the clock rules, which the confirmation checks again. The signature
 * is a function of the request and the secret alone, so it stands when the looked-up secret is the one the proof
 * was made with (compared in constant time); any other secret means a full verification. Only the verifier's own
 * service and region accept it, and only for the very {@link SignableRequest} instance it was made for.
 * Instances are made by {@link SigV4Verifier} only.
 */
public final class VerifiedHead {
    private final SignableRequest request;
    private final String service;
    private final String region;
    private final Credential credential;
    private final AuthResult result;

    VerifiedHead(SignableRequest request, String service, String region, Credential credential, AuthResult result) {
        this.request = Objects.requireNonNull(request, "request");
        this.service = Objects.requireNonNull(service, "service");
        this.region = region;
        this.credential = Objects.requireNonNull(credential, "credential");
        this.result = Objects.requireNonNull(result, "result");
    }

    SignableRequest request() {
        return request;
    }

    String service() {
        return service;
    }

    String region() {
        return region;
    }

    Credential credential() {
        return credential;
    }

    AuthResult result() {
        return result;
    }

    @Override
    public String toString() {
        return "VerifiedHead[" + result + "]";
    }
}

package dev.dualkey.gateway.authz;

import dev.dualkey.mfa.policy.Decision;

/**
 * The authorization decision for every protocol (S3, IAM, STS, console): one {@link AuthzRequest} built by
 * {@link RequestContextBuilder}, one answer. Called on the storage executor (it may read the identity store).
 * {@link AccountAuthorizer} is the implementation; this seam lets the wiring hand it around.
 */
@FunctionalInterface
public interface AccessAuthorizer {
    Decision decide(AuthzRequest request);

    default boolean allows(AuthzRequest request) {
        return decide(request) == Decision.ALLOW;
    }
}

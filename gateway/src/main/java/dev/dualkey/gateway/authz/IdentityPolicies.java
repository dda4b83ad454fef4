package dev.dualkey.gateway.authz;

import dev.dualkey.mfa.policy.Decision;

/**
 * The evaluation of an IAM user's identity policies (mfa's {@code IdentityService.authorize}) for a request the
 * {@link AccountAuthorizer} has already kept within the user's account. An implementation resolves the user in
 * the identity store (canonical name, path and id: they replace what the caller typed in the principal keys) and
 * denies a user that no longer exists.
 */
@FunctionalInterface
public interface IdentityPolicies {
    Decision evaluate(AuthzRequest request);
}

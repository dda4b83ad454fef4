/**
 * One authorization decision for every protocol, made as AWS makes it.
 *
 * <p>Flow: {@link dev.dualkey.gateway.authz.ActionTable} says which {@link dev.dualkey.gateway.authz.Check}s
 * (action on a resource ARN) an operation needs; {@link dev.dualkey.gateway.authz.RequestContextBuilder} turns
 * one check plus who asked ({@link dev.dualkey.gateway.authz.Subject}, possibly
 * {@link dev.dualkey.gateway.authz.Subject#anonymous()}) and how the request arrived
 * ({@link dev.dualkey.gateway.authz.RequestOrigin}, the request's own condition keys:
 * {@link dev.dualkey.gateway.authz.S3ConditionKeys}) into an {@link dev.dualkey.gateway.authz.AuthzRequest};
 * {@link dev.dualkey.gateway.authz.AccountAuthorizer} decides it in a small pipeline: the caller's side
 * ({@link dev.dualkey.gateway.authz.IdentityPolicies}; root may do anything in its account) and, for an existing
 * bucket, the owner's side: {@link dev.dualkey.gateway.authz.BucketPolicySide} (the bucket policy, parsed once by
 * {@link dev.dualkey.gateway.authz.BucketPolicies}), {@link dev.dualkey.gateway.authz.AclSide} (chosen in
 * {@link dev.dualkey.gateway.authz.AclSides}) and {@link dev.dualkey.gateway.authz.PublicAccessBlock}. Explicit
 * Deny wins; within the owning account one Allow suffices; across accounts (and for the anonymous caller) both
 * sides must allow. {@link dev.dualkey.gateway.authz.StoreAuthorization} wires it over the object store. The S3
 * API, the IAM API and the console all go this way, so one policy decides the same on each; the MFA Delete gate
 * runs after it, whatever it allowed.
 */
package dev.dualkey.gateway.authz;

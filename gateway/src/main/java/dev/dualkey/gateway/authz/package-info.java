/**
 * One authorization decision for every protocol, made as AWS makes it.
 *
 * <p>Flow: {@link dev.dualkey.gateway.authz.ActionTable} says which {@link dev.dualkey.gateway.authz.Check}s
 * (action on a resource ARN) an operation needs; {@link dev.dualkey.gateway.authz.RequestContextBuilder} turns
 * one check plus who asked ({@link dev.dualkey.gateway.authz.Subject}) and how the request arrived
 * ({@link dev.dualkey.gateway.authz.RequestOrigin}, the request's own condition keys) into an
 * {@link dev.dualkey.gateway.authz.AuthzRequest}; {@link dev.dualkey.gateway.authz.AccessAuthorizer} decides it:
 * the account boundary first, then the owning account's root user, then the IAM user's identity policies
 * (explicit Deny wins, default deny). The S3 API, the IAM API and the console all go this way, so one policy
 * decides the same on each.
 */
package dev.dualkey.gateway.authz;

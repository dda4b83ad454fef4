/**
 * S3's access-control API and front-door rules of issue 14 part A: the bucket policy and Public Access Block
 * operations ({@link dev.dualkey.gateway.s3.policy.BucketPolicyOperations}, routed by
 * {@link dev.dualkey.gateway.s3.policy.AccessRoutes}), the anonymous path
 * ({@link dev.dualkey.gateway.s3.policy.AnonymousAccess}) and the bucket owner condition
 * ({@link dev.dualkey.gateway.s3.policy.ExpectedBucketOwner}). The decisions themselves are {@code authz}'s.
 */
package dev.dualkey.gateway.s3.policy;

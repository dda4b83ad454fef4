/**
 * CORS for S3 buckets (AWS's "Using cross-origin resource sharing (CORS)"): the bucket's
 * {@code CORSConfiguration} (Put/Get/DeleteBucketCors, stored as {@code BucketConfig.subresource("cors")} in the
 * canonical form {@link dev.dualkey.gateway.s3.cors.CorsConfiguration} writes), the preflight {@code OPTIONS}
 * answered from its rules without authentication, and the {@code Access-Control-*} headers added to matching
 * requests, error answers included ({@link dev.dualkey.gateway.s3.cors.CorsEndpoint}).
 *
 * <p>A preflight reads the bucket's configuration only, never an object: its answer is the same for a key that
 * exists and one that does not, and the same for a bucket that does not exist and one without a configuration,
 * so an unauthenticated OPTIONS learns nothing about the bucket's contents. CORS is not access control: a rule
 * only lets a browser show the answer of a request that is still authenticated and authorized as any other.
 */
package dev.dualkey.gateway.s3.cors;

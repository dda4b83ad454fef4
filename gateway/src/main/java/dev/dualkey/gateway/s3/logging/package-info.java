/**
 * Server access logging (PutBucketLogging / GetBucketLogging): a record per S3 request to a bucket with logging
 * enabled, in AWS's server access log format, delivered in batches as objects into the configured target bucket.
 * This is the S3 side of Dualkey's audit trail (the MFA side is {@code dev.dualkey.mfa.audit}).
 *
 * <p>Flow: {@link AccessLog#record} is called once per request by the S3 endpoint (never blocks, never reads
 * storage); {@link AccessLogDeliverer} keeps a bounded queue, and its single background thread resolves each
 * source bucket's {@link LoggingStatus}, groups the lines and writes one object per source bucket and flush through
 * the store, as the buckets' owner, with {@code If-None-Match: *} semantics so a delivery can never replace or
 * destroy anything (MFA Delete and Object Lock apply to log objects like to any other version).
 */
package dev.dualkey.gateway.s3.logging;

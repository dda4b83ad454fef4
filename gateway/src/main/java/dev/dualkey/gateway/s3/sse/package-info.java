/**
 * Server-side encryption on the S3 wire: the {@code x-amz-server-side-encryption*} request headers checked once
 * for every write and read, and the response headers that tell clients their data is encrypted at rest. The
 * encryption itself happens in storage ({@code dev.dualkey.storage.crypto}); bucket default encryption
 * (Put/Get/DeleteBucketEncryption) lives in {@link dev.dualkey.gateway.s3.sse.BucketEncryption}; SSE-C in
 * {@link dev.dualkey.gateway.s3.sse.CustomerKey}; SSE-KMS ({@code aws:kms}, keys of the local registry in
 * {@code dev.dualkey.gateway.kms}) in {@link dev.dualkey.gateway.s3.sse.KmsEncryption}.
 */
package dev.dualkey.gateway.s3.sse;

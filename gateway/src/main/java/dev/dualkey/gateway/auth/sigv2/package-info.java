/**
 * AWS Signature Version 2 for S3 (the {@code Authorization: AWS AKID:signature} header and the
 * {@code AWSAccessKeyId}/{@code Signature}/{@code Expires} presigned query), which the aws CLI's
 * {@code aws s3 presign}, s3cmd and older SDKs still use. Amazon S3 still accepts it from these clients; Dualkey
 * accepts it by default and {@code serve --no-sigv2} turns it off.
 *
 * <p>Flow: {@link dev.dualkey.gateway.auth.SigV4Verifier} of the S3 endpoint hands a request that
 * {@link dev.dualkey.gateway.auth.sigv2.SigV2Verifier#claims claims} SigV2 to
 * {@link dev.dualkey.gateway.auth.sigv2.SigV2Verifier}, which checks the clock (15 minutes of skew, or the URL's
 * expiry), the access key and its session token like SigV4, and compares the HMAC-SHA1 of
 * {@link dev.dualkey.gateway.auth.sigv2.SigV2StringToSign} in constant time. The result is an ordinary
 * {@link dev.dualkey.gateway.auth.AuthResult} whose signature version ({@code s3:signatureversion} = {@code AWS})
 * lets a bucket or identity policy refuse SigV2. The IAM and STS Query APIs never reach this package: their
 * verifiers are SigV4 only, as AWS requires there.
 */
package dev.dualkey.gateway.auth.sigv2;

/**
 * S3 bucket operations, and the {@link dev.dualkey.gateway.s3.bucket.VersioningChangeGuard} seam where the MFA
 * Delete check of PutBucketVersioning plugs in.
 */
package dev.dualkey.gateway.s3.bucket;

/**
 * The older ways into S3 that clients still use (issue 14 part C): Signature Version 2 (header auth and the
 * presigned URLs of {@code aws s3 presign}), browser POST uploads and CORS, driven with the real aws CLI, curl,
 * boto3, SDK v1 and a headless Chromium.
 */
package dev.dualkey.compat.legacy;

/**
 * S3 REST API compatibility tests, one class per feature area, each driving the gateway with unmodified
 * AWS SDK v1/v2 clients (and, where the SDKs cannot express a case, {@link dev.dualkey.compat.RawS3}).
 * Amazon S3 is the reference: expected status codes and error codes are S3's, as documented in the S3 API
 * reference and encoded in botocore's service model. Each test's Javadoc names its ceph s3-tests counterpart
 * ({@code s3tests_boto3/functional/test_s3.py}) where there is one.
 */
package dev.dualkey.compat.s3;

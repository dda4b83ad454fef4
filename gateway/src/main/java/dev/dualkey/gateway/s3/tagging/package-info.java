/**
 * S3 object and bucket tagging: {@link dev.dualkey.gateway.s3.tagging.TagSet} (the {@code <Tagging>} document, the
 * {@code x-amz-tagging} header and AWS's limits and errors) and
 * {@link dev.dualkey.gateway.s3.tagging.TaggingOperations} (Put/Get/DeleteObjectTagging with versionId,
 * Put/Get/DeleteBucketTagging). Object tags live in the version's {@code ObjectMetadata.tags} (changed through
 * {@code ObjectStore.updateObjectMetadata}, atomic under the key's lock), bucket tags in {@code BucketConfig.tags};
 * both are stored sorted by key, as S3 returns them. Tags are metadata, not data: writing them is never destructive,
 * so neither MFA Delete nor Object Lock gates it (as on AWS).
 */
package dev.dualkey.gateway.s3.tagging;

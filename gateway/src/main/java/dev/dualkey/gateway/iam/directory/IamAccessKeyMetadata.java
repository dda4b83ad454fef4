package dev.dualkey.gateway.iam.directory;

import java.time.Instant;

/** The IAM {@code AccessKeyMetadata} shape (never carries the secret). */
public record IamAccessKeyMetadata(String userName, String accessKeyId, String status, Instant createDate) {
}

package dev.dualkey.gateway.iam.directory;

import java.time.Instant;

/** The IAM {@code LoginProfile} shape. */
public record IamLoginProfile(String userName, Instant createDate, boolean passwordResetRequired) {
}

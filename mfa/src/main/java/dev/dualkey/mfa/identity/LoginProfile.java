package dev.dualkey.mfa.identity;

import java.time.Instant;

/** IAM {@code LoginProfile}: the user has a console password. */
public record LoginProfile(String userName, Instant createDate, boolean passwordResetRequired) {
}

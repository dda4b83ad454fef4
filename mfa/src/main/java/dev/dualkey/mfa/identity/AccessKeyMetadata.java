package dev.dualkey.mfa.identity;

import java.time.Instant;

/** ListAccessKeys member (no secret). {@code lastUsedDate} is null when never used. */
public record AccessKeyMetadata(String userName, String accessKeyId, AccessKeyStatus status, Instant createDate,
                                Instant lastUsedDate) {
}

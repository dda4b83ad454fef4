package dev.dualkey.mfa.identity;

import java.time.Instant;

/** CreateAccessKey result: the only time the secret is available. {@link #toString()} hides it. */
public record NewAccessKey(String userName, String accessKeyId, AccessKeyStatus status, String secretAccessKey,
                           Instant createDate) {
    @Override
    public String toString() {
        return "NewAccessKey[userName=" + userName + ", accessKeyId=" + accessKeyId + ", status=" + status
                + ", secretAccessKey=(hidden)]";
    }
}

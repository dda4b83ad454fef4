package dev.dualkey.gateway.iam.directory;

import java.time.Instant;

/** A new access key with its secret, returned by CreateAccessKey only. {@link #toString()} hides the secret. */
public record IamAccessKey(String userName, String accessKeyId, String status, String secretAccessKey,
                           Instant createDate) {
    @Override
    public String toString() {
        return "IamAccessKey[" + userName + ", " + accessKeyId + ", " + status + "]";
    }
}

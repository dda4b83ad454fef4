package dev.dualkey.mfa.identity;

/**
 * An access key looked up for SigV4: its owner, status and the decrypted secret (only for computing the
 * signature; never log it). {@link #toString()} hides the secret.
 */
public record ResolvedAccessKey(Caller caller, String accessKeyId, AccessKeyStatus status, String secretAccessKey) {
    public boolean active() {
        return status == AccessKeyStatus.Active;
    }

    @Override
    public String toString() {
        return "ResolvedAccessKey[caller=" + caller + ", accessKeyId=" + accessKeyId + ", status=" + status
                + ", secretAccessKey=(hidden)]";
    }
}

package dev.dualkey.gateway.auth;

import java.util.Objects;

/**
 * An access key pair and the principal it authenticates. An inactive key is answered like an unknown one
 * ({@code InvalidAccessKeyId}), as AWS does.
 *
 * @param secretKey the secret access key; never logged ({@link #toString()} hides it)
 */
public record Credential(String accessKeyId, String secretKey, Principal principal, boolean active) {
    public Credential {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretKey, "secretKey");
        Objects.requireNonNull(principal, "principal");
    }

    @Override
    public String toString() {
        return "Credential[accessKeyId=" + accessKeyId + ", principal=" + principal + ", active=" + active + "]";
    }
}

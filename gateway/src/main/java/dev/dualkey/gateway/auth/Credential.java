package dev.dualkey.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * An access key pair and the principal it authenticates. An inactive key is answered like an unknown one
 * ({@code InvalidAccessKeyId}), as AWS does.
 *
 * @param secretKey the secret access key; never logged ({@link #toString()} hides it)
 * @param session   for temporary (STS session) credentials, what the request's {@code x-amz-security-token} is
 *                  checked against; null for long-term access keys
 */
public record Credential(String accessKeyId, String secretKey, Principal principal, boolean active,
                         SessionToken session) {
    public Credential {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretKey, "secretKey");
        Objects.requireNonNull(principal, "principal");
        if ((session != null) != principal.temporary()) {
            throw new IllegalArgumentException("session credentials and temporary principals go together");
        }
    }

    /** Long-term access keys. */
    public Credential(String accessKeyId, String secretKey, Principal principal, boolean active) {
        this(accessKeyId, secretKey, principal, active, null);
    }

    /**
     * The session token of temporary credentials, as its SHA-256 (the token itself is not kept), and whether the
     * session had expired when it was looked up (decided by the identity store's clock, which stamped its issue
     * time).
     */
    public record SessionToken(byte[] sha256, boolean expired) {
        public SessionToken {
            Objects.requireNonNull(sha256, "sha256");
            sha256 = sha256.clone();
        }

        /** Whether {@code presented} is this session's token, in time independent of the token's content. */
        public boolean matches(String presented) {
            if (presented == null) {
                return false;
            }
            try {
                byte[] h = MessageDigest.getInstance("SHA-256").digest(presented.getBytes(StandardCharsets.UTF_8));
                return MessageDigest.isEqual(sha256, h);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 unavailable", e);
            }
        }

        @Override
        public byte[] sha256() {
            return sha256.clone();
        }

        @Override
        public String toString() {
            return "SessionToken[expired=" + expired + "]";
        }
    }

    @Override
    public String toString() {
        return "Credential[accessKeyId=" + accessKeyId + ", principal=" + principal + ", active=" + active
                + (session != null ? ", session" : "") + "]";
    }
}

package dev.dualkey.gateway.console.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * CSRF tokens for every console form (synchronizer tokens without server state). A token is
 * {@code base64url(HMAC-SHA256(key, purpose || 0x00 || binding))} where the binding is the session token
 * for a signed-in user, or the random pre-sign-in cookie for the sign-in forms. A token therefore dies with
 * its session (rotated at sign-in, revoked at sign-out) and cannot be forged without the key, which lives
 * only in memory and changes at each start. Comparison is constant-time.
 */
public final class CsrfGuard {
    /** Name of the hidden form field carrying the token. */
    public static final String FIELD = "csrf";

    private final byte[] key;

    /** A guard with a fresh random key. */
    public CsrfGuard(SecureRandom random) {
        this.key = new byte[32];
        random.nextBytes(key);
    }

    /** The token for a binding (session token or pre-sign-in cookie). */
    public String token(String binding) {
        if (binding == null || binding.isEmpty()) {
            throw new IllegalArgumentException("a CSRF token needs a binding");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update("dualkey-console-csrf".getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 0);
            byte[] tag = mac.doFinal(binding.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Whether {@code submitted} is the token for {@code binding}; false when either is missing. */
    public boolean verify(String binding, String submitted) {
        if (binding == null || binding.isEmpty() || submitted == null || submitted.isEmpty()) {
            return false;
        }
        byte[] expected = token(binding).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = submitted.getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, actual);
    }
}

package dev.dualkey.mfa.secret;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM encryption of secrets at rest (MFA seeds, secret access keys).
 *
 * <p>Sealed layout:
 * <pre>
 *   byte    version = 1
 *   byte[12] nonce (random per seal)
 *   byte[n+16] ciphertext || GCM tag (128 bit)
 * </pre>
 * The AAD binds each ciphertext to its record ({@code purpose + ":" + id}, e.g. {@code "seed:GAHT10000001"}),
 * so a sealed seed copied onto another device record fails to open. Thread-safe.
 */
public final class SecretBox {
    private static final int VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();
    /**
     * One cipher per thread: {@code Cipher.getInstance} is a provider lookup that cost more than the decryption
     * itself on the MFA-delete and SigV4 paths. Every use re-initialises it with a fresh nonce (GCM refuses a
     * repeated key+nonce for encryption, and every seal draws a random one).
     */
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    });

    public SecretBox(byte[] masterKey) {
        if (masterKey.length != 32) {
            throw new IllegalArgumentException("master key must be 32 bytes");
        }
        this.key = new SecretKeySpec(masterKey.clone(), "AES");
    }

    /** Encrypts {@code plaintext} bound to {@code aad}. */
    public byte[] seal(byte[] plaintext, String aad) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher c = ciphers.get();
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            byte[] ct = c.doFinal(plaintext);
            byte[] out = new byte[1 + NONCE_BYTES + ct.length];
            out[0] = VERSION;
            System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
            System.arraycopy(ct, 0, out, 1 + NONCE_BYTES, ct.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /**
     * Decrypts a value sealed with the same {@code aad}.
     *
     * @throws SecretBoxException when the value was altered, moved to another record or sealed under another key
     */
    public byte[] open(byte[] sealed, String aad) {
        if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
            throw new SecretBoxException("sealed value is malformed");
        }
        try {
            Cipher c = ciphers.get();
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(sealed, 1,
                    1 + NONCE_BYTES)));
            c.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            return c.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new SecretBoxException("sealed value does not authenticate (wrong key or record)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }
}

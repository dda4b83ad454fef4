package dev.dualkey.mfa.secret;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM encryption of secrets at rest (MFA seeds, secret access keys, session secrets, KMS key material).
 *
 * <p>Sealed layouts (the first byte says which):
 * <pre>
 *   version 1 (written before master key rotation existed; still read):
 *     byte     1
 *     byte[12] nonce (random per seal)
 *     byte[n+16] ciphertext || GCM tag (128 bit)
 *   version 2 (written now):
 *     byte     2
 *     int      key fingerprint: first 4 bytes of HMAC-SHA256(master key, "dualkey secretbox fingerprint")
 *     byte[12] nonce (random per seal)
 *     byte[n+16] ciphertext || GCM tag (128 bit)
 * </pre>
 * The AAD binds each ciphertext to its record ({@code purpose + ":" + id}, e.g. {@code "seed:GAHT10000001"}),
 * so a sealed seed copied onto another device record fails to open. The fingerprint names the master key that
 * sealed the value, so that during a master key rotation ({@code admin rotate-master-key}) values under the old
 * and the new key coexist: a box holds the current key (which seals) and previous keys (which only open). A
 * version-1 value names no key: each key is tried (the tag authenticates). Thread-safe.
 */
public final class SecretBox {
    private static final int VERSION_1 = 1;
    private static final int VERSION_2 = 2;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] FINGERPRINT_LABEL = "dualkey secretbox fingerprint".getBytes(StandardCharsets.UTF_8);

    private record Key(int fingerprint, SecretKeySpec spec) {
    }

    /** Current key first, then previous keys; replaced whole by {@link #rotateTo}. */
    private volatile List<Key> keys;
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
        this(masterKey, List.of());
    }

    /**
     * @param current  seals and opens
     * @param previous only open (values sealed before a master key rotation finished)
     */
    public SecretBox(byte[] current, List<byte[]> previous) {
        List<Key> k = new ArrayList<>();
        k.add(key(current));
        for (byte[] p : previous) {
            k.add(key(p));
        }
        this.keys = List.copyOf(k);
    }

    private static Key key(byte[] master) {
        if (master == null || master.length != 32) {
            throw new IllegalArgumentException("master key must be 32 bytes");
        }
        return new Key(fingerprint(master), new SecretKeySpec(master.clone(), "AES"));
    }

    /** The fingerprint a version-2 value carries for {@code master} (also shown to operators). */
    public static int fingerprint(byte[] master) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(master, "HmacSHA256"));
            return ByteBuffer.wrap(mac.doFinal(FINGERPRINT_LABEL)).getInt();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * Makes {@code newMaster} the sealing key; the keys held so far stay to open (online rotation). Values sealed
     * concurrently use either key; both open.
     */
    public synchronized void rotateTo(byte[] newMaster) {
        Key k = key(newMaster);
        List<Key> next = new ArrayList<>();
        next.add(k);
        for (Key old : keys) {
            if (old.fingerprint() != k.fingerprint()) {
                next.add(old);
            }
        }
        keys = List.copyOf(next);
    }

    /** The fingerprint of the key that seals. */
    public int currentFingerprint() {
        return keys.get(0).fingerprint();
    }

    /** True when previous keys are held (a rotation is configured). */
    public boolean hasPreviousKeys() {
        return keys.size() > 1;
    }

    /** True when {@code sealed} is a version-2 value under the current key (nothing to re-seal). */
    public boolean sealedUnderCurrent(byte[] sealed) {
        return sealed.length >= 5 && sealed[0] == VERSION_2
                && ByteBuffer.wrap(sealed, 1, 4).getInt() == currentFingerprint();
    }

    /** Opens {@code sealed} and seals it again under the current key (master key rotation). */
    public byte[] reseal(byte[] sealed, String aad) {
        byte[] plain = open(sealed, aad);
        try {
            return seal(plain, aad);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** Encrypts {@code plaintext} bound to {@code aad}, under the current key (version 2). */
    public byte[] seal(byte[] plaintext, String aad) {
        Key k = keys.get(0);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher c = ciphers.get();
            c.init(Cipher.ENCRYPT_MODE, k.spec(), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            byte[] ct = c.doFinal(plaintext);
            byte[] out = new byte[5 + NONCE_BYTES + ct.length];
            out[0] = VERSION_2;
            ByteBuffer.wrap(out, 1, 4).putInt(k.fingerprint());
            System.arraycopy(nonce, 0, out, 5, NONCE_BYTES);
            System.arraycopy(ct, 0, out, 5 + NONCE_BYTES, ct.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /**
     * Decrypts a value sealed with the same {@code aad}.
     *
     * @throws SecretBoxException when the value was altered, moved to another record or sealed under a key this box
     *                            does not hold
     */
    public byte[] open(byte[] sealed, String aad) {
        if (sealed.length >= 1 && sealed[0] == VERSION_2) {
            if (sealed.length < 5 + NONCE_BYTES + TAG_BITS / 8) {
                throw new SecretBoxException("sealed value is malformed");
            }
            int fp = ByteBuffer.wrap(sealed, 1, 4).getInt();
            for (Key k : keys) {
                if (k.fingerprint() == fp) {
                    return open(k, sealed, 5, aad);
                }
            }
            throw new SecretBoxException("sealed value was sealed under a master key this server does not hold "
                    + "(fingerprint " + Integer.toHexString(fp) + ")");
        }
        if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION_1) {
            throw new SecretBoxException("sealed value is malformed");
        }
        SecretBoxException last = null;
        for (Key k : keys) {
            try {
                return open(k, sealed, 1, aad);
            } catch (SecretBoxException e) {
                last = e;
            }
        }
        throw last;
    }

    private byte[] open(Key k, byte[] sealed, int nonceAt, String aad) {
        try {
            Cipher c = ciphers.get();
            c.init(Cipher.DECRYPT_MODE, k.spec(), new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(sealed, nonceAt,
                    nonceAt + NONCE_BYTES)));
            c.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            return c.doFinal(sealed, nonceAt + NONCE_BYTES, sealed.length - nonceAt - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new SecretBoxException("sealed value does not authenticate (wrong key or record)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }
}

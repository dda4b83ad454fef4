package dev.dualkey.storage.crypto;

import dev.dualkey.storage.error.DataCorruptionException;
import dev.dualkey.storage.error.StorageIoException;
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
 * The SSE-S3 key wrapper: a key-encryption key (KEK) derived from the server's 256-bit master key with HKDF-SHA256
 * (RFC 5869; salt {@value #SALT}, info {@value #INFO}), wrapping data keys with AES-256-GCM.
 *
 * <p>Why a derived key and not the master key itself: the master key also seals MFA seeds and secret keys
 * ({@code mfa/.../SecretBox}); a separate KEK per purpose means no ciphertext of one purpose can be replayed into the
 * other. Why GCM and not AES-KW: the JDK's AES-GCM uses the CPU's AES and carry-less multiply instructions, takes
 * associated data (the blob's context, so a wrapped key cannot be moved to another blob) and needs no second
 * primitive.
 *
 * <p>Wrapped layout ({@link KeyWrapper#WRAPPED_BYTES} = 64 bytes):
 * <pre>
 *   0   4  KEK fingerprint: first 4 bytes of HMAC-SHA256(KEK, "fingerprint")
 *   4  12  GCM nonce (random)
 *   16 32  encrypted data key
 *   48 16  GCM tag (AAD = the caller's aad)
 * </pre>
 * Rotation: a wrapper built with the new master key and the old ones ({@link #fromMasterKeys}) wraps with the new
 * KEK and unwraps with whichever KEK the fingerprint names.
 */
public final class MasterKeyWrapper implements KeyWrapper {
    static final String SALT = "dualkey object data";
    static final String INFO = "dualkey SSE-S3 key-encryption key v1";
    static final String CUSTOMER_INFO = "dualkey SSE-C key-encryption key v1";
    private static final int TAG_BITS = 128;
    /** Current KEK first (wraps), then previous ones (unwrap only); replaced whole by {@link #rotateTo}. */
    private volatile List<Kek> keks;
    private final SecureRandom random = new SecureRandom();
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    });
    /** SSE-C only: keys the ETag digest; null for the master key (ETag = MD5). */
    private final SecretKeySpec etagKey;

    private record Kek(int fingerprint, SecretKeySpec key) {
    }

    private MasterKeyWrapper(List<Kek> keks, SecretKeySpec etagKey) {
        this.keks = keks;
        this.etagKey = etagKey;
    }

    /**
     * The SSE-C wrapper of a customer's 256-bit key: KEK = HKDF-SHA256(customer key, {@value #SALT},
     * {@value #CUSTOMER_INFO}), never stored; ETags are HMAC-SHA256(HKDF(customer key, "etag"), MD5) truncated to 16
     * bytes. The caller may zero its array afterwards.
     */
    public static MasterKeyWrapper forCustomerKey(byte[] customerKey) {
        if (customerKey == null || customerKey.length != 32) {
            throw new IllegalArgumentException("customer key must be 32 bytes");
        }
        byte[] kek = hkdfSha256(customerKey, SALT.getBytes(StandardCharsets.UTF_8),
                CUSTOMER_INFO.getBytes(StandardCharsets.UTF_8), 32);
        byte[] fp = hmac(kek, "fingerprint".getBytes(StandardCharsets.UTF_8));
        Kek k = new Kek(ByteBuffer.wrap(fp).getInt(), new SecretKeySpec(kek, "AES"));
        byte[] etag = hkdfSha256(customerKey, SALT.getBytes(StandardCharsets.UTF_8),
                (CUSTOMER_INFO + " etag").getBytes(StandardCharsets.UTF_8), 32);
        MasterKeyWrapper w = new MasterKeyWrapper(List.of(k), new SecretKeySpec(etag, "HmacSHA256"));
        Arrays.fill(kek, (byte) 0);
        Arrays.fill(etag, (byte) 0);
        return w;
    }

    @Override
    public String etag(byte[] md5) {
        if (etagKey == null) {
            return KeyWrapper.super.etag(md5);
        }
        return java.util.HexFormat.of().formatHex(Arrays.copyOf(hmac(etagKey.getEncoded(), md5), 16));
    }

    @Override
    public boolean knows(int fingerprint) {
        for (Kek k : keks) {
            if (k.fingerprint() == fingerprint) {
                return true;
            }
        }
        return false;
    }

    /** The fingerprint the current KEK writes into wrapped keys (header bytes 12..16 of sealed data). */
    public int currentFingerprint() {
        return keks.get(0).fingerprint();
    }

    /**
     * True when {@code fingerprint} names one of this wrapper's previous KEKs: a data key wrapped under it is one a
     * master key rotation re-wraps (a KMS key's or a customer key's fingerprint is no master KEK's: false).
     */
    public boolean wrappedByPrevious(int fingerprint) {
        return fingerprint != currentFingerprint() && knows(fingerprint);
    }

    /** True while previous master keys are held (a rotation is configured). */
    public boolean hasPrevious() {
        return keks.size() > 1;
    }

    /**
     * Makes {@code newMaster} the wrapping key; the KEKs held so far stay to unwrap (online master key rotation).
     * The caller may zero its array afterwards.
     */
    public synchronized void rotateTo(byte[] newMaster) {
        if (etagKey != null) {
            throw new IllegalStateException("a customer key's wrapper does not rotate");
        }
        Kek k = derive(newMaster);
        List<Kek> next = new ArrayList<>();
        next.add(k);
        for (Kek old : keks) {
            if (old.fingerprint() != k.fingerprint()) {
                next.add(old);
            }
        }
        keks = List.copyOf(next);
    }

    /**
     * Re-wraps the data key of a sealed header (bytes 12..76) under the current KEK: unwraps with the KEK the
     * fingerprint names, wraps again with the same associated data. The data itself is untouched: its chunks stay
     * encrypted under the same data key. Returns the new 64 bytes.
     */
    public byte[] rewrap(byte[] wrapped, byte[] aad) {
        byte[] dataKey = unwrap(wrapped, aad);
        try {
            return wrap(dataKey, aad);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /**
     * The header of sealed data ({@link SealedLayout}, {@value SealedLayout#HEADER_BYTES} bytes) with its data key
     * re-wrapped under the current KEK, or null when it needs none (already current, or wrapped by a KMS or
     * customer key). Only bytes 12..76 differ; the header's bytes 0..12 and the context stay the associated data.
     *
     * @throws dev.dualkey.storage.error.DataCorruptionException when the header is damaged or its wrapped key fails
     *                                                            its tag
     */
    public byte[] rewrapHeader(byte[] header, byte[] context) {
        SealedLayout.checkHeader(header);
        if (!wrappedByPrevious(SealedLayout.keyFingerprint(header))) {
            return null;
        }
        byte[] aad = SealedLayout.wrapAad(header, context);
        byte[] wrapped = Arrays.copyOfRange(header, 12, 12 + WRAPPED_BYTES);
        byte[] out = Arrays.copyOf(header, SealedLayout.HEADER_BYTES);
        System.arraycopy(rewrap(wrapped, aad), 0, out, 12, WRAPPED_BYTES);
        return out;
    }

    /** A wrapper over one 32-byte master key (the caller may zero its array afterwards). */
    public static MasterKeyWrapper fromMasterKey(byte[] masterKey) {
        return fromMasterKeys(masterKey, List.of());
    }

    /**
     * @param current  the master key new data keys are wrapped with
     * @param previous older master keys whose wrapped keys are still readable
     */
    public static MasterKeyWrapper fromMasterKeys(byte[] current, List<byte[]> previous) {
        List<Kek> keks = new ArrayList<>();
        keks.add(derive(current));
        for (byte[] p : previous) {
            keks.add(derive(p));
        }
        return new MasterKeyWrapper(List.copyOf(keks), null);
    }

    private static Kek derive(byte[] master) {
        if (master == null || master.length != 32) {
            throw new IllegalArgumentException("master key must be 32 bytes");
        }
        byte[] kek = hkdfSha256(master, SALT.getBytes(StandardCharsets.UTF_8), INFO.getBytes(StandardCharsets.UTF_8),
                32);
        byte[] fp = hmac(kek, "fingerprint".getBytes(StandardCharsets.UTF_8));
        Kek k = new Kek(ByteBuffer.wrap(fp).getInt(), new SecretKeySpec(kek, "AES"));
        Arrays.fill(kek, (byte) 0);
        return k;
    }

    /** HKDF-SHA256 extract-then-expand (RFC 5869). */
    static byte[] hkdfSha256(byte[] ikm, byte[] salt, byte[] info, int length) {
        byte[] prk = hmac(salt, ikm);
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        int pos = 0;
        for (int i = 1; pos < length; i++) {
            byte[] input = new byte[t.length + info.length + 1];
            System.arraycopy(t, 0, input, 0, t.length);
            System.arraycopy(info, 0, input, t.length, info.length);
            input[input.length - 1] = (byte) i;
            t = hmac(prk, input);
            int n = Math.min(t.length, length - pos);
            System.arraycopy(t, 0, out, pos, n);
            pos += n;
        }
        Arrays.fill(prk, (byte) 0);
        return out;
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    @Override
    public byte[] wrap(byte[] dataKey, byte[] aad) {
        Kek kek = keks.get(0);
        byte[] out = new byte[WRAPPED_BYTES];
        ByteBuffer.wrap(out).putInt(kek.fingerprint());
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, 4, 12);
        try {
            Cipher c = CIPHERS.get();
            c.init(Cipher.ENCRYPT_MODE, kek.key(), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad);
            c.doFinal(dataKey, 0, dataKey.length, out, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
        return out;
    }

    @Override
    public byte[] unwrap(byte[] wrapped, byte[] aad) {
        if (wrapped.length != WRAPPED_BYTES) {
            throw new DataCorruptionException("wrapped data key has " + wrapped.length + " bytes");
        }
        int fp = ByteBuffer.wrap(wrapped).getInt();
        for (Kek kek : keks) {
            if (kek.fingerprint() != fp) {
                continue;
            }
            try {
                Cipher c = CIPHERS.get();
                c.init(Cipher.DECRYPT_MODE, kek.key(), new GCMParameterSpec(TAG_BITS, wrapped, 4, 12));
                c.updateAAD(aad);
                return c.doFinal(wrapped, 16, WRAPPED_BYTES - 16);
            } catch (AEADBadTagException e) {
                throw new DataCorruptionException("wrapped data key failed its integrity check");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM unavailable", e);
            }
        }
        throw new StorageIoException("data key was wrapped by an unknown master key (fingerprint "
                + Integer.toHexString(fp) + "): start the server with the master key that wrote it");
    }

}

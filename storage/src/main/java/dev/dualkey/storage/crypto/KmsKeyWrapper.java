package dev.dualkey.storage.crypto;

import dev.dualkey.storage.error.DataCorruptionException;
import dev.dualkey.storage.error.StorageIoException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SSE-KMS key wrapper: data keys wrapped by a key-encryption key derived from one KMS key's 256-bit material
 * (HKDF-SHA256, salt {@value MasterKeyWrapper#SALT}, info {@value #INFO}), with the object's encryption context
 * bound into the wrap's associated data. Beside {@link MasterKeyWrapper}; the sealed layout is the same
 * ({@link SealedLayout}), only who wraps the data key differs, so every reader of sealed data works unchanged.
 *
 * <p>Wrapped layout ({@link KeyWrapper#WRAPPED_BYTES} = 64 bytes), as the master key's:
 * <pre>
 *   0   4  KEK fingerprint: first 4 bytes of HMAC-SHA256(KEK, "fingerprint")
 *   4  12  GCM nonce (random)
 *   16 32  encrypted data key
 *   48 16  GCM tag; AAD = the caller's aad || 0x00 "kms-context" 0x00 || encryption context (canonical UTF-8 JSON)
 * </pre>
 *
 * <p>Why the context in the AAD: it is what AWS KMS binds to a data key ({@code aws:s3:arn} by default), so a
 * data key cannot be opened under another object's context even by someone holding the KMS key's material and the
 * stored bytes. Why one KEK per KMS key and not the master key: deleting a KMS key's material (the end of a
 * scheduled deletion) must make exactly its objects unreadable, nothing else. The KMS key's material itself is
 * sealed under the master key by the gateway's key registry; master key rotation re-seals that material and
 * never touches the data keys wrapped here.
 */
public final class KmsKeyWrapper implements KeyWrapper {
    static final String INFO = "dualkey SSE-KMS key-encryption key v1";
    private static final byte[] CONTEXT_SEPARATOR = "\0kms-context\0".getBytes(StandardCharsets.US_ASCII);
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    });
    private final int fingerprint;
    private final SecretKeySpec kek;
    private final byte[] context;

    private KmsKeyWrapper(int fingerprint, SecretKeySpec kek, byte[] context) {
        this.fingerprint = fingerprint;
        this.kek = kek;
        this.context = context;
    }

    /**
     * @param keyMaterial       the KMS key's 32 bytes (the caller may zero its array afterwards)
     * @param encryptionContext the object's encryption context in canonical form (bound into every wrap)
     */
    public static KmsKeyWrapper of(byte[] keyMaterial, byte[] encryptionContext) {
        if (keyMaterial == null || keyMaterial.length != 32) {
            throw new IllegalArgumentException("KMS key material must be 32 bytes");
        }
        byte[] k = MasterKeyWrapper.hkdfSha256(keyMaterial, MasterKeyWrapper.SALT.getBytes(StandardCharsets.UTF_8),
                INFO.getBytes(StandardCharsets.UTF_8), 32);
        int fp;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(k, "HmacSHA256"));
            fp = ByteBuffer.wrap(mac.doFinal("fingerprint".getBytes(StandardCharsets.UTF_8))).getInt();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
        KmsKeyWrapper w = new KmsKeyWrapper(fp, new SecretKeySpec(k, "AES"), encryptionContext.clone());
        Arrays.fill(k, (byte) 0);
        return w;
    }

    /** The fingerprint this wrapper writes into wrapped keys (and the header bytes 12..16 of sealed data). */
    public int fingerprint() {
        return fingerprint;
    }

    private byte[] aad(byte[] aad) {
        byte[] out = new byte[aad.length + CONTEXT_SEPARATOR.length + context.length];
        System.arraycopy(aad, 0, out, 0, aad.length);
        System.arraycopy(CONTEXT_SEPARATOR, 0, out, aad.length, CONTEXT_SEPARATOR.length);
        System.arraycopy(context, 0, out, aad.length + CONTEXT_SEPARATOR.length, context.length);
        return out;
    }

    @Override
    public byte[] wrap(byte[] dataKey, byte[] aad) {
        byte[] out = new byte[WRAPPED_BYTES];
        ByteBuffer.wrap(out).putInt(fingerprint);
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        System.arraycopy(nonce, 0, out, 4, 12);
        try {
            Cipher c = CIPHERS.get();
            c.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(aad));
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
        if (fp != fingerprint) {
            throw new StorageIoException("data key was wrapped by another key (fingerprint " + Integer.toHexString(fp)
                    + ") than this KMS key");
        }
        try {
            Cipher c = CIPHERS.get();
            c.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, wrapped, 4, 12));
            c.updateAAD(aad(aad));
            return c.doFinal(wrapped, 16, WRAPPED_BYTES - 16);
        } catch (AEADBadTagException e) {
            throw new DataCorruptionException("wrapped data key failed its integrity check (altered, or another "
                    + "encryption context)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    @Override
    public boolean knows(int fp) {
        return fp == fingerprint;
    }
}

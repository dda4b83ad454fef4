package dev.dualkey.storage.crypto;

import dev.dualkey.storage.error.DataCorruptionException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Byte layout of sealed (encrypted) object data, the same for a blob file and an inline RocksDB value.
 *
 * <pre>
 * header ({@value #HEADER_BYTES} bytes)
 *   0   4  magic "DKS1"
 *   4   1  layout version = 1
 *   5   1  chunk shift s: plaintext chunk size C = 2^s (16: 64 KiB)
 *   6   2  reserved, zero
 *   8   4  nonce prefix (random per blob/value)
 *   12 64  wrapped data key ({@link KeyWrapper}; AAD = header bytes 0..12 || context)
 * chunks, n = max(1, ceil(size / C)) of them, chunk i at HEADER_BYTES + i * (C + 16)
 *   ciphertext of plaintext [i*C, min((i+1)*C, size))  (AES-256-GCM, the data key)
 *   16-byte GCM tag
 *     nonce = nonce prefix (4) || i (8, big-endian)
 *     AAD   = context || i (8, big-endian) || final (1: 1 for chunk n-1, else 0)
 * </pre>
 *
 * {@code size} (the plaintext length) comes from the version's metadata, never from the file; a file whose length
 * is not {@code HEADER_BYTES + size + 16 n} is corrupt. The context names where the bytes belong (a blob's id; an
 * inline value's bucket and key), so a chunk or a whole file moved elsewhere, reordered chunks, a dropped final
 * chunk and a flipped bit all fail a tag. An empty body is one empty final chunk (a tag only).
 *
 * <p>Which stored bytes are sealed is recorded outside them, so that data written before encryption existed stays
 * readable: a sealed blob's id ends with {@link #BLOB_ID_SUFFIX}, a sealed inline value has its own data kind.
 */
public final class SealedLayout {
    /** Header bytes before the first chunk. */
    public static final int HEADER_BYTES = 76;
    /** Plaintext chunk size shift: 64 KiB chunks (the gateway's network chunk; 0.02% of tag overhead). */
    public static final int CHUNK_SHIFT = 16;
    /** GCM tag length. */
    public static final int TAG_BYTES = 16;
    /** Suffix of the ids of sealed blobs (absent on blobs written in the clear before this format). */
    public static final String BLOB_ID_SUFFIX = ".s1";
    static final byte[] MAGIC = "DKS1".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    });

    private SealedLayout() {
    }

    /** Stored length of {@code size} plaintext bytes in chunks of {@code 2^shift}. */
    public static long sealedLength(long size, int shift) {
        return HEADER_BYTES + size + (long) TAG_BYTES * chunkCount(size, shift);
    }

    static long chunkCount(long size, int shift) {
        return Math.max(1, (size + (1L << shift) - 1) >>> shift);
    }

    /** The context of a sealed blob: binds its chunks to its id. */
    public static byte[] blobContext(String blobId) {
        return ("blob\0" + blobId).getBytes(StandardCharsets.UTF_8);
    }

    /** The context of a sealed inline value: binds it to its bucket and key. */
    public static byte[] inlineContext(String bucket, String key) {
        return ("inline\0" + bucket + "\0" + key).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Checks a header's magic, version and chunk shift (what a reader checks before unwrapping the data key; the
     * scrub checks it also for data it cannot decrypt). Returns the chunk shift.
     *
     * @throws DataCorruptionException when the header is damaged
     */
    public static int checkHeader(byte[] header) {
        if (header.length < HEADER_BYTES) {
            throw new DataCorruptionException("sealed header truncated");
        }
        ByteBuffer h = ByteBuffer.wrap(header);
        byte[] magic = new byte[4];
        h.get(magic);
        int version = h.get();
        int shift = h.get();
        if (!java.util.Arrays.equals(magic, MAGIC) || version != VERSION || shift < 12 || shift > 24) {
            throw new DataCorruptionException("sealed header damaged");
        }
        return shift;
    }

    /** The fingerprint of the key that wrapped the data key ({@link KeyWrapper#knows}): header bytes 12..16. */
    public static int keyFingerprint(byte[] header) {
        return ByteBuffer.wrap(header, 12, 4).getInt();
    }

    /** True for the id of a sealed blob. */
    public static boolean isSealedBlob(String blobId) {
        return blobId.endsWith(BLOB_ID_SUFFIX);
    }

    static byte[] wrapAad(byte[] header, byte[] context) {
        byte[] aad = new byte[12 + context.length];
        System.arraycopy(header, 0, aad, 0, 12);
        System.arraycopy(context, 0, aad, 12, context.length);
        return aad;
    }

    static byte[] chunkAad(byte[] context, long index, boolean last) {
        byte[] aad = new byte[context.length + 9];
        System.arraycopy(context, 0, aad, 0, context.length);
        ByteBuffer.wrap(aad, context.length, 9).putLong(index).put((byte) (last ? 1 : 0));
        return aad;
    }

    static byte[] nonce(int prefix, long index) {
        return ByteBuffer.allocate(12).putInt(prefix).putLong(index).array();
    }

    /**
     * The most plaintext {@link #encrypt} hands the cipher per call (a multiple of the AES block). Why slices: the
     * JDK's AES-GCM intrinsics (GHASH with carry-less multiply, AES counter mode) replace the Java code only inside
     * C2-compiled callers, and C2 compiles a caller after thousands of invocations, one per call here. A whole
     * 64 KiB chunk per call left GCM in the Java fallback, about 11 ns per byte against 0.22 with the intrinsics,
     * for the first ~220 MiB sealed (longer on a loaded machine, where C2 lags: the fallback was the largest cost of
     * the storage thread in every profile of issue 19). In 8 KiB slices the callers are compiled after ~64 MiB; the
     * ciphertext and tag are the same, and the steady state costs the same (measured 0.22-0.23 ns/B both ways).
     */
    static final int ENCRYPT_SLICE = 8 << 10;

    /** A cipher of this thread's (reused), for {@link #startChunk}. */
    static Cipher cipher() {
        return CIPHERS.get();
    }

    /**
     * Readies {@code c} to encrypt chunk {@code index}: the same nonce and AAD as {@link #encrypt}, for a caller that
     * feeds the chunk's plaintext in pieces as it arrives ({@link Sealer}'s known-length mode).
     */
    static void startChunk(Cipher c, SecretKey key, int prefix, byte[] context, long index, boolean last) {
        try {
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce(prefix, index)));
            c.updateAAD(chunkAad(context, index, last));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** Encrypts {@code len} bytes of {@code in} into {@code out} at {@code outOff}; returns bytes written. */
    static int encrypt(SecretKey key, int prefix, byte[] context, long index, boolean last, byte[] in, int off,
                       int len, byte[] out, int outOff) {
        Cipher c = CIPHERS.get();
        try {
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce(prefix, index)));
            c.updateAAD(chunkAad(context, index, last));
            int written = 0;
            int done = 0;
            for (; len - done > ENCRYPT_SLICE; done += ENCRYPT_SLICE) {
                written += c.update(in, off + done, ENCRYPT_SLICE, out, outOff + written);
            }
            return written + c.doFinal(in, off + done, len - done, out, outOff + written);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * Decrypts one chunk ({@code len} bytes including the tag) into {@code out} at 0; returns plaintext bytes.
     *
     * @throws DataCorruptionException when the tag does not match
     */
    static int decrypt(SecretKey key, int prefix, byte[] context, long index, boolean last, byte[] in, int off,
                       int len, byte[] out) {
        Cipher c = CIPHERS.get();
        try {
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce(prefix, index)));
            c.updateAAD(chunkAad(context, index, last));
            return c.doFinal(in, off, len, out, 0);
        } catch (AEADBadTagException e) {
            throw new DataCorruptionException("chunk " + index + " failed its integrity check");
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }
}

package dev.dualkey.storage.checksum;

import dev.dualkey.storage.model.ChecksumAlgorithm;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * Computes, in one pass over the body, its length, MD5 (the ETag; only a side digester skips it), an optional SHA-256 (SigV4 payload
 * hash) and the requested flexible checksums. Values are readable at any time for the bytes seen so far.
 * Not thread-safe.
 */
public final class BodyDigests {
    private final MessageDigest md5;
    private final MessageDigest sha256;
    private final Map<ChecksumAlgorithm, Object> checksums = new EnumMap<>(ChecksumAlgorithm.class);
    private long length;

    public BodyDigests(boolean computeSha256, Set<ChecksumAlgorithm> algorithms) {
        this(true, computeSha256, algorithms);
    }

    /**
     * @param computeMd5 false for a second digester beside a writer that already computes the body's MD5 (the
     *                   gateway's {@code UploadExchange}, which needs only the SigV4 payload SHA-256 or a checksum
     *                   the writer lacks): MD5 costs about 1.4 ns per byte, as much as the rest of a 64 KiB PUT's
     *                   body work; {@link #md5()} then throws
     */
    public BodyDigests(boolean computeMd5, boolean computeSha256, Set<ChecksumAlgorithm> algorithms) {
        md5 = computeMd5 ? digest("MD5") : null;
        sha256 = computeSha256 ? digest("SHA-256") : null;
        for (ChecksumAlgorithm a : algorithms) {
            checksums.put(a, switch (a) {
                case CRC32 -> new CRC32();
                case CRC32C -> new CRC32C();
                case CRC64NVME -> new Crc64Nvme();
                case SHA1 -> digest("SHA-1");
                case SHA256 -> digest("SHA-256");
            });
        }
    }

    /** Digests the remaining bytes of {@code buf} without moving its position. */
    public void update(ByteBuffer buf) {
        int n = buf.remaining();
        if (md5 != null) {
            md5.update(buf.duplicate());
        }
        if (sha256 != null) {
            sha256.update(buf.duplicate());
        }
        for (Object c : checksums.values()) {
            if (c instanceof MessageDigest d) {
                d.update(buf.duplicate());
            } else {
                ((Checksum) c).update(buf.duplicate());
            }
        }
        length += n;
    }

    public long length() {
        return length;
    }

    /** @throws IllegalStateException when built without MD5 */
    public byte[] md5() {
        if (md5 == null) {
            throw new IllegalStateException("MD5 was not requested");
        }
        return snapshot(md5);
    }

    /** SHA-256 so far, or null when not requested. */
    public byte[] sha256() {
        return sha256 == null ? null : snapshot(sha256);
    }

    public Set<ChecksumAlgorithm> algorithms() {
        return checksums.keySet();
    }

    /** Raw big-endian checksum bytes so far, or null when the algorithm was not requested. */
    public byte[] checksumBytes(ChecksumAlgorithm a) {
        Object c = checksums.get(a);
        if (c == null) {
            return null;
        }
        if (c instanceof MessageDigest d) {
            return snapshot(d);
        }
        long v = ((Checksum) c).getValue();
        int n = a.digestLength();
        byte[] out = new byte[n];
        for (int i = n - 1; i >= 0; i--) {
            out[i] = (byte) v;
            v >>>= 8;
        }
        return out;
    }

    /** Base64 checksum so far, or null when not requested. */
    public String checksumBase64(ChecksumAlgorithm a) {
        byte[] b = checksumBytes(a);
        return b == null ? null : Base64.getEncoder().encodeToString(b);
    }

    /** All requested checksums as base64. */
    public Map<ChecksumAlgorithm, String> checksumsBase64() {
        Map<ChecksumAlgorithm, String> m = new EnumMap<>(ChecksumAlgorithm.class);
        for (ChecksumAlgorithm a : checksums.keySet()) {
            m.put(a, checksumBase64(a));
        }
        return m;
    }

    private static byte[] snapshot(MessageDigest d) {
        try {
            return ((MessageDigest) d.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("JDK digest not cloneable", e);
        }
    }

    static MessageDigest digest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(name + " missing from the JDK", e);
        }
    }
}

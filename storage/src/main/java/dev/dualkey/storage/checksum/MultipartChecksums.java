package dev.dualkey.storage.checksum;

import dev.dualkey.storage.model.ChecksumAlgorithm;
import dev.dualkey.storage.model.ChecksumType;
import dev.dualkey.storage.model.ObjectVersion;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The checksum of a multipart object and the layout of its parts, kept in two per-version attributes
 * ({@link dev.dualkey.storage.model.ObjectMetadata#attribute}) so that no record layout changes:
 * <ul>
 *   <li>{@value #TYPE_ATTRIBUTE}: {@code COMPOSITE} or {@code FULL_OBJECT}. Set by the gateway on the upload at
 *       CreateMultipartUpload (the upload's metadata becomes the object's), read by the store at completion.</li>
 *   <li>{@value #PARTS_ATTRIBUTE}: written by the store at completion, the parts in order, one entry per part
 *       separated by {@code ';'}: {@code <size>} or {@code <size>:<base64 part checksum>}. It serves
 *       GetObject/HeadObject with {@code partNumber} and GetObjectAttributes' ObjectParts. About 20 bytes a part
 *       (200 KB for the 10,000-part maximum).</li>
 * </ul>
 * Both are meaningful only when {@link ObjectVersion#partsCount()} is positive: a copy of a multipart object is a
 * single-part object with fresh checksums, whatever attributes it inherited.
 */
public final class MultipartChecksums {
    /** Per-version attribute holding the checksum type of a multipart object. */
    public static final String TYPE_ATTRIBUTE = "checksum-type";
    /** Per-version attribute holding the part sizes and checksums of a multipart object. */
    public static final String PARTS_ATTRIBUTE = "mp-parts";

    private MultipartChecksums() {
    }

    /** One part of a completed multipart object: its size and its checksum (base64, or null). */
    public record Part(long size, String checksum) {
    }

    /**
     * The object-level checksum of parts uploaded with {@code algorithm}: COMPOSITE is the checksum of the
     * concatenated raw part checksums with {@code -N}; FULL_OBJECT combines the part CRCs (no re-read).
     *
     * @return base64 value, or null when a part lacks the checksum
     */
    public static String objectChecksum(ChecksumAlgorithm algorithm, ChecksumType type, List<Part> parts) {
        for (Part p : parts) {
            if (p.checksum() == null) {
                return null;
            }
        }
        if (type == ChecksumType.FULL_OBJECT) {
            long crc = 0;
            boolean first = true;
            for (Part p : parts) {
                long partCrc = toLong(Base64.getDecoder().decode(p.checksum()));
                crc = first ? partCrc : CrcCombine.combine(algorithm, crc, partCrc, p.size());
                first = false;
            }
            return Base64.getEncoder().encodeToString(toBytes(crc, algorithm.digestLength()));
        }
        BodyDigests d = new BodyDigests(false, Set.of(algorithm));
        for (Part p : parts) {
            d.update(ByteBuffer.wrap(Base64.getDecoder().decode(p.checksum())));
        }
        return d.checksumBase64(algorithm) + "-" + parts.size();
    }

    /** The checksum type of a version: FULL_OBJECT for single-part objects, else its attribute (COMPOSITE before). */
    public static ChecksumType typeOf(ObjectVersion v) {
        if (v.partsCount() <= 0) {
            return ChecksumType.FULL_OBJECT;
        }
        ChecksumType t = ChecksumType.fromWire(v.metadata().attribute(TYPE_ATTRIBUTE));
        return t == null ? ChecksumType.COMPOSITE : t;
    }

    /** The parts of a multipart version in order, or an empty list when unknown (single part, or older data). */
    public static List<Part> partsOf(ObjectVersion v) {
        String s = v.metadata().attribute(PARTS_ATTRIBUTE);
        if (v.partsCount() <= 0 || s == null || s.isEmpty()) {
            return List.of();
        }
        List<Part> out = new ArrayList<>(v.partsCount());
        for (String e : s.split(";")) {
            int colon = e.indexOf(':');
            out.add(colon < 0 ? new Part(Long.parseLong(e), null)
                    : new Part(Long.parseLong(e.substring(0, colon)), e.substring(colon + 1)));
        }
        return out.size() == v.partsCount() ? out : List.of();
    }

    /** The {@value #PARTS_ATTRIBUTE} value for {@code parts}. */
    public static String encodeParts(List<Part> parts) {
        StringBuilder b = new StringBuilder(parts.size() * 20);
        for (Part p : parts) {
            if (b.length() > 0) {
                b.append(';');
            }
            b.append(p.size());
            if (p.checksum() != null) {
                b.append(':').append(p.checksum());
            }
        }
        return b.toString();
    }

    private static long toLong(byte[] b) {
        long v = 0;
        for (byte x : b) {
            v = (v << 8) | (x & 0xff);
        }
        return v;
    }

    private static byte[] toBytes(long v, int n) {
        byte[] out = new byte[n];
        for (int i = n - 1; i >= 0; i--) {
            out[i] = (byte) v;
            v >>>= 8;
        }
        return out;
    }
}

package dev.dualkey.storage.rocks;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.checksum.MultipartChecksums;
import dev.dualkey.storage.error.ConditionalRequestConflictException;
import dev.dualkey.storage.error.InvalidChecksumException;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import dev.dualkey.storage.model.ChecksumType;
import dev.dualkey.storage.model.CompletedPart;
import dev.dualkey.storage.model.ObjectMetadata;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The checks CompleteMultipartUpload makes under its key lock besides the part list's shape: part checksums as
 * sent, the object checksum (computed and, when declared, compared) and the conditional-write race.
 * Public for the upstream store ({@code dev.dualkey.gateway.upstream}), which makes the same checks.
 */
public final class CompleteChecks {
    private CompleteChecks() {
    }

    /** Every part checksum the client sent equals the stored part's (an algorithm the part lacks cannot match). */
    public static boolean partChecksumsMatch(CompletedPart sent, Map<ChecksumAlgorithm, String> stored) {
        for (Map.Entry<ChecksumAlgorithm, String> c : sent.checksums().entrySet()) {
            String have = stored.get(c.getKey());
            if (have == null || !constantTimeEquals(have, c.getValue().trim())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The object checksums of a completed upload: none without an algorithm, else by the upload's type. A value in
     * {@code expected} must match (a COMPOSITE value may be sent with or without its {@code -N}).
     *
     * @throws InvalidChecksumException BadDigest in S3's words
     */
    public static Map<ChecksumAlgorithm, String> objectChecksums(ChecksumAlgorithm algorithm, ObjectMetadata uploadMeta,
                                                         List<MultipartChecksums.Part> parts,
                                                         Expectations expected) {
        Map<ChecksumAlgorithm, String> out = new EnumMap<>(ChecksumAlgorithm.class);
        if (algorithm != null) {
            String v = MultipartChecksums.objectChecksum(algorithm, type(algorithm, uploadMeta), parts);
            if (v != null) {
                out.put(algorithm, v);
            }
        }
        for (Map.Entry<ChecksumAlgorithm, String> e : expected.checksums().entrySet()) {
            String actual = out.get(e.getKey());
            String want = e.getValue().trim();
            boolean ok = actual != null && (constantTimeEquals(actual, want)
                    || actual.contains("-") && constantTimeEquals(actual.substring(0, actual.lastIndexOf('-')),
                    want));
            if (!ok) {
                throw new InvalidChecksumException("The " + e.getKey().name()
                        + " you specified did not match the calculated checksum.");
            }
        }
        return out;
    }

    /** The upload's checksum type: as created, else S3's default for its algorithm; null without an algorithm. */
    public static ChecksumType type(ChecksumAlgorithm algorithm, ObjectMetadata uploadMeta) {
        if (algorithm == null) {
            return null;
        }
        ChecksumType type = ChecksumType.fromWire(uploadMeta.attribute(MultipartChecksums.TYPE_ATTRIBUTE));
        return type == null ? ChecksumType.defaultFor(algorithm) : type;
    }

    /**
     * S3's ConditionalRequestConflict: a conditional completion whose key was written or deleted (a version or a
     * delete marker created) after the upload began lost a race it could not see.
     */
    static void checkNoConflict(WriteOptions conditions, byte[] newestSeq, byte[] uploadSeq) {
        if (!conditions.ifNoneMatchAny() && conditions.ifMatchEtag() == null) {
            return;
        }
        if (newestSeq != null && Arrays.compareUnsigned(newestSeq, uploadSeq) > 0) {
            throw new ConditionalRequestConflictException("A conflicting operation occurred. If using PutObject you"
                    + " can retry the request. If using multipart upload you should initiate another"
                    + " CreateMultipartUpload request and re-upload each part.");
        }
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}

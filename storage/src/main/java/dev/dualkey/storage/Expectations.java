package dev.dualkey.storage;

import dev.dualkey.storage.model.ChecksumAlgorithm;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the client declared about the body, checked by {@link BodyWriter#commit} before anything is published.
 * Values known only after the body (aws-chunked trailers) are simply passed at commit time.
 *
 * @param contentLength declared length (decoded length for aws-chunked), or null when unknown;
 *                      mismatch -> {@code IncompleteBodyException}
 * @param contentMd5    the 16 raw bytes of {@code Content-MD5}, or null; mismatch -> {@code BadDigestException}
 * @param checksums     expected {@code x-amz-checksum-*} values, base64; an algorithm given here must have been
 *                      requested in {@link WriteOptions#checksumAlgorithms()}; mismatch ->
 *                      {@code InvalidChecksumException}
 */
public record Expectations(Long contentLength, byte[] contentMd5, Map<ChecksumAlgorithm, String> checksums) {
    public Expectations {
        Map<ChecksumAlgorithm, String> copy = new EnumMap<>(ChecksumAlgorithm.class);
        if (checksums != null) {
            copy.putAll(checksums);
        }
        checksums = Map.copyOf(copy);
        contentMd5 = contentMd5 == null ? null : contentMd5.clone();
    }

    /** Nothing declared. */
    public static Expectations none() {
        return new Expectations(null, null, Map.of());
    }

    public Expectations withContentLength(long length) {
        return new Expectations(length, contentMd5, checksums);
    }

    public Expectations withContentMd5(byte[] md5) {
        return new Expectations(contentLength, md5, checksums);
    }

    public Expectations withChecksum(ChecksumAlgorithm algorithm, String base64) {
        Map<ChecksumAlgorithm, String> m = new EnumMap<>(ChecksumAlgorithm.class);
        m.putAll(checksums);
        m.put(algorithm, base64);
        return new Expectations(contentLength, contentMd5, m);
    }
}

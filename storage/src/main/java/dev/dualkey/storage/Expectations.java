package dev.dualkey.storage;

import dev.dualkey.storage.checksum.BodyDigests;
import dev.dualkey.storage.error.BadDigestException;
import dev.dualkey.storage.error.IncompleteBodyException;
import dev.dualkey.storage.error.InvalidArgumentException;
import dev.dualkey.storage.error.InvalidChecksumException;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import java.security.MessageDigest;
import java.util.Base64;
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

    /**
     * Checks a received body's digests against these declarations: length, then Content-MD5, then checksums (the
     * order of {@link BodyWriter#commit}); every writer calls this one check, so all stores refuse alike.
     *
     * @throws IncompleteBodyException   the length differs
     * @throws BadDigestException        the MD5 differs
     * @throws InvalidArgumentException  a checksum is declared that the digests were not asked to compute
     * @throws InvalidChecksumException  a checksum is malformed or differs
     */
    public void check(BodyDigests digests) {
        if (contentLength != null && contentLength != digests.length()) {
            throw new IncompleteBodyException("expected " + contentLength + " bytes, received " + digests.length());
        }
        if (contentMd5 != null && !MessageDigest.isEqual(contentMd5, digests.md5())) {
            throw new BadDigestException("The Content-MD5 you specified did not match what we received.");
        }
        for (Map.Entry<ChecksumAlgorithm, String> c : checksums.entrySet()) {
            byte[] actual = digests.checksumBytes(c.getKey());
            if (actual == null) {
                throw new InvalidArgumentException("checksum " + c.getKey() + " expected but not requested");
            }
            byte[] want;
            try {
                want = Base64.getDecoder().decode(c.getValue());
            } catch (IllegalArgumentException ex) {
                throw new InvalidChecksumException("Value for x-amz-checksum-" + c.getKey().headerSuffix()
                        + " header is invalid.");
            }
            if (!MessageDigest.isEqual(want, actual)) {
                throw new InvalidChecksumException("The " + c.getKey() + " you specified did not match the "
                        + "calculated checksum.");
            }
        }
    }
}

package dev.dualkey.gateway.s3.integrity;

import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.checksum.MultipartChecksums;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import dev.dualkey.storage.model.ObjectVersion;
import java.util.List;

/**
 * GetObject / HeadObject with {@code partNumber}: the bytes of one part of a multipart object, answered 206 with
 * {@code Content-Range} and {@code x-amz-mp-parts-count}, and with {@code x-amz-checksum-mode: ENABLED} the part's
 * own checksum (so a client can verify exactly the bytes it received). A single-part object has one part, the
 * whole object (200, as before). A part number past the last: 416 InvalidPartNumber. Multipart objects completed
 * before part layouts were recorded are answered as one part.
 *
 * @param offset  first byte
 * @param length  bytes
 * @param partial whether the answer is 206
 */
public record PartRead(ObjectVersion version, int partNumber, long offset, long length, boolean partial,
                       String checksum) {

    public static PartRead of(ObjectVersion v, int n) {
        List<MultipartChecksums.Part> parts = MultipartChecksums.partsOf(v);
        if (parts.isEmpty()) {
            if (n != 1) {
                throw unsatisfiable(v);
            }
            return new PartRead(v, 1, 0, v.size(), false, null);
        }
        if (n > parts.size()) {
            throw unsatisfiable(v);
        }
        long offset = 0;
        for (int i = 0; i < n - 1; i++) {
            offset += parts.get(i).size();
        }
        return new PartRead(v, n, offset, parts.get(n - 1).size(), true, parts.get(n - 1).checksum());
    }

    private static S3Exception unsatisfiable(ObjectVersion v) {
        return new S3Exception(S3ErrorCode.INVALID_PART_NUMBER)
                .withHeader("Content-Range", "bytes */" + v.size());
    }

    /** {@code x-amz-mp-parts-count} and, in checksum mode, the part's checksum. */
    public void headers(Reply reply, boolean checksumMode) {
        if (version.partsCount() > 0) {
            reply.header("x-amz-mp-parts-count", Integer.toString(version.partsCount()));
        }
        if (!checksumMode) {
            return;
        }
        if (!partial) {
            ChecksumRules.versionHeaders(reply, version);
            return;
        }
        if (checksum != null && !version.checksums().isEmpty()) {
            ChecksumAlgorithm a = version.checksums().keySet().iterator().next();
            reply.header("x-amz-checksum-" + a.headerSuffix(), checksum);
            reply.header("x-amz-checksum-type", MultipartChecksums.typeOf(version).name());
        }
    }
}

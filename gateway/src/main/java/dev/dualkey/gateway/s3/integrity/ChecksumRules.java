package dev.dualkey.gateway.s3.integrity;

import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.s3.xml.XmlElement;
import dev.dualkey.gateway.s3.xml.XmlWriter;
import dev.dualkey.storage.checksum.MultipartChecksums;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import dev.dualkey.storage.model.ChecksumType;
import dev.dualkey.storage.model.CompletedPart;
import dev.dualkey.storage.model.MultipartUpload;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * S3's rules for checksum algorithms and types on multipart uploads, and how stored checksums go on the wire.
 *
 * <p>CreateMultipartUpload: {@code x-amz-checksum-type} needs {@code x-amz-checksum-algorithm}; FULL_OBJECT only
 * with a CRC, COMPOSITE not with CRC64NVME (InvalidRequest); without a type S3 picks FULL_OBJECT for CRC64NVME and
 * COMPOSITE for the others. CompleteMultipartUpload: the type and algorithm must be the upload's, and a COMPOSITE
 * upload needs every part's checksum in the part list (InvalidRequest).
 */
public final class ChecksumRules {
    private ChecksumRules() {
    }

    /** CreateMultipartUpload: the upload's metadata with its checksum type recorded (when it has an algorithm). */
    public static ObjectMetadata withCreateType(S3Request req, Set<ChecksumAlgorithm> requested,
                                                ObjectMetadata metadata) {
        String header = req.header("x-amz-checksum-type");
        ChecksumAlgorithm algorithm = requested.isEmpty() ? null : requested.stream().sorted().findFirst().get();
        if (header == null) {
            return algorithm == null ? metadata : metadata.toBuilder()
                    .attribute(MultipartChecksums.TYPE_ATTRIBUTE, ChecksumType.defaultFor(algorithm).name()).build();
        }
        ChecksumType type = ChecksumType.fromWire(header.trim());
        if (type == null) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "Value for x-amz-checksum-type header is invalid.");
        }
        if (algorithm == null) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST,
                    "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.");
        }
        if (!type.supports(algorithm)) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "The " + type.name()
                    + " checksum type cannot be used with the " + algorithm.name().toLowerCase(Locale.ROOT)
                    + " checksum algorithm.");
        }
        return metadata.toBuilder().attribute(MultipartChecksums.TYPE_ATTRIBUTE, type.name()).build();
    }

    /** The checksum type of an upload (null without an algorithm). */
    public static ChecksumType typeOf(MultipartUpload up) {
        if (up.checksumAlgorithm() == null) {
            return null;
        }
        ChecksumType t = ChecksumType.fromWire(up.metadata().attribute(MultipartChecksums.TYPE_ATTRIBUTE));
        return t == null ? ChecksumType.defaultFor(up.checksumAlgorithm()) : t;
    }

    /** The {@code <ChecksumXXX>} children of a {@code <Part>} of a CompleteMultipartUpload document. */
    public static Map<ChecksumAlgorithm, String> partChecksums(XmlElement part) {
        Map<ChecksumAlgorithm, String> m = new EnumMap<>(ChecksumAlgorithm.class);
        for (ChecksumAlgorithm a : ChecksumAlgorithm.values()) {
            part.childText("Checksum" + a.name()).filter(s -> !s.isBlank()).ifPresent(v -> m.put(a, v.trim()));
        }
        return m;
    }

    /** The whole-object checksum headers of a CompleteMultipartUpload. */
    public static Map<ChecksumAlgorithm, String> objectChecksumHeaders(S3Request req) {
        Map<ChecksumAlgorithm, String> m = new EnumMap<>(ChecksumAlgorithm.class);
        for (ChecksumAlgorithm a : ChecksumAlgorithm.values()) {
            String v = req.header("x-amz-checksum-" + a.headerSuffix());
            if (v != null) {
                m.put(a, v.trim());
            }
        }
        return m;
    }

    /** CompleteMultipartUpload's request against the upload it completes; throws InvalidRequest as S3 does. */
    public static void checkComplete(S3Request req, MultipartUpload up, List<CompletedPart> parts,
                                     Map<ChecksumAlgorithm, String> objectChecksums) {
        ChecksumType type = typeOf(up);
        String typeHeader = req.header("x-amz-checksum-type");
        if (typeHeader != null) {
            ChecksumType sent = ChecksumType.fromWire(typeHeader.trim());
            if (sent == null) {
                throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "Value for x-amz-checksum-type header is invalid.");
            }
            if (sent != type) {
                throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "The upload was created using the "
                        + (type == null ? "null" : type.name()) + " checksum mode. The complete request must use"
                        + " the same checksum mode.");
            }
        }
        for (ChecksumAlgorithm a : objectChecksums.keySet()) {
            if (a != up.checksumAlgorithm()) {
                throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "The upload was created using "
                        + (up.checksumAlgorithm() == null ? "a null"
                        : "the " + up.checksumAlgorithm().name().toLowerCase(Locale.ROOT))
                        + " checksum algorithm. The complete request must use the same checksum algorithm.");
            }
        }
        if (type == ChecksumType.COMPOSITE) {
            for (CompletedPart p : parts) {
                if (!p.checksums().containsKey(up.checksumAlgorithm())) {
                    throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "The upload was created using a "
                            + up.checksumAlgorithm().name().toLowerCase(Locale.ROOT) + " checksum. The complete"
                            + " request must include the checksum for each part. It was missing for part "
                            + p.partNumber() + " in the request.");
                }
            }
        }
    }

    /** {@code x-amz-checksum-<alg>} and {@code x-amz-checksum-type} of a stored version (PUT, GET/HEAD). */
    public static void versionHeaders(Reply reply, ObjectVersion v) {
        if (v.checksums().isEmpty()) {
            return;
        }
        v.checksums().forEach((a, val) -> reply.header("x-amz-checksum-" + a.headerSuffix(), val));
        reply.header("x-amz-checksum-type", MultipartChecksums.typeOf(v).name());
    }

    /** {@code <ChecksumXXX>} elements and {@code <ChecksumType>} of a stored version (CompleteMultipartUpload). */
    public static void versionElements(XmlWriter w, ObjectVersion v) {
        if (v.checksums().isEmpty()) {
            return;
        }
        v.checksums().forEach((a, val) -> w.element("Checksum" + a.name(), val));
        w.element("ChecksumType", MultipartChecksums.typeOf(v).name());
    }
}

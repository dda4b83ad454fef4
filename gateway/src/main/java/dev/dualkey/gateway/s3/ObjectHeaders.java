package dev.dualkey.gateway.s3;

import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Object headers in both directions: request headers -> {@link ObjectMetadata}, requested checksum algorithms and
 * {@link Expectations}; stored version -> response headers.
 */
public final class ObjectHeaders {
    private static final String META_PREFIX = "x-amz-meta-";
    private static final Set<String> STORAGE_CLASSES = Set.of("STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA",
            "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR", "OUTPOSTS", "EXPRESS_ONEZONE");

    /**
     * S3's bound on user metadata: the UTF-8 bytes of every {@code x-amz-meta-*} name (without the prefix) and
     * value, summed over all of them (every occurrence of a repeated header counts).
     */
    public static final int MAX_USER_METADATA_BYTES = 2048;

    private ObjectHeaders() {
    }

    private static int utf8Length(String s) {
        return s == null ? 0 : s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    /** Standard headers and {@code x-amz-meta-*} of a PutObject / CreateMultipartUpload / CopyObject REPLACE. */
    public static ObjectMetadata metadata(S3Request req) {
        ObjectMetadata.Builder b = ObjectMetadata.builder()
                .contentType(req.header("Content-Type"))
                .contentEncoding(stripAwsChunked(req.header("Content-Encoding")))
                .contentDisposition(req.header("Content-Disposition"))
                .contentLanguage(req.header("Content-Language"))
                .cacheControl(req.header("Cache-Control"))
                .expires(req.header("Expires"));
        String storageClass = req.header("x-amz-storage-class");
        if (storageClass != null) {
            if (!STORAGE_CLASSES.contains(storageClass)) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid storage class.")
                        .with("ArgumentName", "x-amz-storage-class").with("ArgumentValue", storageClass);
            }
            b.storageClass(storageClass);
        }
        long userMetadataBytes = 0;
        for (Map.Entry<String, String> h : req.head().headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith(META_PREFIX) && name.length() > META_PREFIX.length()) {
                String metaKey = name.substring(META_PREFIX.length());
                b.userMetadata(metaKey, h.getValue());
                userMetadataBytes += utf8Length(metaKey) + utf8Length(h.getValue());
            }
        }
        if (userMetadataBytes > MAX_USER_METADATA_BYTES) {
            throw new S3Exception(S3ErrorCode.METADATA_TOO_LARGE)
                    .with("Size", Long.toString(userMetadataBytes))
                    .with("MaxSizeAllowed", Integer.toString(MAX_USER_METADATA_BYTES));
        }
        return b.build();
    }

    /** aws-chunked is a transfer detail of SigV4 streaming, never part of the stored Content-Encoding. */
    static String stripAwsChunked(String encoding) {
        if (encoding == null) {
            return null;
        }
        String rest = Arrays.stream(encoding.split(",")).map(String::trim)
                .filter(s -> !s.isEmpty() && !s.equalsIgnoreCase("aws-chunked"))
                .collect(Collectors.joining(","));
        return rest.isEmpty() ? null : rest;
    }

    /**
     * The checksum algorithms a body must be digested with: named by {@code x-amz-sdk-checksum-algorithm} /
     * {@code x-amz-checksum-algorithm}, by an {@code x-amz-checksum-*} value header, or by {@code x-amz-trailer}.
     */
    public static Set<ChecksumAlgorithm> requestedChecksums(S3Request req) {
        Set<ChecksumAlgorithm> set = EnumSet.noneOf(ChecksumAlgorithm.class);
        for (String h : new String[] {"x-amz-sdk-checksum-algorithm", "x-amz-checksum-algorithm"}) {
            String v = req.header(h);
            if (v != null) {
                set.add(algorithm(v, h));
            }
        }
        for (ChecksumAlgorithm a : ChecksumAlgorithm.values()) {
            if (req.header("x-amz-checksum-" + a.headerSuffix()) != null) {
                set.add(a);
            }
        }
        String trailer = req.header("x-amz-trailer");
        if (trailer != null) {
            for (String t : trailer.split(",")) {
                String name = t.trim().toLowerCase(Locale.ROOT);
                if (name.startsWith("x-amz-checksum-")) {
                    set.add(algorithm(name.substring("x-amz-checksum-".length()), "x-amz-trailer"));
                }
            }
        }
        return set;
    }

    private static ChecksumAlgorithm algorithm(String value, String header) {
        try {
            return ChecksumAlgorithm.fromWireName(value.trim());
        } catch (IllegalArgumentException e) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST,
                    "Value for " + header + " header is invalid.");
        }
    }

    /** Length, Content-MD5 and the checksum value headers a body must match. */
    public static Expectations expectations(S3Request req, long contentLength) {
        Expectations e = Expectations.none();
        if (contentLength >= 0) {
            e = e.withContentLength(contentLength);
        }
        byte[] md5 = SmallBody.contentMd5(req);
        if (md5 != null) {
            e = e.withContentMd5(md5);
        }
        for (ChecksumAlgorithm a : ChecksumAlgorithm.values()) {
            String v = req.header("x-amz-checksum-" + a.headerSuffix());
            if (v != null) {
                e = e.withChecksum(a, v.trim());
            }
        }
        return e;
    }

    /** Adds checksum values that arrived as aws-chunked trailers. */
    public static Expectations withTrailers(Expectations e, Map<String, String> trailers) {
        Expectations out = e;
        for (ChecksumAlgorithm a : ChecksumAlgorithm.values()) {
            String v = trailers.get("x-amz-checksum-" + a.headerSuffix());
            if (v != null) {
                out = out.withChecksum(a, v.trim());
            }
        }
        return out;
    }

    /** Headers describing a stored version (GetObject / HeadObject). */
    public static void versionHeaders(Reply reply, ObjectVersion v, boolean withChecksums) {
        ObjectMetadata m = v.metadata();
        reply.header("ETag", v.quotedEtag())
                .header("Last-Modified", S3Replies.httpDate(v.lastModified()))
                .header("Accept-Ranges", "bytes")
                .header("Content-Type", m.contentType() != null ? m.contentType() : "binary/octet-stream")
                .header("Content-Encoding", m.contentEncoding())
                .header("Content-Disposition", m.contentDisposition())
                .header("Content-Language", m.contentLanguage())
                .header("Cache-Control", m.cacheControl())
                .header("Expires", m.expires());
        if (!v.isNullVersion()) {
            reply.header("x-amz-version-id", v.versionId());
        }
        if (m.storageClass() != null && !m.storageClass().equals("STANDARD")) {
            reply.header("x-amz-storage-class", m.storageClass());
        }
        m.userMetadata().forEach((k, val) -> reply.header(META_PREFIX + k, val));
        if (withChecksums) {
            v.checksums().forEach((a, val) -> reply.header("x-amz-checksum-" + a.headerSuffix(), val));
        }
    }
}

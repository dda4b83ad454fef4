package dev.dualkey.gateway.s3;

import dev.dualkey.gateway.auth.AwsUriEncoding;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.model.ObjectVersion;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The {@code x-amz-copy-source} header ({@code [/]bucket/key[?versionId=id]}, URL-encoded) and the
 * {@code x-amz-copy-source-if-*} conditions of CopyObject and UploadPartCopy.
 *
 * @param versionId source version, or null for the latest
 */
public record CopySource(String bucket, String key, String versionId) {

    /**
     * @throws S3Exception InvalidArgument for a bad percent escape or bytes that are not UTF-8 anywhere in the
     *                     header (path or {@code ?versionId=}), and for a source without bucket or key
     */
    public static CopySource parse(String header) {
        String h = header.trim();
        String versionId = null;
        String path;
        try {
            int q = h.indexOf('?');
            if (q >= 0) {
                for (String part : h.substring(q + 1).split("&")) {
                    int eq = part.indexOf('=');
                    String name = AwsUriEncoding.decodeStrict(eq < 0 ? part : part.substring(0, eq));
                    String value = eq < 0 ? "" : AwsUriEncoding.decodeStrict(part.substring(eq + 1));
                    if (name.equals("versionId")) {
                        versionId = value;
                    }
                }
                h = h.substring(0, q);
            }
            path = AwsUriEncoding.decodeStrict(h);
        } catch (IllegalArgumentException e) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid copy source encoding")
                    .with("ArgumentName", "x-amz-copy-source").with("ArgumentValue", header);
        }
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        int slash = path.indexOf('/');
        if (slash <= 0 || slash == path.length() - 1) {
            throw invalid();
        }
        return new CopySource(path.substring(0, slash), path.substring(slash + 1),
                versionId == null || versionId.isEmpty() ? null : versionId);
    }

    private static S3Exception invalid() {
        return new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid copy source object key")
                .with("ArgumentName", "x-amz-copy-source");
    }

    /** Evaluates {@code x-amz-copy-source-if-*} against the source; a failed condition is 412. */
    public static void checkConditions(S3Request req, ObjectVersion source) {
        Conditions.Result r = Conditions.evaluate(source,
                req.header("x-amz-copy-source-if-match"), req.header("x-amz-copy-source-if-none-match"),
                req.header("x-amz-copy-source-if-modified-since"),
                req.header("x-amz-copy-source-if-unmodified-since"));
        if (r != Conditions.Result.PROCEED) {
            // For copies S3 answers 412 for every failed condition, including the "not modified" ones.
            throw new S3Exception(S3ErrorCode.PRECONDITION_FAILED).with("Condition", r.condition());
        }
    }

    static Instant parseHttpDate(String value) {
        if (value == null) {
            return null;
        }
        try {
            return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null; // S3 ignores an unparseable date condition
        }
    }
}

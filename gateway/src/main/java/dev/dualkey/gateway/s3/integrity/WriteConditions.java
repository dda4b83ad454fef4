package dev.dualkey.gateway.s3.integrity;

import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.WriteOptions;

/**
 * S3's conditional writes (PutObject, CompleteMultipartUpload): {@code If-None-Match: *} (write only if the key has
 * no current object, else 412 PreconditionFailed) and {@code If-Match: <etag>} (write only over the object with
 * that ETag: 412 when it differs, 404 NoSuchKey when there is none). Both are decided by the store atomically with
 * the publish, under the key's write lock, so two conditional writers can never both win.
 */
public final class WriteConditions {
    private WriteConditions() {
    }

    /** {@code options} with the request's conditions. */
    public static WriteOptions apply(S3Request req, WriteOptions options) {
        WriteOptions out = options;
        String ifNoneMatch = req.header("If-None-Match");
        if (ifNoneMatch != null) {
            if (!ifNoneMatch.trim().equals("*")) {
                throw new S3Exception(S3ErrorCode.NOT_IMPLEMENTED,
                        "A header you provided implies functionality that is not implemented")
                        .with("Header", "If-None-Match");
            }
            out = out.withIfNoneMatchAny(true);
        }
        String ifMatch = req.header("If-Match");
        if (ifMatch != null) {
            String etag = unquote(ifMatch.trim());
            if (etag.isEmpty() || etag.equals("*")) {
                throw new S3Exception(S3ErrorCode.NOT_IMPLEMENTED,
                        "A header you provided implies functionality that is not implemented")
                        .with("Header", "If-Match");
            }
            out = out.withIfMatchEtag(etag);
        }
        return out;
    }

    /** The ETag without surrounding double quotes. */
    public static String unquote(String etag) {
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
                ? etag.substring(1, etag.length() - 1) : etag;
    }
}

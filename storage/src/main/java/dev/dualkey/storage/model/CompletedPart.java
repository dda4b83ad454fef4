package dev.dualkey.storage.model;

import java.util.Objects;

/**
 * One entry of a CompleteMultipartUpload request.
 *
 * @param partNumber part number as sent
 * @param etag       ETag as sent, quotes optional (compared without quotes)
 */
public record CompletedPart(int partNumber, String etag) {
    public CompletedPart {
        Objects.requireNonNull(etag, "etag");
    }

    /** The ETag without surrounding double quotes. */
    public String unquotedEtag() {
        String e = etag.trim();
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            return e.substring(1, e.length() - 1);
        }
        return e;
    }
}

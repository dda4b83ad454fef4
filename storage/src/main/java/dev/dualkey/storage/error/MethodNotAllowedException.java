package dev.dualkey.storage.error;

import java.time.Instant;

/**
 * Data or metadata of a delete-marker version was asked for by version id (S3 {@code MethodNotAllowed}, 405,
 * with {@code x-amz-delete-marker: true}, {@code x-amz-version-id} and {@code Last-Modified}).
 */
public class MethodNotAllowedException extends StorageException {
    private static final long serialVersionUID = 1L;
    private final String versionId;
    private final Instant lastModified;

    public MethodNotAllowedException(String message, String versionId, Instant lastModified) {
        super(message);
        this.versionId = versionId;
        this.lastModified = lastModified;
    }

    /** Version id of the delete marker that was addressed. */
    public String versionId() {
        return versionId;
    }

    /** Creation time of the delete marker. */
    public Instant lastModified() {
        return lastModified;
    }
}

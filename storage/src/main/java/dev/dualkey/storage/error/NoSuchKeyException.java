package dev.dualkey.storage.error;

import java.util.Optional;

/**
 * The key has no current version (S3 {@code NoSuchKey}, 404). When the latest version is a delete marker the
 * marker's version id is carried, so the gateway can answer {@code x-amz-delete-marker: true} and
 * {@code x-amz-version-id}.
 */
public class NoSuchKeyException extends StorageException {
    private static final long serialVersionUID = 1L;
    private final String deleteMarkerVersionId;

    public NoSuchKeyException(String message) {
        this(message, null);
    }

    /** @param deleteMarkerVersionId version id of the delete marker that is the latest version, or null */
    public NoSuchKeyException(String message, String deleteMarkerVersionId) {
        super(message);
        this.deleteMarkerVersionId = deleteMarkerVersionId;
    }

    /** The latest version's id when it is a delete marker; empty when the key has no versions at all. */
    public Optional<String> deleteMarkerVersionId() {
        return Optional.ofNullable(deleteMarkerVersionId);
    }
}

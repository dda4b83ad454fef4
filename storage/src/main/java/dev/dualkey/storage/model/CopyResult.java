package dev.dualkey.storage.model;

/**
 * Result of CopyObject.
 *
 * @param source  the source version that was read (for {@code x-amz-copy-source-version-id})
 * @param created the new version
 */
public record CopyResult(ObjectVersion source, ObjectVersion created) {
}

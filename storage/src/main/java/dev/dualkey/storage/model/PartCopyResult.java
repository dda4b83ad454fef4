package dev.dualkey.storage.model;

/**
 * Result of UploadPartCopy.
 *
 * @param source the source version read (for {@code x-amz-copy-source-version-id})
 * @param part   the part created
 */
public record PartCopyResult(ObjectVersion source, PartInfo part) {
}

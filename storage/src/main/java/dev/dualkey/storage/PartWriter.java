package dev.dualkey.storage;

import dev.dualkey.storage.model.PartInfo;

/** Writes one part of a multipart upload (UploadPart); committing replaces an earlier part of the same number. */
public interface PartWriter extends BodyWriter<PartInfo> {
}

package dev.dualkey.storage;

import dev.dualkey.storage.model.ObjectVersion;

/**
 * Writes one object version (PutObject). {@link #commit} returns the new version, which becomes the latest at
 * commit time (concurrent writers of one key: the last to commit wins, each gets its own version when versioning
 * is enabled).
 */
public interface ObjectWriter extends BodyWriter<ObjectVersion> {
}

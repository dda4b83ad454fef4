package dev.dualkey.storage.model;

import dev.dualkey.storage.error.InvalidArgumentException;

/**
 * ListObjectVersions parameters.
 *
 * @param prefix          only keys starting with this
 * @param delimiter       roll up to common prefixes, or null
 * @param keyMarker       start after this key (all its versions), or, with versionIdMarker, inside it; null = start
 * @param versionIdMarker continue after this version of keyMarker (newest-first order); null = after the whole key
 * @param maxKeys         0..1000, counting versions, markers and common prefixes
 */
public record ListVersionsQuery(String prefix, String delimiter, String keyMarker, String versionIdMarker,
                                int maxKeys) {
    public ListVersionsQuery {
        prefix = prefix == null ? "" : prefix;
        if (delimiter != null && delimiter.isEmpty()) {
            delimiter = null;
        }
        if (keyMarker != null && keyMarker.isEmpty()) {
            keyMarker = null;
        }
        if (versionIdMarker != null && versionIdMarker.isEmpty()) {
            versionIdMarker = null;
        }
        if (versionIdMarker != null && keyMarker == null) {
            throw new InvalidArgumentException("A version-id marker cannot be specified without a key marker.");
        }
        if (maxKeys < 0 || maxKeys > 1000) {
            throw new InvalidArgumentException("max-keys must be between 0 and 1000: " + maxKeys);
        }
    }
}

package dev.dualkey.storage.model;

import dev.dualkey.storage.error.InvalidArgumentException;

/**
 * ListObjects (v1 and v2) parameters. V2's continuation token is the gateway's encoding of a previous page's
 * {@link ListObjectsPage#nextMarker()}: pass it (decoded) as {@code startAfter}.
 *
 * @param prefix     only keys starting with this ("" = all)
 * @param delimiter  roll keys up to common prefixes at the first occurrence after the prefix, or null
 * @param startAfter list keys strictly after this (v1 marker, v2 start-after / continuation), or null
 * @param maxKeys    0..1000 (S3 caps larger values at 1000; the gateway caps, negatives are rejected here)
 */
public record ListObjectsQuery(String prefix, String delimiter, String startAfter, int maxKeys) {
    public ListObjectsQuery {
        prefix = prefix == null ? "" : prefix;
        if (delimiter != null && delimiter.isEmpty()) {
            delimiter = null;
        }
        if (startAfter != null && startAfter.isEmpty()) {
            startAfter = null;
        }
        if (maxKeys < 0 || maxKeys > 1000) {
            throw new InvalidArgumentException("max-keys must be between 0 and 1000: " + maxKeys);
        }
    }
}

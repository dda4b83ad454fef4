package dev.dualkey.storage.model;

import java.util.List;

/**
 * One page of ListObjectVersions: versions and delete markers (see {@link ObjectVersion#deleteMarker()}), keys in
 * S3 byte order, newest first within a key, {@link ObjectVersion#latest()} set on each key's newest entry.
 *
 * @param versions            versions and delete markers interleaved in listing order
 * @param commonPrefixes      rolled-up prefixes
 * @param truncated           more results follow
 * @param nextKeyMarker       when truncated: key marker for the next page
 * @param nextVersionIdMarker when truncated: version id marker for the next page (null after a common prefix)
 */
public record ListVersionsPage(List<ObjectVersion> versions, List<String> commonPrefixes, boolean truncated,
                               String nextKeyMarker, String nextVersionIdMarker) {
    public ListVersionsPage {
        versions = List.copyOf(versions);
        commonPrefixes = List.copyOf(commonPrefixes);
    }
}

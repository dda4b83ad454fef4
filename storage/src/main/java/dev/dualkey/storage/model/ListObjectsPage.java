package dev.dualkey.storage.model;

import java.util.List;

/**
 * One page of ListObjects: latest non-marker versions and common prefixes, both in S3 (UTF-8 byte) order.
 *
 * @param contents       objects (latest versions only, never delete markers)
 * @param commonPrefixes rolled-up prefixes, each ending with the delimiter
 * @param truncated      more results follow
 * @param nextMarker     when truncated: the last key or common prefix of this page (v1 NextMarker, v2
 *                       continuation token content); null otherwise
 */
public record ListObjectsPage(List<ObjectVersion> contents, List<String> commonPrefixes, boolean truncated,
                              String nextMarker) {
    public ListObjectsPage {
        contents = List.copyOf(contents);
        commonPrefixes = List.copyOf(commonPrefixes);
    }
}

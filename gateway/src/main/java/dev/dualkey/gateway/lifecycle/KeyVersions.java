package dev.dualkey.gateway.lifecycle;

import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.model.ListVersionsPage;
import dev.dualkey.storage.model.ListVersionsQuery;
import dev.dualkey.storage.model.ObjectVersion;
import java.util.ArrayList;
import java.util.List;

/** All versions and delete markers of one key, newest first, read in pages. */
final class KeyVersions {
    private KeyVersions() {
    }

    /**
     * Lists with the key as prefix: the store orders a key before every longer key it prefixes, so the key's own
     * versions come first and the walk stops at the first other key.
     */
    static List<ObjectVersion> of(ObjectStore store, String bucket, String key) {
        List<ObjectVersion> out = new ArrayList<>();
        String keyMarker = null;
        String versionMarker = null;
        while (true) {
            ListVersionsPage page = store.listObjectVersions(bucket,
                    new ListVersionsQuery(key, null, keyMarker, versionMarker, 1000));
            for (ObjectVersion v : page.versions()) {
                if (!v.key().equals(key)) {
                    return out;
                }
                out.add(v);
            }
            if (!page.truncated()) {
                return out;
            }
            keyMarker = page.nextKeyMarker();
            versionMarker = page.nextVersionIdMarker();
        }
    }
}

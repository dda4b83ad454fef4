package dev.dualkey.gateway.lifecycle;

import dev.dualkey.gateway.http.HttpDates;
import dev.dualkey.gateway.http.Reply;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.error.StorageException;
import dev.dualkey.storage.model.ObjectVersion;

/**
 * {@code x-amz-expiration: expiry-date="Fri, 23 Dec 2012 00:00:00 GMT", rule-id="rule"} on GetObject, HeadObject
 * and PutObject of a current version that an enabled Expiration rule (Days or Date) matches, as AWS sends it: the
 * date is {@link LifecycleEvaluator#due} (midnight UTC after Last-Modified + Days) or the rule's Date; with several
 * rules the earliest wins.
 */
public final class ExpirationHeader {
    public static final String NAME = "x-amz-expiration";

    private ExpirationHeader() {
    }

    /** The header's value for {@code v} under {@code config}, or null when no rule expires it. */
    public static String value(LifecycleConfiguration config, ObjectVersion v) {
        if (!v.latest() || v.deleteMarker()) {
            return null;
        }
        return LifecycleEvaluator.expiry(config, v)
                .map(e -> "expiry-date=\"" + HttpDates.format(e.date()) + "\", rule-id=\"" + e.ruleId() + "\"")
                .orElse(null);
    }

    /** Adds the header to {@code reply} when the bucket's lifecycle configuration expires {@code v}. */
    public static void add(Reply reply, ObjectStore store, String bucket, ObjectVersion v) {
        if (!v.latest() || v.deleteMarker()) {
            return;
        }
        String doc;
        try {
            doc = store.headBucket(bucket).config().subresource(LifecycleConfiguration.SUBRESOURCE);
        } catch (StorageException e) {
            return; // the bucket went away after the read: nothing to announce
        }
        if (doc != null) {
            String value = value(LifecycleConfiguration.fromStored(doc), v);
            if (value != null) {
                reply.header(NAME, value);
            }
        }
    }
}

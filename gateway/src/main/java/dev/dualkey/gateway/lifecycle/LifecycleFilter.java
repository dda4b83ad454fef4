package dev.dualkey.gateway.lifecycle;

import dev.dualkey.storage.model.ObjectVersion;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which versions a rule applies to: a key prefix, tags (all must be on the version), and object size bounds
 * (strict, as AWS: {@code size > ObjectSizeGreaterThan} and {@code size < ObjectSizeLessThan}).
 *
 * <p>{@code form} remembers how the request wrote it, so that GetBucketLifecycleConfiguration echoes the shape
 * the client sent (the legacy top-level {@code <Prefix>}, an empty {@code <Filter/>}, one condition, or
 * {@code <And>}).
 *
 * @param form            the XML shape
 * @param prefix          key prefix, or null (none)
 * @param tags            required tags in request order (empty: none)
 * @param sizeGreaterThan lower size bound (exclusive), or null
 * @param sizeLessThan    upper size bound (exclusive), or null
 */
public record LifecycleFilter(Form form, String prefix, Map<String, String> tags, Long sizeGreaterThan,
                              Long sizeLessThan) {
    /** The XML shapes of a rule's filter. */
    public enum Form {
        /** {@code <Rule><Prefix>p</Prefix>} (the V1 shape, no {@code <Filter>}). */
        LEGACY_PREFIX,
        /** {@code <Filter/>}: every object. */
        EMPTY,
        /** {@code <Filter><Prefix>}. */
        PREFIX,
        /** {@code <Filter><Tag>}. */
        TAG,
        /** {@code <Filter><ObjectSizeGreaterThan>}. */
        SIZE_GREATER_THAN,
        /** {@code <Filter><ObjectSizeLessThan>}. */
        SIZE_LESS_THAN,
        /** {@code <Filter><And>...</And>}. */
        AND
    }

    public LifecycleFilter {
        Objects.requireNonNull(form, "form");
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(tags, "tags")));
    }

    /** Whether a version (never a delete marker: markers carry no key content) matches. */
    public boolean matches(ObjectVersion v) {
        if (!matchesKey(v.key())) {
            return false;
        }
        if (v.deleteMarker()) {
            // A marker has no tags and no size: only a filter without tag or size conditions selects it.
            return tags.isEmpty() && sizeGreaterThan == null && sizeLessThan == null;
        }
        for (Map.Entry<String, String> t : tags.entrySet()) {
            if (!t.getValue().equals(v.metadata().tags().get(t.getKey()))) {
                return false;
            }
        }
        if (sizeGreaterThan != null && !(v.size() > sizeGreaterThan)) {
            return false;
        }
        return sizeLessThan == null || v.size() < sizeLessThan;
    }

    /** Whether the key alone matches (multipart uploads have no tags or size yet). */
    public boolean matchesKey(String key) {
        return prefix == null || key.startsWith(prefix);
    }

    /** Whether the filter has tag conditions. */
    public boolean hasTags() {
        return !tags.isEmpty();
    }

    /** Whether the filter has size conditions. */
    public boolean hasSize() {
        return sizeGreaterThan != null || sizeLessThan != null;
    }
}

package dev.dualkey.storage.model;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Per-version metadata given by the writer. All strings are stored exactly as received (null = absent).
 * Build with {@link #builder()}.
 *
 * @param contentType        Content-Type, or null (the gateway answers its default)
 * @param contentEncoding    Content-Encoding (after the gateway strips {@code aws-chunked})
 * @param contentDisposition Content-Disposition
 * @param contentLanguage    Content-Language
 * @param cacheControl       Cache-Control
 * @param expires            Expires header value as sent
 * @param userMetadata       {@code x-amz-meta-*} entries, names lower-case without the prefix, in received order
 * @param storageClass       storage class, e.g. {@code STANDARD} (null = STANDARD)
 * @param tags               object tags in insertion order
 * @param retentionMode      Object Lock retention mode ({@code GOVERNANCE}/{@code COMPLIANCE}), or null
 * @param retainUntil        Object Lock retain-until date, or null
 * @param legalHold          Object Lock legal hold ON
 * @param attributes         further per-version attributes owned by the gateway (e.g. {@code acl}: the version's
 *                           access control list as the gateway canonicalised it), opaque to the store; changed
 *                           after the write only through {@code ObjectStore.updateObjectMetadata}
 */
public record ObjectMetadata(String contentType, String contentEncoding, String contentDisposition,
                             String contentLanguage, String cacheControl, String expires,
                             Map<String, String> userMetadata, String storageClass, Map<String, String> tags,
                             String retentionMode, Instant retainUntil, boolean legalHold,
                             Map<String, String> attributes) {
    public ObjectMetadata {
        // an empty map is the shared Collections.emptyMap() (null-tolerant like the copies), not a copy: a listing page builds 1000 of these (issue 19)
        attributes = Objects.requireNonNull(attributes, "attributes").isEmpty() ? Collections.emptyMap()
                : Collections.unmodifiableMap(new TreeMap<>(attributes));
        userMetadata = Objects.requireNonNull(userMetadata, "userMetadata").isEmpty() ? Collections.emptyMap()
                : Collections.unmodifiableMap(new LinkedHashMap<>(userMetadata));
        tags = Objects.requireNonNull(tags, "tags").isEmpty() ? Collections.emptyMap()
                : Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    /** The gateway-owned attribute {@code name}, or null. */
    public String attribute(String name) {
        return attributes.get(name);
    }

    /** No headers, no user metadata. */
    public static ObjectMetadata empty() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder prefilled with this metadata (for copy with REPLACE of some fields). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.contentType = contentType;
        b.contentEncoding = contentEncoding;
        b.contentDisposition = contentDisposition;
        b.contentLanguage = contentLanguage;
        b.cacheControl = cacheControl;
        b.expires = expires;
        b.userMetadata.putAll(userMetadata);
        b.storageClass = storageClass;
        b.tags.putAll(tags);
        b.retentionMode = retentionMode;
        b.retainUntil = retainUntil;
        b.legalHold = legalHold;
        b.attributes.putAll(attributes);
        return b;
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private String contentType;
        private String contentEncoding;
        private String contentDisposition;
        private String contentLanguage;
        private String cacheControl;
        private String expires;
        private final Map<String, String> userMetadata = new LinkedHashMap<>();
        private String storageClass;
        private final Map<String, String> tags = new LinkedHashMap<>();
        private String retentionMode;
        private Instant retainUntil;
        private boolean legalHold;
        private final Map<String, String> attributes = new TreeMap<>();

        public Builder contentType(String v) {
            contentType = v;
            return this;
        }

        public Builder contentEncoding(String v) {
            contentEncoding = v;
            return this;
        }

        public Builder contentDisposition(String v) {
            contentDisposition = v;
            return this;
        }

        public Builder contentLanguage(String v) {
            contentLanguage = v;
            return this;
        }

        public Builder cacheControl(String v) {
            cacheControl = v;
            return this;
        }

        public Builder expires(String v) {
            expires = v;
            return this;
        }

        /** Adds one user metadata entry (name without {@code x-amz-meta-}). */
        public Builder userMetadata(String name, String value) {
            userMetadata.put(name, value);
            return this;
        }

        /** Replaces all user metadata. */
        public Builder userMetadata(Map<String, String> all) {
            userMetadata.clear();
            userMetadata.putAll(all);
            return this;
        }

        public Builder storageClass(String v) {
            storageClass = v;
            return this;
        }

        public Builder tags(Map<String, String> all) {
            tags.clear();
            tags.putAll(all);
            return this;
        }

        public Builder retention(String mode, Instant until) {
            retentionMode = mode;
            retainUntil = until;
            return this;
        }

        public Builder legalHold(boolean on) {
            legalHold = on;
            return this;
        }

        /** Sets one gateway-owned attribute, or removes it when {@code value} is null. */
        public Builder attribute(String name, String value) {
            if (value == null) {
                attributes.remove(name);
            } else {
                attributes.put(name, value);
            }
            return this;
        }

        /** Replaces all gateway-owned attributes. */
        public Builder attributes(Map<String, String> all) {
            attributes.clear();
            attributes.putAll(all);
            return this;
        }

        public ObjectMetadata build() {
            return new ObjectMetadata(contentType, contentEncoding, contentDisposition, contentLanguage,
                    cacheControl, expires, userMetadata, storageClass, tags, retentionMode, retainUntil,
                    legalHold, attributes);
        }
    }
}

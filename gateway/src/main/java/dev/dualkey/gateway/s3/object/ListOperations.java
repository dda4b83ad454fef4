package dev.dualkey.gateway.s3.object;

import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.identity.CanonicalIds;
import dev.dualkey.gateway.s3.OperationHandler;
import dev.dualkey.gateway.s3.S3Operation;
import dev.dualkey.gateway.s3.S3Replies;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.SmallBody;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.s3.xml.EncodingType;
import dev.dualkey.gateway.s3.xml.XmlWriter;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.model.ListObjectsPage;
import dev.dualkey.storage.model.ListObjectsQuery;
import dev.dualkey.storage.model.ListVersionsPage;
import dev.dualkey.storage.model.ListVersionsQuery;
import dev.dualkey.storage.model.ObjectVersion;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/** ListObjects (v1), ListObjectsV2 and ListObjectVersions. */
public final class ListOperations {
    private static final int DEFAULT_MAX_KEYS = 1000;
    private final ObjectStore store;

    public ListOperations(ObjectStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    public void register(Map<S3Operation, OperationHandler> handlers) {
        handlers.put(S3Operation.LIST_OBJECTS, r -> SmallBody.exchange(r, (q, b) -> listObjects(q)));
        handlers.put(S3Operation.LIST_OBJECTS_V2, r -> SmallBody.exchange(r, (q, b) -> listObjectsV2(q)));
        handlers.put(S3Operation.LIST_OBJECT_VERSIONS, r -> SmallBody.exchange(r, (q, b) -> listObjectVersions(q)));
    }

    /** {@code encoding-type}: absent or {@code url}. */
    static boolean urlEncoding(S3Request req) {
        return EncodingType.of(req.queryParam("encoding-type")).url();
    }

    static int maxKeys(S3Request req, String param) {
        String v = req.queryParam(param);
        if (v == null) {
            return DEFAULT_MAX_KEYS;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return Math.min(n, DEFAULT_MAX_KEYS);
        } catch (NumberFormatException e) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Provided max-keys not an integer or within"
                    + " integer range").with("ArgumentName", param).with("ArgumentValue", v);
        }
    }

    static String enc(String s, boolean url) {
        return EncodingType.of(url ? "url" : null).apply(s);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    Reply listObjects(S3Request req) {
        boolean url = urlEncoding(req);
        int max = maxKeys(req, "max-keys");
        String prefix = req.queryParam("prefix");
        String delimiter = emptyToNull(req.queryParam("delimiter"));
        String marker = emptyToNull(req.queryParam("marker"));
        ListObjectsPage page = store.listObjects(req.bucket(), new ListObjectsQuery(prefix, delimiter, marker, max));
        XmlWriter w = XmlWriter.s3("ListBucketResult")
                .element("Name", req.bucket())
                .element("Prefix", enc(prefix == null ? "" : prefix, url))
                .element("Marker", enc(marker == null ? "" : marker, url))
                .element("MaxKeys", max)
                .element("Delimiter", enc(delimiter, url))
                .element("IsTruncated", page.truncated());
        if (page.truncated() && delimiter != null) {
            w.element("NextMarker", enc(page.nextMarker(), url));
        }
        if (url) {
            w.element("EncodingType", "url");
        }
        contents(w, page, url, true);
        return S3Replies.xmlInParts(w);
    }

    Reply listObjectsV2(S3Request req) {
        boolean url = urlEncoding(req);
        int max = maxKeys(req, "max-keys");
        String prefix = req.queryParam("prefix");
        String delimiter = emptyToNull(req.queryParam("delimiter"));
        String token = emptyToNull(req.queryParam("continuation-token"));
        String startAfter = emptyToNull(req.queryParam("start-after"));
        boolean fetchOwner = "true".equals(req.queryParam("fetch-owner"));
        String from = token != null ? decodeToken(token) : startAfter;
        ListObjectsPage page = store.listObjects(req.bucket(), new ListObjectsQuery(prefix, delimiter, from, max));
        XmlWriter w = XmlWriter.s3("ListBucketResult")
                .element("Name", req.bucket())
                .element("Prefix", enc(prefix == null ? "" : prefix, url))
                .element("MaxKeys", max)
                .element("KeyCount", page.contents().size() + page.commonPrefixes().size())
                .element("Delimiter", enc(delimiter, url))
                .element("IsTruncated", page.truncated());
        if (token != null) {
            w.element("ContinuationToken", token);
        }
        if (page.truncated() && page.nextMarker() != null) {
            w.element("NextContinuationToken", encodeToken(page.nextMarker()));
        }
        if (startAfter != null) {
            w.element("StartAfter", enc(startAfter, url));
        }
        if (url) {
            w.element("EncodingType", "url");
        }
        contents(w, page, url, fetchOwner);
        return S3Replies.xmlInParts(w);
    }

    private static void contents(XmlWriter w, ListObjectsPage page, boolean url, boolean owner) {
        for (ObjectVersion v : page.contents()) {
            w.start("Contents").element("Key", enc(v.key(), url))
                    .element("LastModified", v.lastModified())
                    .element("ETag", v.quotedEtag())
                    .element("Size", v.size());
            if (owner) {
                w.start("Owner").element("ID", CanonicalIds.of(v.ownerAccountId()))
                        .element("DisplayName", v.ownerAccountId()).end();
            }
            w.element("StorageClass", storageClass(v));
            if (!v.checksums().isEmpty()) {
                v.checksums().keySet().forEach(a -> w.element("ChecksumAlgorithm", a.name()));
            }
            w.end();
        }
        for (String p : page.commonPrefixes()) {
            w.start("CommonPrefixes").element("Prefix", enc(p, url)).end();
        }
    }

    static String storageClass(ObjectVersion v) {
        String sc = v.metadata().storageClass();
        return sc == null ? "STANDARD" : sc;
    }

    /** Continuation tokens are opaque to clients: base64url of the key to continue after. */
    static String encodeToken(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    static String decodeToken(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "The continuation token provided is incorrect")
                    .with("ArgumentName", "continuation-token");
        }
    }

    Reply listObjectVersions(S3Request req) {
        boolean url = urlEncoding(req);
        int max = maxKeys(req, "max-keys");
        String prefix = req.queryParam("prefix");
        String delimiter = emptyToNull(req.queryParam("delimiter"));
        String keyMarker = emptyToNull(req.queryParam("key-marker"));
        String versionIdMarker = emptyToNull(req.queryParam("version-id-marker"));
        ListVersionsPage page = store.listObjectVersions(req.bucket(),
                new ListVersionsQuery(prefix, delimiter, keyMarker, versionIdMarker, max));
        XmlWriter w = XmlWriter.s3("ListVersionsResult")
                .element("Name", req.bucket())
                .element("Prefix", enc(prefix == null ? "" : prefix, url))
                .element("KeyMarker", enc(keyMarker == null ? "" : keyMarker, url))
                .element("VersionIdMarker", versionIdMarker == null ? "" : versionIdMarker)
                .element("MaxKeys", max)
                .element("Delimiter", enc(delimiter, url))
                .element("IsTruncated", page.truncated());
        if (page.truncated()) {
            w.element("NextKeyMarker", enc(page.nextKeyMarker(), url))
                    .element("NextVersionIdMarker", page.nextVersionIdMarker());
        }
        if (url) {
            w.element("EncodingType", "url");
        }
        // a page's versions mostly share one owner: its canonical ID is looked up once, not per entry (issue 19)
        String owner = null;
        String ownerId = null;
        for (ObjectVersion v : page.versions()) {
            if (ownerId == null || !owner.equals(v.ownerAccountId())) {
                owner = v.ownerAccountId();
                ownerId = CanonicalIds.of(owner);
            }
            if (v.deleteMarker()) {
                w.start("DeleteMarker").element("Key", enc(v.key(), url)).element("VersionId", v.versionId())
                        .element("IsLatest", v.latest()).element("LastModified", v.lastModified())
                        .start("Owner").element("ID", ownerId)
                                .element("DisplayName", owner)
                        .end().end();
            } else {
                w.start("Version").element("Key", enc(v.key(), url)).element("VersionId", v.versionId())
                        .element("IsLatest", v.latest()).element("LastModified", v.lastModified())
                        .element("ETag", v.quotedEtag()).element("Size", v.size())
                        .element("StorageClass", storageClass(v))
                        .start("Owner").element("ID", ownerId)
                                .element("DisplayName", owner)
                        .end().end();
            }
        }
        for (String p : page.commonPrefixes()) {
            w.start("CommonPrefixes").element("Prefix", enc(p, url)).end();
        }
        return S3Replies.xmlInParts(w);
    }
}

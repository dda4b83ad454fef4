package dev.dualkey.gateway.s3.integrity;

import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.s3.OperationHandler;
import dev.dualkey.gateway.s3.S3Operation;
import dev.dualkey.gateway.s3.S3Replies;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.SmallBody;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.s3.xml.XmlWriter;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.checksum.MultipartChecksums;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import dev.dualkey.storage.model.ObjectVersion;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * GetObjectAttributes ({@code GET /bucket/key?attributes}): the attributes named by {@code x-amz-object-attributes}
 * (ETag, Checksum, ObjectParts, StorageClass, ObjectSize) of the latest or a given version, without its data.
 * ObjectParts pages through a multipart object's parts with {@code x-amz-part-number-marker} and
 * {@code x-amz-max-parts} (default and cap 1000), each part with its size and checksum. As S3 answers: the ETag
 * unquoted, a COMPOSITE checksum without its {@code -N} suffix, {@code Last-Modified} and {@code x-amz-version-id}
 * as headers. Authorized as {@code s3:GetObjectAttributes} / {@code s3:GetObjectVersionAttributes} together with
 * the object read ({@code ActionTable}).
 */
public final class ObjectAttributesOperation {
    /** The attribute names of {@code x-amz-object-attributes}. */
    enum Attribute { ETag, Checksum, ObjectParts, StorageClass, ObjectSize }

    private static final int MAX_PARTS = 1000;

    private final ObjectStore store;

    public ObjectAttributesOperation(ObjectStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    public void register(Map<S3Operation, OperationHandler> handlers) {
        handlers.put(S3Operation.GET_OBJECT_ATTRIBUTES, r -> SmallBody.exchange(r, (q, b) -> get(q)));
    }

    static Set<Attribute> attributes(String header) {
        if (header == null || header.isBlank()) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "The x-amz-object-attributes header specifying the"
                    + " attributes to be retrieved is either missing or empty");
        }
        Set<Attribute> out = EnumSet.noneOf(Attribute.class);
        for (String s : header.split(",")) {
            String name = s.trim();
            Attribute found = null;
            for (Attribute a : Attribute.values()) {
                if (a.name().equals(name)) {
                    found = a;
                }
            }
            if (found == null) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid attribute name specified.")
                        .with("ArgumentName", "x-amz-object-attributes").with("ArgumentValue", name);
            }
            out.add(found);
        }
        return out;
    }

    private static int intHeader(S3Request req, String name, int dflt) {
        String v = req.header(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Provided " + name + " not an integer or within"
                    + " integer range").with("ArgumentName", name).with("ArgumentValue", v);
        }
    }

    Reply get(S3Request req) {
        // SDK v2 sends the list as one header per attribute, others as one comma-separated header
        List<String> values = req.head().headers().getAll("x-amz-object-attributes");
        Set<Attribute> wanted = attributes(values.isEmpty() ? null : String.join(",", values));
        int maxParts = Math.min(intHeader(req, "x-amz-max-parts", MAX_PARTS), MAX_PARTS);
        int marker = intHeader(req, "x-amz-part-number-marker", 0);
        ObjectVersion v = store.headObject(req.bucket(), req.key(), req.versionId());
        XmlWriter w = XmlWriter.s3("GetObjectAttributesResponse");
        if (wanted.contains(Attribute.ETag)) {
            w.element("ETag", v.etag());
        }
        if (wanted.contains(Attribute.Checksum) && !v.checksums().isEmpty()) {
            w.start("Checksum");
            v.checksums().forEach((a, val) -> w.element("Checksum" + a.name(), stripPartCount(val)));
            w.element("ChecksumType", MultipartChecksums.typeOf(v).name());
            w.end();
        }
        if (wanted.contains(Attribute.ObjectParts) && v.partsCount() > 0) {
            objectParts(w, v, marker, maxParts);
        }
        if (wanted.contains(Attribute.StorageClass)) {
            String sc = v.metadata().storageClass();
            w.element("StorageClass", sc == null ? "STANDARD" : sc);
        }
        if (wanted.contains(Attribute.ObjectSize)) {
            w.element("ObjectSize", v.size());
        }
        Reply reply = S3Replies.xml(w).header("Last-Modified", S3Replies.httpDate(v.lastModified()));
        if (!v.isNullVersion()) {
            reply.header("x-amz-version-id", v.versionId());
        }
        return reply;
    }

    private static void objectParts(XmlWriter w, ObjectVersion v, int marker, int maxParts) {
        List<MultipartChecksums.Part> parts = MultipartChecksums.partsOf(v);
        ChecksumAlgorithm alg = v.checksums().isEmpty() ? null : v.checksums().keySet().iterator().next();
        w.start("ObjectParts").element("PartsCount", v.partsCount());
        if (parts.isEmpty()) { // completed before part layouts were recorded: the count is all S3 can say
            w.end();
            return;
        }
        int from = Math.min(marker, parts.size());
        int to = Math.min(parts.size(), from + maxParts);
        w.element("PartNumberMarker", marker).element("NextPartNumberMarker", to)
                .element("MaxParts", maxParts).element("IsTruncated", to < parts.size());
        for (int i = from; i < to; i++) {
            MultipartChecksums.Part p = parts.get(i);
            w.start("Part").element("PartNumber", i + 1).element("Size", p.size());
            if (alg != null && p.checksum() != null) {
                w.element("Checksum" + alg.name(), p.checksum());
            }
            w.end();
        }
        w.end();
    }

    /** A COMPOSITE value without its {@code -N}: GetObjectAttributes reports the bare checksum, as S3 does. */
    static String stripPartCount(String value) {
        int dash = value.lastIndexOf('-');
        return dash > 0 ? value.substring(0, dash) : value;
    }
}

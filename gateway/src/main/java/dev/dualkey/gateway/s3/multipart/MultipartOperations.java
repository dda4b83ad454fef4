package dev.dualkey.gateway.s3.multipart;

import dev.dualkey.gateway.acl.CanonicalIds;
import dev.dualkey.gateway.acl.WriteAcl;
import dev.dualkey.gateway.http.Exchange;
import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.protect.ProtectedOperations;
import dev.dualkey.gateway.protect.ProtectedRequest;
import dev.dualkey.gateway.s3.CopySource;
import dev.dualkey.gateway.s3.ObjectHeaders;
import dev.dualkey.gateway.s3.OperationHandler;
import dev.dualkey.gateway.s3.S3Operation;
import dev.dualkey.gateway.s3.S3Replies;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.SmallBody;
import dev.dualkey.gateway.s3.UploadExchange;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.s3.error.StorageErrorTranslator;
import dev.dualkey.gateway.s3.sse.ServerSideEncryption;
import dev.dualkey.gateway.s3.integrity.ChecksumRules;
import dev.dualkey.gateway.s3.integrity.WriteConditions;
import dev.dualkey.gateway.s3.protect.S3Refusals;
import dev.dualkey.gateway.s3.xml.XmlElement;
import dev.dualkey.gateway.s3.xml.EncodingType;
import dev.dualkey.gateway.s3.xml.XmlWriter;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.PartWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.error.StorageException;
import dev.dualkey.storage.model.ByteRange;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import dev.dualkey.storage.model.CompletedPart;
import dev.dualkey.storage.model.ListPartsPage;
import dev.dualkey.storage.model.ListUploadsPage;
import dev.dualkey.storage.model.MultipartUpload;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.PartCopyResult;
import dev.dualkey.storage.model.PartInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Multipart uploads: CreateMultipartUpload, UploadPart, UploadPartCopy, CompleteMultipartUpload,
 * AbortMultipartUpload, ListParts, ListMultipartUploads.
 */
public final class MultipartOperations {
    private final ObjectStore store;
    private final ProtectedOperations protect;
    private final boolean mfaOverPlainHttpAllowed;
    private final CanonicalIds ids;

    /**
     * @param protect                 publishes CompleteMultipartUpload (D9: replacing a Suspended bucket's null
     *                                version under MFA Delete needs a code, decided atomically with the publish)
     * @param mfaOverPlainHttpAllowed whether {@code x-amz-mfa} may come without TLS (decision D4)
     * @param ids                     canonical user ids, for the ACL an upload may carry ({@link WriteAcl})
     */
    public MultipartOperations(ObjectStore store, ProtectedOperations protect, boolean mfaOverPlainHttpAllowed,
                               CanonicalIds ids) {
        this.store = Objects.requireNonNull(store, "store");
        this.protect = Objects.requireNonNull(protect, "protect");
        this.mfaOverPlainHttpAllowed = mfaOverPlainHttpAllowed;
        this.ids = Objects.requireNonNull(ids, "ids");
    }

    /** Encryption of uploads and parts (SSE-S3, SSE-C, and SSE-KMS once {@link #withKms} wires it). */
    private dev.dualkey.gateway.s3.sse.UploadEncryption encryption;

    /** Turns SSE-KMS on for the multipart calls ({@code kms} null: aws:kms stays 501 NotImplemented). */
    public MultipartOperations withKms(dev.dualkey.gateway.s3.sse.KmsEncryption kms) {
        this.encryption = new dev.dualkey.gateway.s3.sse.UploadEncryption(store, kms, mfaOverPlainHttpAllowed);
        return this;
    }

    private dev.dualkey.gateway.s3.sse.UploadEncryption encryption() {
        if (encryption == null) {
            encryption = new dev.dualkey.gateway.s3.sse.UploadEncryption(store, null, mfaOverPlainHttpAllowed);
        }
        return encryption;
    }

    /** The upload {@code uploadId} (its metadata says how it is encrypted); NoSuchUpload translated. */
    private MultipartUpload upload(S3Request req, String uploadId) {
        try {
            return store.listParts(req.bucket(), req.key(), uploadId, 0, 0).upload();
        } catch (StorageException e) {
            throw StorageErrorTranslator.translate(e, req.bucket(), req.key(), null).with("UploadId", uploadId);
        }
    }

    public void register(Map<S3Operation, OperationHandler> handlers) {
        handlers.put(S3Operation.CREATE_MULTIPART_UPLOAD, r -> SmallBody.exchange(r, (q, b) -> create(q)));
        handlers.put(S3Operation.UPLOAD_PART, this::uploadPart);
        handlers.put(S3Operation.UPLOAD_PART_COPY, r -> SmallBody.exchange(r, (q, b) -> uploadPartCopy(q)));
        handlers.put(S3Operation.COMPLETE_MULTIPART_UPLOAD, r -> SmallBody.exchange(r, this::complete));
        handlers.put(S3Operation.ABORT_MULTIPART_UPLOAD, r -> SmallBody.exchange(r, (q, b) -> abort(q)));
        handlers.put(S3Operation.LIST_PARTS, r -> SmallBody.exchange(r, (q, b) -> listParts(q)));
        handlers.put(S3Operation.LIST_MULTIPART_UPLOADS, r -> SmallBody.exchange(r, (q, b) -> listUploads(q)));
    }

    Reply create(S3Request req) {
        // SSE-C key or SSE-KMS key chosen now, for every part (UploadEncryption)
        dev.dualkey.gateway.s3.sse.UploadEncryption.Start sse = encryption().forCreate(req);
        // Owner and ACL are decided now and kept by the upload: the completed object carries them.
        WriteAcl acl = WriteAcl.decide(req::header, req.principal().accountId(), store.headBucket(req.bucket()), ids);
        WriteOptions options = WriteOptions.defaults().withOwner(acl.ownerAccountId())
                .withChecksums(ObjectHeaders.requestedChecksums(req));
        MultipartUpload up = store.createMultipartUpload(req.bucket(), req.key(),
                sse.mark(dev.dualkey.gateway.s3.lock.VersionAttributes.forNewObject(req, store,
                        ChecksumRules.withCreateType(req, options.checksumAlgorithms(),
                                acl.applyTo(ObjectHeaders.metadata(req))), false), store), options);
        Reply reply = S3Replies.xml(XmlWriter.s3("InitiateMultipartUploadResult")
                .element("Bucket", req.bucket()).element("Key", req.key()).element("UploadId", up.uploadId()));
        if (up.checksumAlgorithm() != null) {
            reply.header("x-amz-checksum-algorithm", up.checksumAlgorithm().name());
            reply.header("x-amz-checksum-type", ChecksumRules.typeOf(up).name());
        }
        sse.replyHeaders(reply, store);
        return reply;
    }

    private static int partNumber(S3Request req) {
        return PartNumber.parse(req.queryParam("partNumber"));
    }

    private static String uploadId(S3Request req) {
        String id = req.queryParam("uploadId");
        if (id == null || id.isEmpty()) {
            throw new S3Exception(S3ErrorCode.NO_SUCH_UPLOAD).with("UploadId", id);
        }
        return id;
    }

    Exchange uploadPart(S3Request req) {
        long length = UploadExchange.declaredLength(req);
        int part = partNumber(req);
        String uploadId = uploadId(req);
        var expectations = ObjectHeaders.expectations(req, length);
        PartWriter writer;
        dev.dualkey.gateway.s3.sse.UploadEncryption.PartKeys keys;
        try {
            // the upload's SSE-C key must be presented again, an SSE-KMS key still usable (before any byte is read)
            keys = encryption().forPart(req, upload(req, uploadId));
            dev.dualkey.gateway.s3.lock.LockHeaders.requireChecksumForLockedPart(req, store, uploadId);
            writer = keys.wrapper() == null ? store.newPartWriter(req.bucket(), req.key(), uploadId, part)
                    : store.newPartWriter(req.bucket(), req.key(), uploadId, part, keys.wrapper());
        } catch (StorageException e) {
            throw StorageErrorTranslator.translate(e, req.bucket(), req.key(), null).with("UploadId", uploadId);
        }
        // Storage digests a part with the upload's checksum algorithm; a SHA-256 for x-amz-content-sha256 is
        // only available when the writer computes it, so hashed-payload parts are checked through it.
        return new UploadExchange<>(req, writer, expectations, p -> {
            Reply reply = Reply.status(200).header("ETag", '"' + p.etag() + '"');
            keys.replyHeaders(reply, store);
            p.checksums().forEach((a, val) -> reply.header("x-amz-checksum-" + a.headerSuffix(), val));
            return reply;
        });
    }

    Reply uploadPartCopy(S3Request req) {
        int part = partNumber(req);
        String uploadId = uploadId(req);
        dev.dualkey.gateway.s3.sse.UploadEncryption.PartKeys keys = encryption().forPart(req, upload(req, uploadId));
        // The source read (s3:GetObject or s3:GetObjectVersion) was authorized with the destination's
        // s3:PutObject by the endpoint (ActionTable).
        CopySource src = CopySource.parse(req.header("x-amz-copy-source"));
        ObjectVersion source;
        try {
            source = store.headObject(src.bucket(), src.key(), src.versionId());
        } catch (StorageException e) {
            throw StorageErrorTranslator.translate(e, src.bucket(), src.key(), src.versionId());
        }
        // SSE-C source: its key in x-amz-copy-source-...-customer-*; SSE-KMS source: kms:Decrypt, key Enabled
        dev.dualkey.storage.crypto.KeyWrapper sourceKeys = encryption().forCopySource(req, source);
        CopySource.checkConditions(req, source);
        ByteRange range = null;
        String rangeHeader = req.header("x-amz-copy-source-range");
        if (rangeHeader != null) {
            try {
                range = ByteRange.parse(rangeHeader);
            } catch (IllegalArgumentException e) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "The x-amz-copy-source-range value must be of"
                        + " the form bytes=first-last where first and last are the zero-based offsets of the"
                        + " first and last bytes to copy").with("ArgumentName", "x-amz-copy-source-range")
                        .with("ArgumentValue", rangeHeader);
            }
            if (range.first() < 0 || range.last() < 0 || range.last() >= source.size()) {
                // S3 answers a copy range outside the source with 400 InvalidArgument (not 416).
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT,
                        "Range specified is not valid for source object of size: " + source.size())
                        .with("ArgumentName", "x-amz-copy-source-range").with("ArgumentValue", rangeHeader);
            }
        }
        PartCopyResult result = sourceKeys == null && keys.wrapper() == null
                ? store.uploadPartCopy(req.bucket(), req.key(), uploadId, part, src.bucket(), src.key(),
                        src.versionId(), range)
                // with a key, the version whose key record was checked is the version copied
                : store.uploadPartCopy(req.bucket(), req.key(), uploadId, part, src.bucket(), src.key(),
                        sourceKeys == null ? src.versionId() : source.versionId(), range, sourceKeys,
                        keys.wrapper());
        PartInfo p = result.part();
        Reply reply = S3Replies.xml(XmlWriter.s3("CopyPartResult")
                .element("LastModified", p.lastModified()).element("ETag", '"' + p.etag() + '"'));
        if (!result.source().isNullVersion()) {
            reply.header("x-amz-copy-source-version-id", result.source().versionId());
        }
        keys.replyHeaders(reply, store);
        return reply;
    }

    Reply complete(S3Request req, byte[] body) {
        String uploadId = uploadId(req);
        XmlElement root = XmlElement.parse(body);
        if (!root.name().equals("CompleteMultipartUpload")) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        List<CompletedPart> parts = new ArrayList<>();
        for (XmlElement p : root.children("Part")) {
            String number = p.childText("PartNumber").orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_XML));
            String etag = p.childText("ETag").orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_XML));
            try {
                parts.add(new CompletedPart(Integer.parseInt(number), etag, ChecksumRules.partChecksums(p)));
            } catch (NumberFormatException e) {
                throw new S3Exception(S3ErrorCode.MALFORMED_XML);
            }
        }
        if (parts.isEmpty()) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        ObjectVersion v;
        ProtectedRequest mfa = S3Refusals.request(req, mfaOverPlainHttpAllowed);
        // an SSE-C upload's key is optional here (as AWS); one that is sent must be the upload's
        dev.dualkey.gateway.s3.sse.CustomerKey customerKey = encryption().forComplete(req, upload(req, uploadId));
        try {
            // the upload's algorithm and type never change: checked here, the values by the store at publish
            Map<ChecksumAlgorithm, String> objectChecksums = ChecksumRules.objectChecksumHeaders(req);
            ChecksumRules.checkComplete(req, store.listParts(req.bucket(), req.key(), uploadId, 0, 0).upload(),
                    parts, objectChecksums);
            v = S3Refusals.orThrow(protect.completeMultipartUpload(mfa, req.bucket(), req.key(), uploadId, parts,
                    WriteConditions.apply(req, WriteOptions.defaults()),
                    new dev.dualkey.storage.Expectations(null, null, objectChecksums)), mfa);
        } catch (StorageException e) {
            throw StorageErrorTranslator.translate(e, req.bucket(), req.key(), null).with("UploadId", uploadId);
        }
        String location = (req.head().secure() ? "https://" : "http://") + req.header("Host") + "/"
                + req.bucket() + "/" + req.key();
        XmlWriter w = XmlWriter.s3("CompleteMultipartUploadResult").element("Location", location)
                .element("Bucket", req.bucket()).element("Key", req.key()).element("ETag", v.quotedEtag());
        ChecksumRules.versionElements(w, v);
        Reply reply = S3Replies.xml(w);
        if (!v.isNullVersion()) {
            reply.header("x-amz-version-id", v.versionId());
        }
        ServerSideEncryption.versionHeaders(reply, v);
        if (customerKey != null) {
            customerKey.replyHeaders(reply);
        }
        return reply;
    }

    Reply abort(S3Request req) {
        String uploadId = uploadId(req);
        try {
            store.abortMultipartUpload(req.bucket(), req.key(), uploadId);
        } catch (StorageException e) {
            throw StorageErrorTranslator.translate(e, req.bucket(), req.key(), null).with("UploadId", uploadId);
        }
        return S3Replies.noContent();
    }

    private static int intParam(S3Request req, String name, int dflt, int max) {
        String v = req.queryParam(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return Math.min(n, max);
        } catch (NumberFormatException e) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Provided " + name + " not an integer or within"
                    + " integer range").with("ArgumentName", name).with("ArgumentValue", v);
        }
    }

    Reply listParts(S3Request req) {
        String uploadId = uploadId(req);
        int marker = intParam(req, "part-number-marker", 0, Integer.MAX_VALUE);
        int max = intParam(req, "max-parts", 1000, 1000);
        ListPartsPage page;
        try {
            page = store.listParts(req.bucket(), req.key(), uploadId, marker, max);
        } catch (StorageException e) {
            throw StorageErrorTranslator.translate(e, req.bucket(), req.key(), null).with("UploadId", uploadId);
        }
        MultipartUpload up = page.upload();
        XmlWriter w = XmlWriter.s3("ListPartsResult").element("Bucket", req.bucket()).element("Key", req.key())
                .element("UploadId", uploadId);
        owner(w, "Initiator", up.ownerAccountId());
        owner(w, "Owner", up.ownerAccountId());
        w.element("StorageClass", up.metadata().storageClass() == null ? "STANDARD" : up.metadata().storageClass())
                .element("PartNumberMarker", marker)
                .element("NextPartNumberMarker", page.nextPartNumberMarker())
                .element("MaxParts", max)
                .element("IsTruncated", page.truncated());
        if (up.checksumAlgorithm() != null) {
            w.element("ChecksumAlgorithm", up.checksumAlgorithm().name());
            w.element("ChecksumType", ChecksumRules.typeOf(up).name());
        }
        for (PartInfo p : page.parts()) {
            w.start("Part").element("PartNumber", p.partNumber()).element("LastModified", p.lastModified())
                    .element("ETag", '"' + p.etag() + '"').element("Size", p.size());
            for (Map.Entry<ChecksumAlgorithm, String> c : p.checksums().entrySet()) {
                w.element("Checksum" + c.getKey().name(), c.getValue());
            }
            w.end();
        }
        return S3Replies.xml(w);
    }

    private static void owner(XmlWriter w, String element, String account) {
        w.start(element).element("ID", dev.dualkey.gateway.identity.CanonicalIds.of(account)).element("DisplayName", account).end();
    }

    Reply listUploads(S3Request req) {
        String prefix = req.queryParam("prefix");
        String delimiter = req.queryParam("delimiter");
        String keyMarker = req.queryParam("key-marker");
        String uploadIdMarker = req.queryParam("upload-id-marker");
        int max = intParam(req, "max-uploads", 1000, 1000);
        ListUploadsPage page = store.listMultipartUploads(req.bucket(), prefix,
                delimiter == null || delimiter.isEmpty() ? null : delimiter,
                keyMarker == null || keyMarker.isEmpty() ? null : keyMarker,
                uploadIdMarker == null || uploadIdMarker.isEmpty() ? null : uploadIdMarker, max);
        EncodingType enc = EncodingType.of(req.queryParam("encoding-type"));
        XmlWriter w = XmlWriter.s3("ListMultipartUploadsResult").element("Bucket", req.bucket())
                .element("KeyMarker", enc.apply(keyMarker == null ? "" : keyMarker))
                .element("UploadIdMarker", uploadIdMarker == null ? "" : uploadIdMarker)
                .element("NextKeyMarker", enc.apply(page.nextKeyMarker() == null ? "" : page.nextKeyMarker()))
                .element("NextUploadIdMarker", page.nextUploadIdMarker() == null ? "" : page.nextUploadIdMarker())
                .element("Prefix", enc.apply(prefix == null ? "" : prefix))
                .element("Delimiter", enc.apply(delimiter))
                .element("MaxUploads", max)
                .element("IsTruncated", page.truncated());
        enc.echo(w);
        for (MultipartUpload up : page.uploads()) {
            w.start("Upload").element("Key", enc.apply(up.key())).element("UploadId", up.uploadId());
            owner(w, "Initiator", up.ownerAccountId());
            owner(w, "Owner", up.ownerAccountId());
            w.element("StorageClass", up.metadata().storageClass() == null ? "STANDARD"
                            : up.metadata().storageClass())
                    .element("Initiated", up.initiated());
            if (up.checksumAlgorithm() != null) {
                w.element("ChecksumAlgorithm", up.checksumAlgorithm().name());
            }
            w.end();
        }
        for (String p : page.commonPrefixes()) {
            w.start("CommonPrefixes").element("Prefix", enc.apply(p)).end();
        }
        return S3Replies.xml(w);
    }
}

package dev.dualkey.gateway.s3.object;

import dev.dualkey.gateway.acl.CanonicalIds;
import dev.dualkey.gateway.acl.ResourceAcls;
import dev.dualkey.gateway.acl.WriteAcl;
import dev.dualkey.gateway.authz.ActionTable;
import dev.dualkey.gateway.http.Exchange;
import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.s3.Conditions;
import dev.dualkey.gateway.s3.CopySource;
import dev.dualkey.gateway.s3.ObjectHeaders;
import dev.dualkey.gateway.s3.OperationHandler;
import dev.dualkey.gateway.s3.S3Operation;
import dev.dualkey.gateway.s3.S3Replies;
import dev.dualkey.gateway.protect.ProtectedOperations;
import dev.dualkey.gateway.protect.ProtectedRequest;
import dev.dualkey.gateway.s3.protect.S3Refusals;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.SmallBody;
import dev.dualkey.gateway.s3.UploadExchange;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.s3.error.StorageErrorTranslator;
import dev.dualkey.gateway.s3.sse.ServerSideEncryption;
import dev.dualkey.gateway.s3.lock.GovernanceBypass;
import dev.dualkey.gateway.s3.lock.VersionAttributes;
import dev.dualkey.storage.retention.RetentionBypass;
import dev.dualkey.gateway.s3.integrity.ChecksumRules;
import dev.dualkey.gateway.s3.integrity.PartRead;
import dev.dualkey.gateway.s3.integrity.WriteConditions;
import dev.dualkey.gateway.s3.xml.XmlElement;
import dev.dualkey.gateway.s3.xml.XmlWriter;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.error.StorageException;
import dev.dualkey.storage.model.ByteRange;
import dev.dualkey.storage.model.CopyResult;
import dev.dualkey.storage.model.DeleteOutcome;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Object operations: PutObject, GetObject, HeadObject, CopyObject, DeleteObject, DeleteObjects. */
public final class ObjectOperations {
    /** S3's limit of keys per DeleteObjects request. */
    static final int MAX_DELETE_KEYS = 1000;
    private static final Map<String, String> RESPONSE_OVERRIDES = Map.of(
            "response-content-type", "Content-Type",
            "response-content-language", "Content-Language",
            "response-expires", "Expires",
            "response-cache-control", "Cache-Control",
            "response-content-disposition", "Content-Disposition",
            "response-content-encoding", "Content-Encoding");

    private final ObjectStore store;

    private final ProtectedOperations protect;
    private final boolean mfaOverPlainHttpAllowed;
    private final CanonicalIds ids;

    /**
     * @param protect where every change MFA Delete guards is made (the rule and the code check inside the store)
     * @param ids     canonical user ids, for the ACLs a write may carry ({@link WriteAcl})
     */
    public ObjectOperations(ObjectStore store, ProtectedOperations protect, boolean mfaOverPlainHttpAllowed,
                            CanonicalIds ids) {
        this.store = Objects.requireNonNull(store, "store");
        this.protect = Objects.requireNonNull(protect, "protect");
        this.mfaOverPlainHttpAllowed = mfaOverPlainHttpAllowed;
        this.ids = Objects.requireNonNull(ids, "ids");
    }

    /** SSE-KMS (kms branch): null when not wired (aws:kms then answers 501). */
    private dev.dualkey.gateway.s3.sse.KmsEncryption kms;

    /** Turns SSE-KMS on for PutObject, GetObject and HeadObject. */
    public ObjectOperations withKms(dev.dualkey.gateway.s3.sse.KmsEncryption kms) {
        this.kms = kms;
        return this;
    }

    public void register(Map<S3Operation, OperationHandler> handlers) {
        handlers.put(S3Operation.PUT_OBJECT, this::putObject);
        handlers.put(S3Operation.GET_OBJECT, r -> SmallBody.exchange(r, (q, b) -> getObject(q, true)));
        handlers.put(S3Operation.HEAD_OBJECT, r -> SmallBody.exchange(r, (q, b) -> getObject(q, false)));
        handlers.put(S3Operation.COPY_OBJECT, r -> SmallBody.exchange(r, (q, b) -> copyObject(q)));
        handlers.put(S3Operation.DELETE_OBJECT, r -> SmallBody.exchange(r, (q, b) -> deleteObject(q)));
        handlers.put(S3Operation.DELETE_OBJECTS, r -> {
            requireIntegrityHeader(r);
            return SmallBody.exchange(r, this::deleteObjects);
        });
    }

    // ---- PutObject ------------------------------------------------------------------------------------

    Exchange putObject(S3Request req) {
        long length = UploadExchange.declaredLength(req);
        dev.dualkey.gateway.s3.sse.CustomerKey customerKey =
                ServerSideEncryption.checkPut(req, mfaOverPlainHttpAllowed, kms != null);
        // SSE-KMS: key, context and kms:GenerateDataKey decided before any byte is read (kms branch)
        var kmsWrite = customerKey == null && kms != null ? kms.forWrite(req) : null;
        // Owner and ACL of the new version: the request's ACL headers under the bucket's Object Ownership.
        WriteAcl acl = WriteAcl.decide(req::header, req.principal().accountId(), store.headBucket(req.bucket()), ids);
        WriteOptions options = WriteOptions.defaults()
                .withOwner(acl.ownerAccountId()) // no algorithm named: S3's default CRC64NVME
                .withChecksums(dev.dualkey.gateway.s3.integrity.DefaultChecksum.forPut(
                        ObjectHeaders.requestedChecksums(req)));
        options = WriteConditions.apply(req, options);
        var expectations = ObjectHeaders.expectations(req, length);
        // D9: replacing the null version of a Suspended + MFA Delete bucket needs a code, decided in the publish.
        ProtectedRequest mfa = S3Refusals.request(req, mfaOverPlainHttpAllowed);
        var overwrite = S3Refusals.asS3(protect.overwriteCheck(mfa, req.key(), "s3:PutObject"), mfa);
        // ACL, then tags and Object Lock (request headers or the bucket's default retention), then SSE
        ObjectMetadata metadata = VersionAttributes.forNewObject(req, store, acl.applyTo(ObjectHeaders.metadata(req)),
                true);
        ObjectWriter writer = kmsWrite != null
                ? store.newObjectWriter(req.bucket(), req.key(), kmsWrite.mark(metadata), options, overwrite,
                        kmsWrite.wrapper()) // SSE-KMS: data keys wrapped by the KMS key, context bound in
                : customerKey == null
                ? store.newObjectWriter(req.bucket(), req.key(),
                        ServerSideEncryption.markWrite(metadata, store), options, overwrite)
                : store.newObjectWriter(req.bucket(), req.key(), customerKey.mark(metadata),
                        options, overwrite, customerKey.wrapper()); // SSE-C: the key is never stored
        return new UploadExchange<>(req, writer, expectations, v -> {
            Reply reply = Reply.status(200).header("ETag", v.quotedEtag());
            if (!v.isNullVersion()) {
                reply.header("x-amz-version-id", v.versionId());
            }
            ServerSideEncryption.versionHeaders(reply, v);
            if (customerKey != null) {
                customerKey.replyHeaders(reply);
            }
            if (kmsWrite != null) {
                kmsWrite.replyHeaders(reply);
            }
            ChecksumRules.versionHeaders(reply, v);
            dev.dualkey.gateway.lifecycle.ExpirationHeader.add(reply, store, req.bucket(), v); // lifecycle
            return reply;
        });
    }

    // ---- GetObject / HeadObject -------------------------------------------------------------------------

    Reply getObject(S3Request req, boolean withBody) {
        String partNumber = req.queryParam("partNumber");
        dev.dualkey.gateway.s3.sse.CustomerKey customerKey =
                ServerSideEncryption.checkRead(req, mfaOverPlainHttpAllowed);
        ObjectReader reader = !withBody ? null : customerKey == null
                ? dev.dualkey.gateway.s3.sse.KmsEncryption.open(kms, req, store) // SSE-KMS: kms:Decrypt, key state
                : store.openObject(req.bucket(), req.key(), req.versionId(), customerKey.wrapper());
        boolean handedOver = false;
        try {
            ObjectVersion v = reader != null ? reader.version()
                    : store.headObject(req.bucket(), req.key(), req.versionId());
            // SSE-C before anything else about the version (conditions, ETag): nothing is decrypted until read()
            dev.dualkey.gateway.s3.sse.CustomerKey.checkRead(v, customerKey);
            Conditions.Result cond = Conditions.evaluate(v, req.header("If-Match"), req.header("If-None-Match"),
                    req.header("If-Modified-Since"), req.header("If-Unmodified-Since"));
            if (cond.notModified()) {
                Reply r = Reply.status(304).header("ETag", v.quotedEtag())
                        .header("Last-Modified", S3Replies.httpDate(v.lastModified()));
                if (!v.isNullVersion()) {
                    r.header("x-amz-version-id", v.versionId());
                }
                return r;
            }
            if (cond != Conditions.Result.PROCEED) {
                throw new S3Exception(S3ErrorCode.PRECONDITION_FAILED).with("Condition", cond.condition());
            }
            long size = v.size();
            long offset = 0;
            long length = size;
            boolean partial = false;
            PartRead part = null;
            if (partNumber != null) {
                part = PartRead.of(v, parsePartNumber(partNumber));
                offset = part.offset();
                length = part.length();
                partial = part.partial();
            } else {
                String rangeHeader = req.header("Range");
                if (rangeHeader != null) {
                    ByteRange range = null;
                    try {
                        range = ByteRange.parse(rangeHeader);
                    } catch (IllegalArgumentException ignored) {
                        // S3 ignores a Range it cannot parse and sends the whole object
                    }
                    if (range != null) {
                        try {
                            long[] ol = range.resolve(size);
                            offset = ol[0];
                            length = ol[1];
                            partial = true;
                        } catch (StorageException e) {
                            throw StorageErrorTranslator.translate(e, req.bucket(), req.key(), req.versionId())
                                    .with("RangeRequested", rangeHeader)
                                    .with("ActualObjectSize", Long.toString(size))
                                    .withHeader("Content-Range", "bytes */" + size);
                        }
                    }
                }
            }
            Reply reply = Reply.status(partial ? 206 : 200);
            boolean checksumMode = "ENABLED".equalsIgnoreCase(req.header("x-amz-checksum-mode"));
            ObjectHeaders.versionHeaders(reply, v, false);
            if (part != null) {
                part.headers(reply, checksumMode);
            } else if (!partial && checksumMode) {
                ChecksumRules.versionHeaders(reply, v);
            }
            dev.dualkey.gateway.lifecycle.ExpirationHeader.add(reply, store, req.bucket(), v); // lifecycle
            ServerSideEncryption.versionHeaders(reply, v);
            if (customerKey != null) {
                customerKey.replyHeaders(reply);
            }
            VersionAttributes.addReadHeaders(reply, v, req); // Object Lock headers, x-amz-tagging-count
            if (partial) {
                reply.header("Content-Range", "bytes " + offset + "-" + (offset + length - 1) + "/" + size);
            }
            for (Map.Entry<String, String> o : RESPONSE_OVERRIDES.entrySet()) {
                String value = req.queryParam(o.getKey());
                if (value != null) {
                    reply.header(o.getValue(), value);
                }
            }
            if (reader == null) {
                reply.header("Content-Length", Long.toString(length));
                return reply;
            }
            ObjectReader r = reader;
            reply.streamed(new Reply.StreamedBody(length == 0 ? List.of() : reader.read(offset, length), length,
                    r::close));
            handedOver = true;
            return reply;
        } finally {
            if (reader != null && !handedOver) {
                reader.close();
            }
        }
    }

    private static int parsePartNumber(String s) {
        return dev.dualkey.gateway.s3.multipart.PartNumber.parse(s);
    }

    // ---- CopyObject -----------------------------------------------------------------------------------

    Reply copyObject(S3Request req) {
        // The source read (s3:GetObject or s3:GetObjectVersion) was authorized with the destination's
        // s3:PutObject by the endpoint (ActionTable).
        CopySource src = CopySource.parse(req.header("x-amz-copy-source"));
        ServerSideEncryption.CopyKeys keys = ServerSideEncryption.checkCopy(req, mfaOverPlainHttpAllowed,
                kms != null);
        String directive = req.header("x-amz-metadata-directive");
        boolean replace;
        if (directive == null || directive.equals("COPY")) {
            replace = false;
        } else if (directive.equals("REPLACE")) {
            replace = true;
        } else {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Unknown metadata directive.")
                    .with("ArgumentName", "x-amz-metadata-directive").with("ArgumentValue", directive);
        }
        ObjectVersion source;
        try {
            source = store.headObject(src.bucket(), src.key(), src.versionId());
        } catch (StorageException e) {
            throw StorageErrorTranslator.translate(e, src.bucket(), src.key(), src.versionId());
        }
        // SSE-C source: its key in x-amz-copy-source-server-side-encryption-customer-*, as GetObject's
        dev.dualkey.gateway.s3.sse.CustomerKey.checkRead(source, keys.source());
        // SSE-KMS source: readable while its key is Enabled and the caller may kms:Decrypt; SSE-KMS destination:
        // the request's key or the destination bucket's default, checked as PutObject's (never the source's)
        dev.dualkey.storage.crypto.KeyWrapper kmsSource = null;
        dev.dualkey.gateway.s3.sse.KmsEncryption.Write kmsWrite = null;
        if (kms == null) {
            dev.dualkey.gateway.s3.sse.KmsEncryption.refuseUnsupported(req, store, source, "CopyObject");
        } else {
            kmsSource = kms.forRead(req, source);
            kmsWrite = keys.destination() == null ? kms.forWrite(req) : null;
        }
        CopySource.checkConditions(req, source);
        boolean sameObject = src.bucket().equals(req.bucket()) && src.key().equals(req.key())
                && src.versionId() == null;
        if (sameObject && !replace && req.header("x-amz-storage-class") == null
                && req.header(ServerSideEncryption.HEADER) == null && keys.destination() == null) { // encryption attributes: a copy in place
            // with x-amz-server-side-encryption re-encrypts (how data stored before encryption gets encrypted)
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "This copy request is illegal because it is trying"
                    + " to copy an object to itself without changing the object's metadata, storage class,"
                    + " website redirect location or encryption attributes.");
        }
        ObjectMetadata meta = replace ? ObjectHeaders.metadata(req) : null;
        if (!replace && req.header("x-amz-storage-class") != null) {
            meta = source.metadata().toBuilder().storageClass(req.header("x-amz-storage-class")).build();
        }
        meta = VersionAttributes.forCopy(req, store, meta, source); // never the source's lock; tag directive
        // a copy is one part with checksums computed anew: never the source's multipart layout
        meta = meta.toBuilder().attribute(dev.dualkey.storage.checksum.MultipartChecksums.PARTS_ATTRIBUTE, null)
                .attribute(dev.dualkey.storage.checksum.MultipartChecksums.TYPE_ATTRIBUTE, null).build();
        // The copy's owner and ACL come from this request (the source's ACL is never copied, as S3).
        WriteAcl acl = WriteAcl.decide(req::header, req.principal().accountId(), store.headBucket(req.bucket()), ids);
        meta = acl.applyTo(meta);
        // the copy is written (and encrypted) now: its SSE attribute says so, whatever the source's said
        // (SSE-C: the copy has the destination key's record or none; a source's record is never carried over)
        meta = ServerSideEncryption.markCopy(meta, store, keys.destination());
        if (kmsWrite != null) {
            meta = kmsWrite.mark(meta); // SSE-KMS copy: the destination's key, context and bucket-key flag
        }
        java.util.Set<dev.dualkey.storage.model.ChecksumAlgorithm> algorithms = ObjectHeaders.requestedChecksums(req);
        // as S3: without an algorithm named, the copy is checksummed with the source's (recomputed over its bytes)
        WriteOptions options = WriteOptions.defaults().withOwner(acl.ownerAccountId())
                .withChecksums(dev.dualkey.gateway.s3.integrity.DefaultChecksum.forCopy(algorithms,
                        source.checksums()));
        CopyResult result;
        ProtectedRequest mfa = S3Refusals.request(req, mfaOverPlainHttpAllowed);
        try {
            dev.dualkey.storage.crypto.KeyWrapper sourceKeys = keys.source() != null ? keys.source().wrapper()
                    : kmsSource;
            dev.dualkey.storage.crypto.KeyWrapper destinationKeys = keys.destination() != null
                    ? keys.destination().wrapper() : kmsWrite != null ? kmsWrite.wrapper() : null;
            result = S3Refusals.orThrow(sourceKeys != null || destinationKeys != null
                    // with a caller's or KMS key, the version whose key record was checked is the version copied
                    ? protect.copyObject(mfa, src.bucket(), src.key(), source.versionId(), req.bucket(), req.key(),
                            meta, options, sourceKeys, destinationKeys)
                    : protect.copyObject(mfa, src.bucket(), src.key(), src.versionId(),
                    req.bucket(), req.key(), meta, options), mfa);
        } catch (dev.dualkey.storage.error.NoSuchKeyException | dev.dualkey.storage.error.NoSuchVersionException e) {
            throw StorageErrorTranslator.translate(e, src.bucket(), src.key(), src.versionId());
        }
        ObjectVersion created = result.created();
        XmlWriter w = XmlWriter.s3("CopyObjectResult")
                .element("LastModified", created.lastModified())
                .element("ETag", created.quotedEtag());
        created.checksums().forEach((a, val) -> w.element("Checksum" + a.name(), val));
        Reply reply = S3Replies.xml(w);
        if (!created.isNullVersion()) {
            reply.header("x-amz-version-id", created.versionId());
        }
        ServerSideEncryption.versionHeaders(reply, created);
        if (keys.destination() != null) {
            keys.destination().replyHeaders(reply);
        }
        if (kmsWrite != null) {
            kmsWrite.replyHeaders(reply);
        }
        if (!result.source().isNullVersion()) {
            reply.header("x-amz-copy-source-version-id", result.source().versionId());
        }
        return reply;
    }

    // ---- DeleteObject / DeleteObjects ---------------------------------------------------------------

    Reply deleteObject(S3Request req) {
        // MFA Delete: after authentication and authorization, whatever allowed the request, decided and checked
        // atomically with the delete (the code's outcome shares the delete's fsync).
        ProtectedRequest mfa = S3Refusals.request(req, mfaOverPlainHttpAllowed);
        RetentionBypass bypass = GovernanceBypass.of(req, store.headBucket(req.bucket()), req.key());
        String ifMatch = req.header("If-Match");
        if (ifMatch != null && !req.access().allows(
                dev.dualkey.gateway.authz.Check.object("s3:GetObject", req.bucket(), req.key()))) {
            // AWS: a conditional delete also needs s3:GetObject (it reveals whether the ETag matches)
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
        }
        DeleteOutcome out = S3Refusals.orThrow(protect.deleteObject(mfa, req.bucket(), req.key(), req.versionId(),
                bypass, ifMatch == null ? null : ifMatch.trim()), mfa);
        Reply reply = S3Replies.noContent();
        if (out.deleteMarker()) {
            reply.header("x-amz-delete-marker", "true");
        }
        // A "null" id is reported when a marker is involved (Suspended buckets) or when asked for by id; a
        // plain delete in an unversioned bucket reports no version.
        if (out.versionId() != null && (!out.versionId().equals(ObjectVersion.NULL_VERSION_ID)
                || out.deleteMarker())) {
            reply.header("x-amz-version-id", out.versionId());
        } else if (req.versionId() != null) {
            reply.header("x-amz-version-id", req.versionId());
        }
        return reply;
    }

    /** DeleteObjects is {@code requestChecksumRequired}: Content-MD5 or a flexible checksum must protect it. */
    private static void requireIntegrityHeader(S3Request req) {
        if (req.header("Content-MD5") != null || req.header("x-amz-sdk-checksum-algorithm") != null
                || req.header("x-amz-trailer") != null) {
            return;
        }
        for (var a : dev.dualkey.storage.model.ChecksumAlgorithm.values()) {
            if (req.header("x-amz-checksum-" + a.headerSuffix()) != null) {
                return;
            }
        }
        throw new S3Exception(S3ErrorCode.INVALID_REQUEST,
                "Missing required header for this request: Content-MD5");
    }

    Reply deleteObjects(S3Request req, byte[] body) {
        XmlElement root = XmlElement.parse(body);
        if (!root.name().equals("Delete")) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        boolean quiet = root.childText("Quiet").map("true"::equalsIgnoreCase).orElse(false);
        List<XmlElement> objects = root.children("Object");
        if (objects.isEmpty() || objects.size() > MAX_DELETE_KEYS) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        // Authorization is per entry, as AWS evaluates it: s3:DeleteObject (or s3:DeleteObjectVersion with a
        // version id) on that key's ARN with that entry's s3:VersionId; a refused entry is reported as AccessDenied
        // and never reaches the store. Every entry is read and judged before anything is deleted.
        List<String> keys = new ArrayList<>(objects.size());
        List<String> versionIds = new ArrayList<>(objects.size());
        List<Boolean> allowed = new ArrayList<>(objects.size());
        List<String> allowedVersionIds = new ArrayList<>(objects.size());
        for (XmlElement o : objects) {
            String key = o.child("Key").map(XmlElement::rawText).orElse(null);
            if (key == null || key.isEmpty()) {
                throw new S3Exception(S3ErrorCode.MALFORMED_XML);
            }
            String versionId = o.childText("VersionId").filter(s -> !s.isEmpty()).orElse(null);
            keys.add(key);
            versionIds.add(versionId);
        }
        for (int i = 0; i < keys.size(); i++) {
            Map<String, String> entryKeys = new HashMap<>();
            if (versionIds.get(i) != null) {
                entryKeys.put("s3:VersionId", versionIds.get(i));
            }
            boolean ok = req.access().allows(
                    ActionTable.deleteObjectsEntry(req.bucket(), keys.get(i), versionIds.get(i)), entryKeys);
            allowed.add(ok);
            if (ok) {
                allowedVersionIds.add(versionIds.get(i));
            }
        }
        // MFA Delete covers the entries the caller may delete: checked once, before anything is deleted.
        ProtectedRequest mfa = S3Refusals.request(req, mfaOverPlainHttpAllowed);
        boolean codeAccepted = !allowedVersionIds.isEmpty()
                && S3Refusals.orThrow(protect.checkDeleteObjects(mfa, req.bucket(), allowedVersionIds), mfa);
        dev.dualkey.storage.model.BucketInfo bucketInfo = store.headBucket(req.bucket());
        GovernanceBypass.of(req, bucketInfo, ""); // the header on a bucket without Object Lock fails the request
        XmlWriter w = XmlWriter.s3("DeleteResult");
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            String versionId = versionIds.get(i);
            if (!allowed.get(i)) {
                w.start("Error").element("Key", key).element("VersionId", versionId)
                        .element("Code", S3ErrorCode.ACCESS_DENIED.code())
                        .element("Message", S3ErrorCode.ACCESS_DENIED.defaultMessage()).end();
                continue;
            }
            try {
                DeleteOutcome out = S3Refusals.orThrow(protect.deleteObjectsEntry(mfa, req.bucket(), key, versionId,
                        codeAccepted, GovernanceBypass.of(req, bucketInfo, key)), mfa);
                if (quiet) {
                    continue;
                }
                w.start("Deleted").element("Key", key);
                if (versionId != null) {
                    w.element("VersionId", versionId);
                }
                if (out.deleteMarker()) {
                    w.element("DeleteMarker", true);
                    String markerId = out.markerCreated() ? out.versionId() : versionId;
                    w.element("DeleteMarkerVersionId", markerId);
                }
                w.end();
            } catch (StorageException | S3Exception e) {
                // an entry refused by the MFA Delete re-check (state changed during the request) is reported like
                // any per-key failure; the other entries stand as S3 answers them
                S3Exception x = e instanceof S3Exception s3 ? s3
                        : StorageErrorTranslator.translate((StorageException) e, req.bucket(), key, versionId);
                w.start("Error").element("Key", key).element("VersionId", versionId)
                        .element("Code", x.error().code()).element("Message", x.getMessage()).end();
            }
        }
        return S3Replies.xml(w);
    }
}

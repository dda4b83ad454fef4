package dev.dualkey.gateway.s3.sse;

import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.crypto.KeyWrapper;
import dev.dualkey.storage.model.MultipartUpload;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import java.util.Objects;

/**
 * Server-side encryption of multipart uploads and part copies: which key CreateMultipartUpload chooses, what every
 * UploadPart and UploadPartCopy must present, and what they answer.
 *
 * <p><b>The key is the upload's</b>, chosen once at CreateMultipartUpload and recorded in the upload's metadata
 * (which the completed version inherits): an SSE-C key as its salted HMAC ({@link CustomerKey#mark}, never the key),
 * an SSE-KMS key as its ARN and canonical encryption context ({@link KmsEncryption.Write#mark}), else SSE-S3.
 * Every part is sealed with a data key wrapped by that key ({@code ObjectStore#newPartWriter(..., KeyWrapper)}),
 * so the completed object (a manifest of the part blobs) reads with the same wrapper as a single PutObject.
 *
 * <p><b>Parts of an SSE-C upload</b> carry the same customer key (AWS): without it 400 InvalidRequest ("The
 * multipart upload initiate requested encryption..."), with another 400 InvalidRequest ("The provided encryption
 * parameters did not match the ones used originally."); a customer key sent for an upload that is not SSE-C is
 * refused (400 InvalidRequest) rather than ignored, so a client never believes a part is under its key when it is
 * not. <b>Parts of an SSE-KMS upload</b> re-check the key at each part: a key disabled or scheduled for deletion
 * since the upload began refuses the part (KMS.DisabledException / KMS.KMSInvalidStateException), and the caller
 * needs {@code kms:GenerateDataKey} on it. Each UploadPart/UploadPartCopy answers the upload's encryption headers
 * (SSE-C: algorithm and key MD5; SSE-KMS: {@code aws:kms}, the key ARN, the bucket-key flag; else {@code AES256}).
 *
 * <p><b>Copy sources</b> (UploadPartCopy) are read as CopyObject reads them: an SSE-C source with its key in
 * {@code x-amz-copy-source-server-side-encryption-customer-*} ({@link CustomerKey#checkRead}'s errors), an SSE-KMS
 * source when its key is Enabled and the caller may {@code kms:Decrypt} ({@link KmsEncryption#forRead}).
 */
public final class UploadEncryption {
    private final ObjectStore store;
    private final KmsEncryption kms;
    private final boolean transportAllowed;

    /**
     * @param kms              null when SSE-KMS is not wired (cluster mode): {@code aws:kms} stays 501
     * @param transportAllowed whether a customer key may come over plain HTTP (loopback listener, or allowed)
     */
    public UploadEncryption(ObjectStore store, KmsEncryption kms, boolean transportAllowed) {
        this.store = Objects.requireNonNull(store, "store");
        this.kms = kms;
        this.transportAllowed = transportAllowed;
    }

    /** CreateMultipartUpload's choice: an SSE-C key, an SSE-KMS write, or neither (SSE-S3). */
    public record Start(CustomerKey customer, KmsEncryption.Write kmsWrite) {
        /** {@code meta} (the upload's, inherited by the completed version) marked with the upload's encryption. */
        public ObjectMetadata mark(ObjectMetadata meta, ObjectStore store) {
            if (customer != null) {
                return customer.mark(meta);
            }
            if (kmsWrite != null) {
                return kmsWrite.mark(meta);
            }
            return ServerSideEncryption.markWrite(meta, store);
        }

        /** CreateMultipartUpload's SSE response headers. */
        public void replyHeaders(Reply reply, ObjectStore store) {
            if (customer != null) {
                customer.replyHeaders(reply);
            } else if (kmsWrite != null) {
                reply.header(ServerSideEncryption.HEADER, KmsEncryption.AWS_KMS)
                        .header(KmsEncryption.KEY_ID, kmsWrite.key().arn());
                if (kmsWrite.bucketKey()) {
                    reply.header(KmsEncryption.BUCKET_KEY, "true");
                }
                kmsWrite.replyHeaders(reply);
            } else {
                ServerSideEncryption.storeHeaders(reply, store);
            }
        }
    }

    /** CreateMultipartUpload: the SSE headers checked as PutObject's, the key chosen (SSE-KMS checks made now). */
    public Start forCreate(S3Request req) {
        CustomerKey customer = ServerSideEncryption.checkPut(req, transportAllowed, kms != null);
        if (customer != null && !store.encryptsAtRest()) { // upstream mode: refused before an upload exists
            throw new S3Exception(S3ErrorCode.NOT_IMPLEMENTED, "Server-side encryption with customer-provided keys "
                    + "(SSE-C) is not available on this server.").with("Header", CustomerKey.OBJECT + "algorithm");
        }
        if (kms == null) {
            KmsEncryption.refuseUnsupported(req, store, null, "CreateMultipartUpload");
            return new Start(customer, null);
        }
        return new Start(customer, customer == null ? kms.forWrite(req) : null);
    }

    /** What one part is sealed with; {@code wrapper} null means the store's own key (SSE-S3). */
    public record PartKeys(KeyWrapper wrapper, CustomerKey customer, ObjectMetadata upload) {
        /** UploadPart / UploadPartCopy's SSE response headers: the upload's encryption. */
        public void replyHeaders(Reply reply, ObjectStore store) {
            if (customer != null) {
                customer.replyHeaders(reply);
            } else if (KmsEncryption.AWS_KMS.equals(upload.attribute(ServerSideEncryption.HEADER))) {
                reply.header(ServerSideEncryption.HEADER, KmsEncryption.AWS_KMS)
                        .header(KmsEncryption.KEY_ID, upload.attribute(KmsEncryption.KEY_ID));
                if (upload.attribute(KmsEncryption.BUCKET_KEY) != null) {
                    reply.header(KmsEncryption.BUCKET_KEY, "true");
                }
            } else {
                ServerSideEncryption.storeHeaders(reply, store);
            }
        }
    }

    /**
     * UploadPart / UploadPartCopy (destination): the upload's key, after the checks of the class comment.
     *
     * @param upload the upload the part goes into (its metadata says how it is encrypted)
     */
    public PartKeys forPart(S3Request req, MultipartUpload upload) {
        ObjectMetadata meta = upload.metadata();
        CustomerKey given = CustomerKey.from(req, CustomerKey.OBJECT, transportAllowed);
        if (meta.attribute(CustomerKey.HMAC_ATTRIBUTE) != null) {
            if (given == null) {
                throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "The multipart upload initiate requested "
                        + "encryption. Subsequent part requests must include the appropriate encryption parameters.");
            }
            if (!given.matches(meta)) {
                throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "The provided encryption parameters did not match "
                        + "the ones used originally.");
            }
            return new PartKeys(given.wrapper(), given, meta);
        }
        if (given != null) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "The encryption parameters are not applicable to this "
                    + "multipart upload: it was not initiated with a customer provided key.");
        }
        if (KmsEncryption.AWS_KMS.equals(meta.attribute(ServerSideEncryption.HEADER))) {
            if (kms == null) {
                throw new S3Exception(S3ErrorCode.NOT_IMPLEMENTED, "Server-side encryption with AWS KMS keys "
                        + "(SSE-KMS) is not available on this server.").with("Header", ServerSideEncryption.HEADER);
            }
            return new PartKeys(kms.forUploadPart(req, meta), null, meta);
        }
        return new PartKeys(null, null, meta);
    }

    /**
     * CompleteMultipartUpload of an SSE-C upload: AWS needs the key only for checksummed uploads, so it is optional
     * here, but a key that is sent must be the upload's (InvalidRequest otherwise), and one sent for an upload that
     * is not SSE-C is refused. Returns the key sent, or null.
     */
    public CustomerKey forComplete(S3Request req, MultipartUpload upload) {
        CustomerKey given = CustomerKey.from(req, CustomerKey.OBJECT, transportAllowed);
        if (given == null) {
            return null;
        }
        if (upload.metadata().attribute(CustomerKey.HMAC_ATTRIBUTE) == null) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "The encryption parameters are not applicable to this "
                    + "multipart upload: it was not initiated with a customer provided key.");
        }
        if (!given.matches(upload.metadata())) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "The provided encryption parameters did not match the "
                    + "ones used originally.");
        }
        return given;
    }

    /**
     * UploadPartCopy's source: the wrapper to read {@code source} with (SSE-C: the copy-source key after {@link
     * CustomerKey#checkRead}; SSE-KMS: after {@link KmsEncryption#forRead}'s checks), or null for the store's own.
     */
    public KeyWrapper forCopySource(S3Request req, ObjectVersion source) {
        CustomerKey key = CustomerKey.from(req, CustomerKey.COPY_SOURCE, transportAllowed);
        CustomerKey.checkRead(source, key);
        if (key != null) {
            return key.wrapper();
        }
        if (KmsEncryption.isKms(source)) {
            if (kms == null) {
                KmsEncryption.refuseUnsupported(req, store, source, "UploadPartCopy");
            }
            return kms.forRead(req, source);
        }
        return null;
    }
}

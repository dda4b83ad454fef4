package dev.dualkey.gateway.s3.sse;

import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import java.util.List;

/**
 * The SSE request and response headers of object operations.
 *
 * <p>Every object written by a server wired with its master key is encrypted at rest (SSE-S3, AES-256, as Amazon S3
 * does for every new object since January 2023), so {@code x-amz-server-side-encryption: AES256} is accepted and
 * echoed on PutObject, CopyObject, CreateMultipartUpload, UploadPart, CompleteMultipartUpload, GetObject and
 * HeadObject. GET/HEAD echo it only for versions written encrypted ({@link #markWrite}); data written
 * before encryption existed has no header, and a copy in place with {@code x-amz-server-side-encryption: AES256}
 * encrypts it.
 *
 * <p>SSE-C ({@link CustomerKey}) and SSE-KMS ({@link KmsEncryption}, when the server is wired with its key
 * registry) on PutObject, GetObject, HeadObject, CopyObject (source and/or destination, {@link #checkCopy}), the
 * multipart calls and UploadPartCopy ({@link UploadEncryption}: the upload's key chosen at CreateMultipartUpload).
 * Not implemented, and refused with 501 NotImplemented rather than silently stored in the clear or under another
 * key: {@code aws:kms:dsse}, and SSE-KMS where no key registry is wired (cluster mode). A client asking for them
 * must never believe its data is protected by a key when it is not.
 */
public final class ServerSideEncryption {
    /** Request and response header. */
    public static final String HEADER = "x-amz-server-side-encryption";
    /** SSE-S3's value. */
    public static final String AES256 = "AES256";
    private static final List<String> CUSTOMER_HEADERS = List.of(
            "x-amz-server-side-encryption-customer-algorithm",
            "x-amz-server-side-encryption-customer-key",
            "x-amz-server-side-encryption-customer-key-MD5");
    private static final List<String> COPY_SOURCE_CUSTOMER_HEADERS = List.of(
            "x-amz-copy-source-server-side-encryption-customer-algorithm",
            "x-amz-copy-source-server-side-encryption-customer-key",
            "x-amz-copy-source-server-side-encryption-customer-key-MD5");
    private static final String KMS_KEY_ID = "x-amz-server-side-encryption-aws-kms-key-id";
    private static final String KMS_CONTEXT = "x-amz-server-side-encryption-context";

    private ServerSideEncryption() {
    }

    /**
     * Checks the SSE headers of a request that stores data (PutObject, CopyObject, CreateMultipartUpload).
     *
     * @throws S3Exception InvalidArgument for an unknown method or KMS parameters without {@code aws:kms};
     *                     NotImplemented for SSE-KMS and SSE-C (copies and multipart uploads)
     */
    public static void checkWrite(S3Request req) {
        checkMethod(req);
        checkNoCustomerKey(req);
    }

    /**
     * PutObject: the SSE method headers as {@link #checkWrite}, and an SSE-C key (null when none was sent).
     *
     * @param transportAllowed true when a secret header may come over plain HTTP (loopback listener, or the
     *                         operator allowed it)
     */
    public static CustomerKey checkPut(S3Request req, boolean transportAllowed) {
        return checkPut(req, transportAllowed, false);
    }

    /**
     * PutObject as {@link #checkPut(S3Request, boolean)}; with {@code kms} (SSE-KMS wired, {@link KmsEncryption})
     * {@code aws:kms} and its parameters pass, for {@link KmsEncryption#forWrite} to decide.
     */
    public static CustomerKey checkPut(S3Request req, boolean transportAllowed, boolean kms) {
        checkMethod(req, kms);
        CustomerKey key = CustomerKey.from(req, CustomerKey.OBJECT, transportAllowed);
        if (key != null && req.header(HEADER) != null) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Server Side Encryption with Customer provided key is "
                    + "incompatible with the encryption method specified").with("ArgumentName", HEADER)
                    .with("ArgumentValue", req.header(HEADER));
        }
        for (String h : COPY_SOURCE_CUSTOMER_HEADERS) {
            if (req.header(h) != null) {
                throw notImplementedCustomerKey(h);
            }
        }
        return key;
    }

    /** CopyObject's customer keys: the source's ({@code x-amz-copy-source-...}) and the copy's; either may be null. */
    public record CopyKeys(CustomerKey source, CustomerKey destination) {
        /** True when either side has a customer key. */
        public boolean any() {
            return source != null || destination != null;
        }
    }

    /**
     * CopyObject: the SSE method headers as {@link #checkWrite}, and the SSE-C keys of the source (to read an SSE-C
     * source) and of the destination (to store the copy under a customer key), each checked as {@link
     * CustomerKey#from} checks PutObject's; the destination key with {@code x-amz-server-side-encryption} is
     * InvalidArgument, as on PutObject.
     */
    public static CopyKeys checkCopy(S3Request req, boolean transportAllowed) {
        return checkCopy(req, transportAllowed, false);
    }

    /**
     * CopyObject as {@link #checkCopy(S3Request, boolean)}; with {@code kms} (SSE-KMS wired) {@code aws:kms} and its
     * parameters pass, for {@link KmsEncryption#forWrite} to decide the copy's key.
     */
    public static CopyKeys checkCopy(S3Request req, boolean transportAllowed, boolean kms) {
        checkMethod(req, kms);
        CustomerKey destination = CustomerKey.from(req, CustomerKey.OBJECT, transportAllowed);
        if (destination != null && req.header(HEADER) != null) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Server Side Encryption with Customer provided key is "
                    + "incompatible with the encryption method specified").with("ArgumentName", HEADER)
                    .with("ArgumentValue", req.header(HEADER));
        }
        return new CopyKeys(CustomerKey.from(req, CustomerKey.COPY_SOURCE, transportAllowed), destination);
    }

    /**
     * {@code meta} (a copy's metadata, maybe the source's) with the copy's encryption attributes: the source's SSE-C
     * record and SSE attribute dropped, then the destination key's record, or SSE-S3's attribute ({@link
     * #markWrite}) when the copy has no customer key.
     */
    public static ObjectMetadata markCopy(ObjectMetadata meta, ObjectStore store, CustomerKey destination) {
        ObjectMetadata clean = meta.toBuilder().attribute(CustomerKey.ALGORITHM_ATTRIBUTE, null)
                .attribute(CustomerKey.HMAC_ATTRIBUTE, null).attribute(HEADER, null)
                // nor a KMS source's key, context or bucket-key flag: the copy's own are set by KmsEncryption
                .attribute(KmsEncryption.KEY_ID, null).attribute(KmsEncryption.CONTEXT_ATTRIBUTE, null)
                .attribute(KmsEncryption.BUCKET_KEY, null).build();
        return destination == null ? markWrite(clean, store) : destination.mark(clean);
    }

    /**
     * GetObject/HeadObject: the SSE-C key the request names (null when none); S3 ignores the other SSE headers on
     * reads.
     */
    public static CustomerKey checkRead(S3Request req, boolean transportAllowed) {
        return CustomerKey.from(req, CustomerKey.OBJECT, transportAllowed);
    }

    private static void checkMethod(S3Request req) {
        checkMethod(req, false);
    }

    private static void checkMethod(S3Request req, boolean kms) {
        String method = req.header(HEADER);
        if (kms && KmsEncryption.AWS_KMS.equals(method)) { // SSE-KMS (kms branch): parameters checked on use
            return;
        }
        if (method != null && !method.equals(AES256)) {
            if (method.equals("aws:kms") || method.equals("aws:kms:dsse")) {
                throw new S3Exception(S3ErrorCode.NOT_IMPLEMENTED, "Server-side encryption with AWS KMS keys "
                        + "(SSE-KMS) is not implemented by this server; objects are encrypted with SSE-S3 (AES256).")
                        .with("Header", HEADER);
            }
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "The encryption method specified is not supported")
                    .with("ArgumentName", HEADER).with("ArgumentValue", method);
        }
        if (req.header(KMS_KEY_ID) != null || req.header(KMS_CONTEXT) != null) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Server Side Encryption with AWS KMS managed key "
                    + "requires HTTP header x-amz-server-side-encryption : aws:kms")
                    .with("ArgumentName", HEADER).with("ArgumentValue", method == null ? "null" : method);
        }
    }

    /** Refuses SSE-C parameters where SSE-C is not implemented yet (copies, the multipart calls). */
    public static void checkNoCustomerKey(S3Request req) {
        for (String h : CUSTOMER_HEADERS) {
            if (req.header(h) != null) {
                throw notImplementedCustomerKey(h);
            }
        }
        for (String h : COPY_SOURCE_CUSTOMER_HEADERS) {
            if (req.header(h) != null) {
                throw notImplementedCustomerKey(h);
            }
        }
    }

    private static S3Exception notImplementedCustomerKey(String header) {
        return new S3Exception(S3ErrorCode.NOT_IMPLEMENTED, "Server-side encryption with customer-provided keys "
                + "(SSE-C) is not implemented by this server.").with("Header", header);
    }

    /**
     * {@code meta} marked with the encryption the store applies to what is written now (the gateway-owned attribute
     * {@value #HEADER}: {@code AES256} when the store encrypts at rest, absent otherwise), for PutObject, CopyObject
     * and CreateMultipartUpload without SSE-C. The stored bytes' format is recorded by the store itself; this
     * attribute only says what S3 reports.
     */
    public static ObjectMetadata markWrite(ObjectMetadata meta, ObjectStore store) {
        String want = store.encryptsAtRest() ? AES256 : null;
        return java.util.Objects.equals(meta.attribute(HEADER), want) ? meta
                : meta.toBuilder().attribute(HEADER, want).build();
    }

    /** Adds {@code x-amz-server-side-encryption} when {@code v}'s data is encrypted at rest. */
    public static void versionHeaders(Reply reply, ObjectVersion v) {
        // SSE-C versions answer with the customer headers (CustomerKey.replyHeaders), never this one
        String method = v.metadata().attribute(HEADER);
        if (method != null) {
            reply.header(HEADER, method);
        }
        if (KmsEncryption.isKms(v)) { // SSE-KMS: the key's ARN and the bucket key flag, as S3 answers them
            reply.header(KmsEncryption.KEY_ID, v.metadata().attribute(KmsEncryption.KEY_ID));
            if (v.metadata().attribute(KmsEncryption.BUCKET_KEY) != null) {
                reply.header(KmsEncryption.BUCKET_KEY, "true");
            }
        }
    }

    /** Adds {@code x-amz-server-side-encryption} when the store encrypts what it writes (parts, new uploads). */
    public static void storeHeaders(Reply reply, ObjectStore store) {
        if (store.encryptsAtRest()) {
            reply.header(HEADER, AES256);
        }
    }
}

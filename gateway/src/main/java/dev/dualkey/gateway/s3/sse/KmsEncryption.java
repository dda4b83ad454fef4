package dev.dualkey.gateway.s3.sse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dualkey.gateway.authz.Check;
import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.kms.KmsException;
import dev.dualkey.gateway.kms.KmsKey;
import dev.dualkey.gateway.kms.KmsRegistry;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.crypto.KeyWrapper;
import dev.dualkey.storage.crypto.KmsKeyWrapper;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * SSE-KMS on the S3 wire ({@code x-amz-server-side-encryption: aws:kms}): which key a write uses, the encryption
 * context, the checks AWS makes before it calls KMS, and the headers S3 answers with.
 *
 * <p><b>Which key.</b> {@code x-amz-server-side-encryption-aws-kms-key-id} (key id, key ARN, {@code alias/NAME},
 * alias ARN); without it, the bucket's default rule's {@code KMSMasterKeyID} when the bucket default is
 * {@code aws:kms} and the request named no method, else the requester's AWS managed key {@code alias/aws/s3}
 * (created on first use). Key ids and alias names are looked up in the requester's account, as AWS KMS does.
 *
 * <p><b>Checks</b>, in AWS's order: the key exists (400 KMS.NotFoundException), is Enabled (400
 * KMS.DisabledException, KMS.KMSInvalidStateException when pending deletion), and the caller may use it: a
 * principal of the key's own account (there are no key policies here, so no other account can be granted a key:
 * stricter than AWS) whose identity policies allow {@code kms:GenerateDataKey} (writes) or {@code kms:Decrypt}
 * (GetObject) on the key's ARN, with {@code kms:ViaService} and {@code kms:EncryptionContext:aws:s3:arn} as
 * condition keys (403 AccessDenied otherwise). HeadObject decrypts nothing and needs neither, as on AWS.
 *
 * <p><b>Encryption context</b>: {@code x-amz-server-side-encryption-context} is base64 of a JSON object of strings;
 * S3 adds {@code aws:s3:arn} (the object's ARN, or the bucket's with a bucket key). Its canonical form (keys
 * sorted, compact JSON) is bound into the data key's wrapping ({@link KmsKeyWrapper}) and stored, base64, in the
 * version's {@value #CONTEXT_ATTRIBUTE} attribute.
 *
 * <p><b>Bucket keys</b> ({@code x-amz-server-side-encryption-bucket-key-enabled}, {@code BucketKeyEnabled}):
 * on AWS they cut KMS request costs by deriving object keys from a short-lived bucket-level key. Here a KMS call
 * is a local HMAC and costs nothing, so a bucket key changes no cryptography: every object keeps its own data key
 * wrapped directly by the KMS key. What it changes is what AWS documents a client can observe: the header is
 * recorded and echoed, and the encryption context is the bucket's ARN instead of the object's.
 */
public final class KmsEncryption {
    /** The method's header value. */
    public static final String AWS_KMS = "aws:kms";
    /** Request/response header and version attribute: the key's ARN. */
    public static final String KEY_ID = "x-amz-server-side-encryption-aws-kms-key-id";
    /** Request/response header: base64 JSON encryption context. */
    public static final String CONTEXT = "x-amz-server-side-encryption-context";
    /** Request/response header and version attribute ({@code true} when set). */
    public static final String BUCKET_KEY = "x-amz-server-side-encryption-bucket-key-enabled";
    /** Version attribute: base64 of the canonical encryption context bound into the wrapping. */
    public static final String CONTEXT_ATTRIBUTE = "sse-kms-context";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AWS_S3_ARN = "aws:s3:arn";

    private final KmsRegistry registry;
    private final ObjectStore store;

    public KmsEncryption(KmsRegistry registry, ObjectStore store) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.store = Objects.requireNonNull(store, "store");
    }

    /** The registry behind this (admin commands share it). */
    public KmsRegistry registry() {
        return registry;
    }

    /** What one write encrypts with: the key, the canonical context, bucket key on or off. */
    public record Write(KmsKey key, byte[] material, String contextBase64, boolean bucketKey) {
        /** {@code meta} marked as SSE-KMS under this key. */
        public ObjectMetadata mark(ObjectMetadata meta) {
            return meta.toBuilder().attribute(ServerSideEncryption.HEADER, AWS_KMS).attribute(KEY_ID, key.arn())
                    .attribute(CONTEXT_ATTRIBUTE, contextBase64).attribute(BUCKET_KEY, bucketKey ? "true" : null)
                    .build();
        }

        /** The wrapper of this write's data keys. */
        public KeyWrapper wrapper() {
            KeyWrapper w = KmsKeyWrapper.of(material, Base64.getDecoder().decode(contextBase64));
            Arrays.fill(material, (byte) 0);
            return w;
        }

        /** The context header of write responses (PutObject, CopyObject, CreateMultipartUpload). */
        public void replyHeaders(Reply reply) {
            reply.header(CONTEXT, contextBase64);
        }
    }

    /**
     * The KMS encryption a new object of {@code req} gets, or null when it gets SSE-S3 (the request or the bucket
     * default says AES256, or nothing says aws:kms). Runs every check of the class comment.
     */
    public Write forWrite(S3Request req) {
        String method = req.header(ServerSideEncryption.HEADER);
        String spec = null;
        boolean bucketKey = false;
        if (method == null) {
            BucketEncryption.Rule rule = BucketEncryption.Rule.of(store.headBucket(req.bucket()));
            if (!rule.algorithm().equals(AWS_KMS)) {
                return null;
            }
            spec = rule.kmsKeyId();
            bucketKey = rule.bucketKey();
        } else if (!method.equals(AWS_KMS)) {
            return null;
        } else {
            spec = req.header(KEY_ID);
            BucketEncryption.Rule rule = BucketEncryption.Rule.of(store.headBucket(req.bucket()));
            bucketKey = rule.algorithm().equals(AWS_KMS) && rule.bucketKey();
        }
        String bk = req.header(BUCKET_KEY);
        if (bk != null) {
            if (!bk.equalsIgnoreCase("true") && !bk.equalsIgnoreCase("false")) {
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid value for header "
                        + BUCKET_KEY).with("ArgumentName", BUCKET_KEY).with("ArgumentValue", bk);
            }
            bucketKey = bk.equalsIgnoreCase("true");
        }
        if (spec != null && spec.isBlank()) {
            spec = null;
        }
        String resource = bucketKey ? "arn:aws:s3:::" + req.bucket() : "arn:aws:s3:::" + req.bucket() + "/"
                + req.key();
        String context = context(req.header(CONTEXT), resource);
        KmsKey key = use(req, spec == null ? "alias/" + dev.dualkey.gateway.kms.KmsArns.AWS_S3 : spec,
                "kms:GenerateDataKey", resource);
        return new Write(key, registry.material(key), context, bucketKey);
    }

    /**
     * GetObject of an SSE-KMS version: the wrapper of its data keys, after the checks (key exists and is Enabled,
     * the caller may {@code kms:Decrypt}). Null for versions that are not SSE-KMS.
     */
    public KeyWrapper forRead(S3Request req, ObjectVersion v) {
        if (!isKms(v)) {
            return null;
        }
        String arn = v.metadata().attribute(KEY_ID);
        KmsKey key = registry.byArn(arn).orElseThrow(() -> kmsError(new KmsException("NotFoundException",
                "Key '" + arn + "' does not exist")));
        String resource = "arn:aws:s3:::" + v.bucket() + (v.metadata().attribute(BUCKET_KEY) != null ? ""
                : "/" + v.key());
        check(req, key, "kms:Decrypt", resource);
        byte[] material = registry.material(key);
        try {
            return KmsKeyWrapper.of(material, Base64.getDecoder().decode(v.metadata().attribute(CONTEXT_ATTRIBUTE)));
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    /**
     * UploadPart / UploadPartCopy into an SSE-KMS upload: the wrapper of the part's data keys, under the key and
     * encryption context chosen at CreateMultipartUpload (recorded in the upload's metadata by {@link Write#mark}),
     * after the checks a write makes: the key still exists and is Enabled (a key disabled or scheduled for deletion
     * since the upload began refuses the part), the caller may {@code kms:GenerateDataKey} on it. Null when the
     * upload is not SSE-KMS.
     */
    public KeyWrapper forUploadPart(S3Request req, ObjectMetadata upload) {
        if (!AWS_KMS.equals(upload.attribute(ServerSideEncryption.HEADER)) || upload.attribute(KEY_ID) == null) {
            return null;
        }
        String arn = upload.attribute(KEY_ID);
        KmsKey key = registry.byArn(arn).orElseThrow(() -> kmsError(new KmsException("NotFoundException",
                "Key '" + arn + "' does not exist")));
        String resource = "arn:aws:s3:::" + req.bucket() + (upload.attribute(BUCKET_KEY) != null ? ""
                : "/" + req.key());
        check(req, key, "kms:GenerateDataKey", resource);
        byte[] material = registry.material(key);
        try {
            return KmsKeyWrapper.of(material, Base64.getDecoder().decode(upload.attribute(CONTEXT_ATTRIBUTE)));
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    /**
     * GetObject's reader: an SSE-KMS version is opened with its key's wrapper after {@link #forRead}'s checks; any
     * other with the store's keys. Without a versionId the latest version may change between the look and the open:
     * then the look is made again (a few times), so the wrapper always belongs to the version read.
     *
     * <p>Most versions are not SSE-KMS: they are opened with the store's keys in one look (bucket, version,
     * data), and only an SSE-KMS version found so is closed again and looked up for its key's wrapper. Opening
     * decrypts nothing (data is decrypted on {@code read}), so the first open of an SSE-KMS version exposes no
     * byte before {@link #forRead}'s checks. Looking first and then opening read the bucket and the version twice
     * for every GetObject (issue 19: 3 of the 10 RocksDB reads of a 4 KiB GET).
     *
     * @param kms null when SSE-KMS is not wired
     */
    public static dev.dualkey.storage.ObjectReader open(KmsEncryption kms, S3Request req, ObjectStore store) {
        dev.dualkey.storage.ObjectReader plain = store.openObject(req.bucket(), req.key(), req.versionId());
        if (kms == null || !isKms(plain.version())) {
            return plain;
        }
        plain.close();
        for (int attempt = 0; ; attempt++) {
            ObjectVersion head = store.headObject(req.bucket(), req.key(), req.versionId());
            KeyWrapper w = kms.forRead(req, head);
            if (w == null) {
                dev.dualkey.storage.ObjectReader r = store.openObject(req.bucket(), req.key(), req.versionId());
                if (!isKms(r.version()) || attempt == 3) {
                    return r; // attempt 3: a KMS version read with the store's keys fails its unwrap, never leaks
                }
                r.close();
                continue;
            }
            dev.dualkey.storage.ObjectReader r = store.openObject(req.bucket(), req.key(), req.versionId(), w);
            if (Objects.equals(r.version().versionId(), head.versionId()) || attempt == 3) {
                return r;
            }
            r.close();
        }
    }

    /**
     * Refuses SSE-KMS where this server cannot apply it: a server with no key registry (cluster mode) asked for an
     * SSE-KMS destination or source by CopyObject, CreateMultipartUpload or UploadPartCopy (with the registry
     * wired, {@link UploadEncryption} and CopyObject apply it). 501 NotImplemented, never an object stored under
     * another key than asked.
     *
     * @param source the copy source, or null
     */
    public static void refuseUnsupported(S3Request req, ObjectStore store, ObjectVersion source, String what) {
        boolean kmsTarget = AWS_KMS.equals(req.header(ServerSideEncryption.HEADER))
                || req.header(ServerSideEncryption.HEADER) == null && req.bucket() != null
                && AWS_KMS.equals(BucketEncryption.Rule.of(store.headBucket(req.bucket())).algorithm());
        if (kmsTarget || source != null && isKms(source)) {
            throw new S3Exception(S3ErrorCode.NOT_IMPLEMENTED, "Server-side encryption with AWS KMS keys (SSE-KMS) is "
                    + "not implemented for " + what + " by this server yet (PutObject, GetObject and HeadObject "
                    + "are).").with("Header", ServerSideEncryption.HEADER);
        }
    }

    /** True when {@code v} was written with SSE-KMS. */
    public static boolean isKms(ObjectVersion v) {
        return AWS_KMS.equals(v.metadata().attribute(ServerSideEncryption.HEADER))
                && v.metadata().attribute(KEY_ID) != null;
    }

    private KmsKey use(S3Request req, String spec, String action, String resource) {
        String caller = req.principal().accountId();
        if (dev.dualkey.gateway.authz.Subject.ANONYMOUS.equals(caller)) {
            // no account to look the key up in (and never an aws/s3 key created for "anonymous"): AWS refuses
            // anonymous SSE-KMS requests
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED, "Anonymous requests cannot use AWS KMS keys ("
                    + action + ")");
        }
        KmsKey key;
        try {
            key = registry.resolve(caller, spec, true);
        } catch (KmsException e) {
            throw kmsError(e);
        }
        check(req, key, action, resource);
        return key;
    }

    private void check(S3Request req, KmsKey key, String action, String resource) {
        try {
            KmsRegistry.requireUsable(key);
        } catch (KmsException e) {
            throw kmsError(e);
        }
        var p = req.principal();
        boolean anonymous = dev.dualkey.gateway.authz.Subject.ANONYMOUS.equals(p.accountId());
        Map<String, String> keys = Map.of("kms:ViaService", "s3." + registry.region() + ".amazonaws.com",
                "kms:CallerAccount", p.accountId(), "kms:EncryptionContext:" + AWS_S3_ARN, resource);
        if (anonymous || !p.accountId().equals(key.accountId())
                || !req.access().allows(new Check(action, key.arn()), keys)) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED, "User: " + p.arn() + " is not authorized to perform: "
                    + action + " on resource: " + key.arn() + " because no identity-based policy allows the "
                    + action + " action");
        }
    }

    static S3Exception kmsError(KmsException e) {
        S3ErrorCode code = switch (e.code()) {
            case "DisabledException" -> S3ErrorCode.KMS_DISABLED;
            case "KMSInvalidStateException" -> S3ErrorCode.KMS_INVALID_STATE;
            default -> S3ErrorCode.KMS_NOT_FOUND;
        };
        return new S3Exception(code, e.getMessage());
    }

    /**
     * The canonical encryption context: the request's (base64 JSON object of strings) with {@code aws:s3:arn}.
     *
     * @return base64 of compact JSON with sorted keys
     */
    static String context(String header, String resource) {
        Map<String, String> ctx = new TreeMap<>();
        if (header != null) {
            JsonNode n;
            try {
                n = JSON.readTree(new String(Base64.getDecoder().decode(header.trim()), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException | JsonProcessingException e) {
                n = null;
            }
            if (n == null || !n.isObject()) {
                throw badContext();
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!f.getValue().isTextual()) {
                    throw badContext();
                }
                ctx.put(f.getKey(), f.getValue().asText());
            }
        }
        String given = ctx.putIfAbsent(AWS_S3_ARN, resource);
        if (given != null && !given.equals(resource)) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "The encryption context key aws:s3:arn must be "
                    + resource).with("ArgumentName", CONTEXT);
        }
        try {
            return Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(ctx));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static S3Exception badContext() {
        return new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "The header '" + CONTEXT + "' shall be Base64-encoded "
                + "UTF-8 string holding JSON which represents a string-string map").with("ArgumentName", CONTEXT);
    }
}

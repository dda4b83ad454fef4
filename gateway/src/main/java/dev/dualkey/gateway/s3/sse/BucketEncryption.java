package dev.dualkey.gateway.s3.sse;

import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.s3.OperationHandler;
import dev.dualkey.gateway.s3.S3Operation;
import dev.dualkey.gateway.s3.S3Replies;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.SmallBody;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.s3.xml.XmlElement;
import dev.dualkey.gateway.s3.xml.XmlWriter;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.model.BucketInfo;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Put/Get/DeleteBucketEncryption: a bucket's default encryption, stored as the {@code encryption} sub-resource in a
 * canonical form ({@code AES256;bucketKey=true|false}, {@code aws:kms;bucketKey=B[;key=KMSMasterKeyID]}).
 *
 * <p>As Amazon S3 since January 2023, every bucket has SSE-S3 as its default: GetBucketEncryption of a bucket that
 * never had one answers the AES256 rule (never ServerSideEncryptionConfigurationNotFoundError), and
 * DeleteBucketEncryption returns the bucket to that default. A rule is AES256 ({@code BucketKeyEnabled} is accepted
 * and echoed; it changes nothing for SSE-S3 in S3 either) or, when SSE-KMS is wired, {@code aws:kms} with an
 * optional {@code KMSMasterKeyID} (stored as given and resolved when an object is written, as S3 does;
 * {@link KmsEncryption}); an {@code aws:kms:dsse} rule (or {@code aws:kms} without the key registry) is refused with
 * NotImplemented rather than recorded and not honoured.
 */
public final class BucketEncryption {
    /** The bucket sub-resource name. */
    public static final String SUBRESOURCE = "encryption";
    private final ObjectStore store;
    private final boolean kms;

    public BucketEncryption(ObjectStore store) {
        this(store, false);
    }

    /**
     * @param kms true when SSE-KMS is wired ({@link KmsEncryption}): {@code aws:kms} rules are accepted; otherwise
     *            they are refused with NotImplemented, never recorded and not honoured
     */
    public BucketEncryption(ObjectStore store, boolean kms) {
        this.store = Objects.requireNonNull(store, "store");
        this.kms = kms;
    }

    /**
     * A bucket's default encryption rule as stored (canonical {@code ALGORITHM;bucketKey=B[;key=SPEC]}, the key
     * last because AWS stores any KMSMasterKeyID string and checks it only when an object is written).
     *
     * @param kmsKeyId the rule's KMSMasterKeyID, or null ({@code aws/s3})
     */
    public record Rule(String algorithm, boolean bucketKey, String kmsKeyId) {
        /** The rule of {@code bucket}: SSE-S3 when it never had one or it was deleted. */
        public static Rule of(BucketInfo bucket) {
            String stored = bucket.config().subresource(SUBRESOURCE);
            if (stored == null) {
                return new Rule(ServerSideEncryption.AES256, false, null);
            }
            String[] f = stored.split(";", 3);
            return new Rule(f[0], f.length > 1 && f[1].equals("bucketKey=true"),
                    f.length > 2 && f[2].startsWith("key=") ? f[2].substring(4) : null);
        }

        String canonical() {
            return algorithm + ";bucketKey=" + bucketKey + (kmsKeyId != null ? ";key=" + kmsKeyId : "");
        }
    }

    /** Registers this class's handlers. */
    public void register(Map<S3Operation, OperationHandler> handlers) {
        handlers.put(S3Operation.GET_BUCKET_ENCRYPTION, r -> SmallBody.exchange(r, (q, b) -> get(q)));
        handlers.put(S3Operation.PUT_BUCKET_ENCRYPTION, r -> SmallBody.exchange(r, this::put));
        handlers.put(S3Operation.DELETE_BUCKET_ENCRYPTION, r -> SmallBody.exchange(r, (q, b) -> delete(q)));
    }

    Reply get(S3Request req) {
        Rule rule = Rule.of(store.headBucket(req.bucket()));
        XmlWriter w = XmlWriter.s3("ServerSideEncryptionConfiguration").start("Rule")
                .start("ApplyServerSideEncryptionByDefault").element("SSEAlgorithm", rule.algorithm());
        if (rule.kmsKeyId() != null) {
            w.element("KMSMasterKeyID", rule.kmsKeyId());
        }
        w.end().element("BucketKeyEnabled", rule.bucketKey()).end();
        return S3Replies.xml(w);
    }

    Reply put(S3Request req, byte[] body) {
        String canonical = parse(body, kms);
        store.updateBucket(req.bucket(), c -> c.withSubresource(SUBRESOURCE, canonical));
        return Reply.status(200);
    }

    Reply delete(S3Request req) {
        store.updateBucket(req.bucket(), c -> c.withSubresource(SUBRESOURCE, null));
        return S3Replies.noContent();
    }

    /** Validates a ServerSideEncryptionConfiguration document; returns its canonical form. */
    static String parse(byte[] body) {
        return parse(body, false);
    }

    /** Validates a ServerSideEncryptionConfiguration document ({@code aws:kms} rules when {@code kms}). */
    static String parse(byte[] body, boolean kms) {
        if (body.length == 0) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        XmlElement root = XmlElement.parse(body);
        if (!root.name().equals("ServerSideEncryptionConfiguration")) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        List<XmlElement> rules = root.children("Rule");
        if (rules.size() != 1 || root.children().size() != 1) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        XmlElement rule = rules.get(0);
        XmlElement byDefault = rule.child("ApplyServerSideEncryptionByDefault")
                .orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_XML));
        String algorithm = byDefault.childText("SSEAlgorithm")
                .orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_XML)).trim();
        boolean kmsKey = byDefault.child("KMSMasterKeyID").isPresent();
        String bucketKeyText = rule.childText("BucketKeyEnabled").map(String::trim).orElse("false");
        if (kms && algorithm.equals(KmsEncryption.AWS_KMS)) { // SSE-KMS (kms branch): any key id, checked on use
            String keyId = byDefault.childText("KMSMasterKeyID").map(String::trim).filter(t -> !t.isEmpty())
                    .orElse(null);
            if (keyId != null && (keyId.length() > 2048 || keyId.chars().anyMatch(c -> c < 0x20))) {
                throw new S3Exception(S3ErrorCode.MALFORMED_XML);
            }
            if (!bucketKeyText.equals("true") && !bucketKeyText.equals("false")) {
                throw new S3Exception(S3ErrorCode.MALFORMED_XML);
            }
            return new Rule(KmsEncryption.AWS_KMS, bucketKeyText.equals("true"), keyId).canonical();
        }
        switch (algorithm) {
            case ServerSideEncryption.AES256 -> {
                if (kmsKey) {
                    throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "a KMSMasterKeyID is not applicable if the "
                            + "default sse algorithm is not aws:kms or aws:kms:dsse");
                }
            }
            case "aws:kms", "aws:kms:dsse" -> throw new S3Exception(S3ErrorCode.NOT_IMPLEMENTED,
                    "Server-side encryption with AWS KMS keys (SSE-KMS) is not implemented by this server; buckets "
                            + "encrypt with SSE-S3 (AES256).").with("Header", "SSEAlgorithm");
            default -> throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        String bucketKey = rule.childText("BucketKeyEnabled").map(String::trim).orElse("false");
        if (!bucketKey.equals("true") && !bucketKey.equals("false")) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        return ServerSideEncryption.AES256 + ";bucketKey=" + bucketKey;
    }
}

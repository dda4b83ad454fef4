package dev.dualkey.gateway.s3.policy;

import dev.dualkey.gateway.authz.PolicyPublicity;
import dev.dualkey.gateway.authz.PublicAccessBlock;
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
import dev.dualkey.mfa.error.MalformedPolicyDocumentException;
import dev.dualkey.mfa.policy.BucketPolicyParser;
import dev.dualkey.mfa.policy.ResourcePolicy;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.model.BucketInfo;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * The bucket policy API (Put/Get/DeleteBucketPolicy, GetBucketPolicyStatus) and the bucket's Public Access Block
 * (Put/Get/DeletePublicAccessBlock), as S3 answers them.
 *
 * <p>Authorization ran before (the action table's {@code s3:PutBucketPolicy}, ...); on top, as S3 documents for
 * the policy operations, a caller outside the bucket owner's account (another account's principal allowed by a
 * policy, or the anonymous caller) gets 405 MethodNotAllowed: only the owning account manages a bucket's policy.
 * Dualkey applies the same to the Public Access Block operations (stricter than S3, which lets a policy grant
 * them across accounts). The policy is validated by mfa's {@link BucketPolicyParser} (S3's MalformedPolicy
 * messages) and stored as sent in {@code BucketConfig.policyJson}; with {@code BlockPublicPolicy} a public policy
 * ({@link PolicyPublicity}) is refused with 403 AccessDenied. {@code x-amz-confirm-remove-self-bucket-access} is
 * accepted: the owning account's root can always manage the policy, so no policy can lock it out.
 */
public final class BucketPolicyOperations {
    private final ObjectStore store;
    private final BucketPolicyParser.KnownPrincipals principals;

    /** @param principals which principals exist (accounts, users), for "Invalid principal in policy" */
    public BucketPolicyOperations(ObjectStore store, BucketPolicyParser.KnownPrincipals principals) {
        this.store = Objects.requireNonNull(store, "store");
        this.principals = Objects.requireNonNull(principals, "principals");
    }

    public void register(Map<S3Operation, OperationHandler> handlers) {
        handlers.put(S3Operation.PUT_BUCKET_POLICY, r -> SmallBody.exchange(r, this::putBucketPolicy));
        handlers.put(S3Operation.GET_BUCKET_POLICY, r -> SmallBody.exchange(r, (q, b) -> getBucketPolicy(q)));
        handlers.put(S3Operation.DELETE_BUCKET_POLICY, r -> SmallBody.exchange(r, (q, b) -> deleteBucketPolicy(q)));
        handlers.put(S3Operation.GET_BUCKET_POLICY_STATUS,
                r -> SmallBody.exchange(r, (q, b) -> getBucketPolicyStatus(q)));
        handlers.put(S3Operation.PUT_PUBLIC_ACCESS_BLOCK, r -> SmallBody.exchange(r, this::putPublicAccessBlock));
        handlers.put(S3Operation.GET_PUBLIC_ACCESS_BLOCK,
                r -> SmallBody.exchange(r, (q, b) -> getPublicAccessBlock(q)));
        handlers.put(S3Operation.DELETE_PUBLIC_ACCESS_BLOCK,
                r -> SmallBody.exchange(r, (q, b) -> deletePublicAccessBlock(q)));
    }

    /** The bucket, after checking that the caller belongs to its owning account (else 405, as S3). */
    private BucketInfo ownedBucket(S3Request req) {
        BucketInfo b = store.headBucket(req.bucket());
        if (!b.ownerAccountId().equals(req.principal().accountId())) {
            throw new S3Exception(S3ErrorCode.METHOD_NOT_ALLOWED).with("Method", req.head().method().name());
        }
        return b;
    }

    Reply putBucketPolicy(S3Request req, byte[] body) {
        ownedBucket(req);
        String document = new String(body, StandardCharsets.UTF_8);
        ResourcePolicy policy;
        try {
            policy = BucketPolicyParser.parse(document, req.bucket(), principals);
        } catch (MalformedPolicyDocumentException e) {
            throw new S3Exception(S3ErrorCode.MALFORMED_POLICY, e.getMessage());
        }
        boolean publicPolicy = PolicyPublicity.isPublic(policy);
        store.updateBucket(req.bucket(), c -> {
            if (publicPolicy && PublicAccessBlock.of(c).blockPublicPolicy()) {
                throw new S3Exception(S3ErrorCode.ACCESS_DENIED); // checked and written in one update
            }
            return c.withPolicyJson(document);
        });
        return S3Replies.noContent();
    }

    Reply getBucketPolicy(S3Request req) {
        String doc = ownedBucket(req).config().policyJson();
        if (doc == null) {
            throw new S3Exception(S3ErrorCode.NO_SUCH_BUCKET_POLICY).with("BucketName", req.bucket());
        }
        return Reply.status(200).body(doc.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    Reply deleteBucketPolicy(S3Request req) {
        ownedBucket(req);
        store.updateBucket(req.bucket(), c -> c.withPolicyJson(null));
        return S3Replies.noContent();
    }

    Reply getBucketPolicyStatus(S3Request req) {
        BucketInfo b = ownedBucket(req);
        String doc = b.config().policyJson();
        if (doc == null) {
            throw new S3Exception(S3ErrorCode.NO_SUCH_BUCKET_POLICY).with("BucketName", req.bucket());
        }
        boolean isPublic;
        try {
            isPublic = PolicyPublicity.isPublic(
                    BucketPolicyParser.parse(doc, b.name(), BucketPolicyParser.KnownPrincipals.ANY));
        } catch (MalformedPolicyDocumentException e) {
            isPublic = false; // an unreadable stored policy allows nothing (the authorizer fails closed)
        }
        return S3Replies.xml(XmlWriter.s3("PolicyStatus").element("IsPublic", Boolean.toString(isPublic)));
    }

    Reply putPublicAccessBlock(S3Request req, byte[] body) {
        ownedBucket(req);
        PublicAccessBlock pab = parsePublicAccessBlock(body);
        store.updateBucket(req.bucket(), c -> c.withSubresource(PublicAccessBlock.SUBRESOURCE, pab.toDocument()));
        return Reply.status(200);
    }

    Reply getPublicAccessBlock(S3Request req) {
        BucketInfo b = ownedBucket(req);
        if (!PublicAccessBlock.configured(b.config())) {
            throw new S3Exception(S3ErrorCode.NO_SUCH_PUBLIC_ACCESS_BLOCK_CONFIGURATION)
                    .with("BucketName", req.bucket());
        }
        return Reply.status(200).body(PublicAccessBlock.of(b.config()).toDocument().getBytes(StandardCharsets.UTF_8),
                "application/xml");
    }

    Reply deletePublicAccessBlock(S3Request req) {
        ownedBucket(req);
        store.updateBucket(req.bucket(), c -> c.withSubresource(PublicAccessBlock.SUBRESOURCE, null));
        return S3Replies.noContent();
    }

    /**
     * {@code <PublicAccessBlockConfiguration>} with any of its four elements ({@code true}/{@code false}, absent
     * = false, as S3); anything else is MalformedXML.
     */
    static PublicAccessBlock parsePublicAccessBlock(byte[] body) {
        XmlElement root = XmlElement.parse(body);
        if (!root.name().equals("PublicAccessBlockConfiguration")) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        for (XmlElement child : root.children()) {
            switch (child.name()) {
                case "BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets" -> {
                    String v = child.text().trim();
                    if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                        throw new S3Exception(S3ErrorCode.MALFORMED_XML);
                    }
                    if (root.children(child.name()).size() > 1) {
                        throw new S3Exception(S3ErrorCode.MALFORMED_XML);
                    }
                }
                default -> throw new S3Exception(S3ErrorCode.MALFORMED_XML);
            }
        }
        return new PublicAccessBlock(flag(root, "BlockPublicAcls"), flag(root, "IgnorePublicAcls"),
                flag(root, "BlockPublicPolicy"), flag(root, "RestrictPublicBuckets"));
    }

    private static boolean flag(XmlElement root, String name) {
        return root.childText(name).map(v -> v.trim().equalsIgnoreCase("true")).orElse(false);
    }
}

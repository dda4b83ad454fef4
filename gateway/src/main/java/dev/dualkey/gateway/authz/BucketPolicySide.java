package dev.dualkey.gateway.authz;

import dev.dualkey.gateway.identity.CanonicalIds;
import dev.dualkey.mfa.policy.Effect;
import dev.dualkey.mfa.policy.Principals;
import dev.dualkey.mfa.policy.RequestContext;
import dev.dualkey.mfa.policy.ResourcePolicy;
import dev.dualkey.mfa.policy.ResourceStatement;
import dev.dualkey.storage.model.BucketInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The bucket policy part of the bucket owner's side ({@link AccountAuthorizer}): evaluates the bucket's stored
 * policy for one request, principal included.
 *
 * <p>Whom a statement names, for a caller (AWS's resource-policy rules):
 * <ul>
 *   <li>{@code *} / {@code {"AWS":"*"}}: every caller, anonymous included ({@link Grant#CALLER});</li>
 *   <li>the caller's own user ARN, or for a root caller its account (id, root ARN, canonical id):
 *       {@link Grant#CALLER};</li>
 *   <li>an IAM user's account (id, root ARN, canonical id): {@link Grant#ACCOUNT} — the account delegates, so its
 *       identity policy must allow too, within the owning account as across accounts;</li>
 *   <li>{@code NotPrincipal}: every caller the element does not name. An IAM user counts as named only when both
 *       the user and its account are listed (AWS evaluates the request as both); the anonymous caller when
 *       {@code *} is listed.</li>
 * </ul>
 * A matching Deny is {@link Grant#DENY}. {@code RestrictPublicBuckets} with a public policy voids every Allow for
 * callers outside the owning account. Condition keys are the request's ({@link RequestContextBuilder}); for a
 * policy that mentions {@code s3:ExistingObjectTag/<key>}, the addressed version's tags are read (and only then),
 * and {@code s3:RequestObjectTagKeys} is derived from the request's {@code s3:RequestObjectTag/<key>} keys.
 */
public final class BucketPolicySide {
    /** The policy's verdict for one request. */
    public enum Grant {
        /** A matching Deny names the caller. */
        DENY,
        /** A matching Allow names the caller itself (or everyone). */
        CALLER,
        /** A matching Allow names only the caller's account. */
        ACCOUNT,
        /** No statement applies (or the bucket has no policy). */
        NONE
    }

    /** The tags of one object version, for {@code s3:ExistingObjectTag/<key>}. */
    @FunctionalInterface
    public interface ExistingTags {
        /** Tags of {@code key}'s version {@code versionId} (null: latest); empty when there is none. */
        Map<String, String> of(String bucket, String key, String versionId);

        ExistingTags NONE = (b, k, v) -> Map.of();
    }

    private static final String EXISTING_TAG = "s3:ExistingObjectTag/";
    private static final String REQUEST_TAG = "s3:RequestObjectTag/";

    private final BucketPolicies policies;
    private final ExistingTags existingTags;

    public BucketPolicySide(BucketPolicies policies, ExistingTags existingTags) {
        this.policies = Objects.requireNonNull(policies, "policies");
        this.existingTags = Objects.requireNonNull(existingTags, "existingTags");
    }

    public Grant evaluate(AuthzRequest request, BucketInfo bucket) {
        String doc = bucket.config().policyJson();
        if (doc == null) {
            return Grant.NONE;
        }
        Optional<ResourcePolicy> parsed = policies.parse(bucket.name(), doc);
        if (parsed.isEmpty()) {
            return Grant.DENY; // fail closed on an unreadable stored policy
        }
        ResourcePolicy policy = parsed.get();
        Subject subject = request.subject();
        boolean ownerAccount = !subject.isAnonymous() && subject.accountId().equals(bucket.ownerAccountId());
        boolean restricted = !ownerAccount && PublicAccessBlock.of(bucket.config()).restrictPublicBuckets()
                && PolicyPublicity.isPublic(policy);
        RequestContext context = context(request, policy, bucket.name());
        boolean caller = false;
        boolean account = false;
        for (ResourceStatement s : policy.statements()) {
            if (!s.matches(context)) {
                continue;
            }
            Grant named = names(s, subject);
            if (named == Grant.NONE) {
                continue;
            }
            if (s.statement().effect() == Effect.DENY) {
                return Grant.DENY;
            }
            if (restricted) {
                continue;
            }
            if (named == Grant.CALLER) {
                caller = true;
            } else {
                account = true;
            }
        }
        return caller ? Grant.CALLER : account ? Grant.ACCOUNT : Grant.NONE;
    }

    /** Whom of {@code subject} the statement names: CALLER, ACCOUNT or NONE. */
    static Grant names(ResourceStatement s, Subject subject) {
        Grant direct = named(s.principal(), subject);
        if (!s.notPrincipal()) {
            return direct;
        }
        boolean excluded;
        if (subject.isAnonymous() || subject.root()) {
            excluded = direct == Grant.CALLER;
        } else {
            excluded = direct == Grant.CALLER && namesAccount(s.principal(), subject.accountId());
        }
        return excluded ? Grant.NONE : Grant.CALLER;
    }

    private static Grant named(Principals p, Subject subject) {
        if (p.everyone()) {
            return Grant.CALLER;
        }
        if (subject.isAnonymous()) {
            return Grant.NONE;
        }
        if (!subject.root() && p.arns().contains(subject.arn())) {
            return Grant.CALLER;
        }
        if (namesAccount(p, subject.accountId())) {
            return subject.root() ? Grant.CALLER : Grant.ACCOUNT;
        }
        return Grant.NONE;
    }

    private static boolean namesAccount(Principals p, String accountId) {
        return p.arns().contains("arn:aws:iam::" + accountId + ":root")
                || p.canonicalIds().contains(CanonicalIds.of(accountId));
    }

    private RequestContext context(AuthzRequest request, ResourcePolicy policy, String bucket) {
        Map<String, String> keys = new HashMap<>(request.keys());
        List<String> tagKeys = new ArrayList<>();
        for (String k : request.keys().keySet()) {
            if (k.regionMatches(true, 0, REQUEST_TAG, 0, REQUEST_TAG.length())) {
                tagKeys.add(k.substring(REQUEST_TAG.length()));
            }
        }
        if (policy.mentionsKeyPrefix(EXISTING_TAG) && request.resource().startsWith(Arns.S3 + bucket + "/")) {
            String key = request.resource().substring((Arns.S3 + bucket + "/").length());
            existingTags.of(bucket, key, request.key("s3:VersionId"))
                    .forEach((k, v) -> keys.put(EXISTING_TAG + k, v));
        }
        Map<String, List<String>> multi = tagKeys.isEmpty() ? Map.of()
                : Map.of("s3:RequestObjectTagKeys", tagKeys);
        return new RequestContext(request.action(), request.resource(), keys, multi);
    }
}

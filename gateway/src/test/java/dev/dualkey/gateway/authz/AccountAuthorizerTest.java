package dev.dualkey.gateway.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.mfa.policy.Decision;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Without bucket policies or ACL grants: the account boundary, root, then identity policies. */
class AccountAuthorizerTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T07:30:00Z"), ZoneOffset.UTC);
    private static final String MINE = "111111111111";
    private static final String OTHER = "222222222222";
    private final Map<String, String> owners = Map.of("alpha", MINE);
    private final List<AuthzRequest> evaluated = new ArrayList<>();
    private final AccountAuthorizer authz = authorizer(b -> Optional.ofNullable(owners.get(b)), r -> {
        evaluated.add(r);
        return Decision.ALLOW;
    });

    /** The pipeline over buckets that have only an owner (no policy, owner-only ACL). */
    static AccountAuthorizer authorizer(java.util.function.Function<String, Optional<String>> owner,
                                        IdentityPolicies policies) {
        return new AccountAuthorizer(b -> owner.apply(b).map(o -> new dev.dualkey.storage.model.BucketInfo(b, o,
                Instant.EPOCH, "us-east-1", dev.dualkey.storage.model.BucketConfig.initial())), policies,
                new BucketPolicySide(new BucketPolicies(8), BucketPolicySide.ExistingTags.NONE), AclSide.OWNER_ONLY);
    }

    private Decision decide(Principal p, String action, String resource) {
        return authz.decide(RequestContextBuilder.of(Subject.of(p), CLOCK).build(new Check(action, resource)));
    }

    @Test
    void anotherAccountsBucketIsDeniedWhateverThePolicies() {
        assertEquals(Decision.IMPLICIT_DENY, decide(Principal.root(OTHER), "s3:GetObject", "arn:aws:s3:::alpha/k"));
        assertEquals(Decision.IMPLICIT_DENY, decide(Principal.user(OTHER, "eve"), "s3:ListBucket", "arn:aws:s3:::alpha"));
        assertEquals(List.of(), evaluated, "policies are never asked across the boundary");
    }

    @Test
    void anotherAccountsIamResourcesAreDenied() {
        assertEquals(Decision.IMPLICIT_DENY, decide(Principal.user(OTHER, "eve"), "iam:CreateAccessKey",
                "arn:aws:iam::" + MINE + ":user/admin"));
        assertEquals(Decision.ALLOW, decide(Principal.user(MINE, "bob"), "iam:CreateAccessKey",
                "arn:aws:iam::" + MINE + ":user/bob"));
    }

    @Test
    void rootOfTheOwnerIsAllowedWithoutPolicies() {
        assertEquals(Decision.ALLOW, decide(Principal.root(MINE), "s3:DeleteObjectVersion", "arn:aws:s3:::alpha/k"));
        assertEquals(List.of(), evaluated);
    }

    @Test
    void usersGoToTheirPoliciesWithTheWholeContext() {
        assertEquals(Decision.ALLOW, decide(Principal.user(MINE, "bob"), "s3:GetObject", "arn:aws:s3:::alpha/k"));
        assertEquals(1, evaluated.size());
        assertEquals("bob", evaluated.get(0).key("aws:username"));
        assertEquals("arn:aws:s3:::alpha/k", evaluated.get(0).resource());
    }

    @Test
    void createBucketAndMissingBucketsAreJudgedOnPolicies() {
        assertEquals(Decision.ALLOW, decide(Principal.user(OTHER, "eve"), "s3:CreateBucket", "arn:aws:s3:::alpha"));
        assertEquals(Decision.ALLOW, decide(Principal.user(OTHER, "eve"), "s3:ListBucket", "arn:aws:s3:::nothere"));
        assertEquals(Decision.ALLOW, decide(Principal.user(OTHER, "eve"), "s3:ListAllMyBuckets", "*"));
        assertEquals(3, evaluated.size());
    }

    @Test
    void explicitDenyFromPoliciesStands() {
        AccountAuthorizer deny = authorizer(b -> Optional.of(MINE), r -> Decision.EXPLICIT_DENY);
        assertEquals(Decision.EXPLICIT_DENY, deny.decide(RequestContextBuilder.of(
                Subject.of(Principal.user(MINE, "bob")), CLOCK).build(new Check("s3:GetObject", "arn:aws:s3:::a/k"))));
    }
}

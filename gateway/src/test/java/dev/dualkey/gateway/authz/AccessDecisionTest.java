package dev.dualkey.gateway.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.gateway.identity.CanonicalIds;
import dev.dualkey.mfa.policy.Decision;
import dev.dualkey.storage.model.BucketConfig;
import dev.dualkey.storage.model.BucketInfo;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The one decision across identity policies, bucket policies, ACLs and Public Access Block, case by case as AWS's
 * "Policy evaluation logic" states them (same account, cross-account, anonymous, explicit deny, root lockout).
 */
class AccessDecisionTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC);
    private static final String OWNER = "111111111111";
    private static final String OTHER = "222222222222";
    private static final String OBJ = "arn:aws:s3:::b/k";

    private final Map<String, Decision> userPolicies = new HashMap<>(); // user arn -> identity decision
    private final List<String> tagReads = new ArrayList<>();
    private BucketConfig config = BucketConfig.initial();
    private AclSide acl = AclSide.OWNER_ONLY;

    private Decision decide(Subject s, String action, String resource) {
        return decide(s, action, resource, Map.of());
    }

    private Decision decide(Subject s, String action, String resource, Map<String, String> keys) {
        BucketInfo bucket = new BucketInfo("b", OWNER, Instant.EPOCH, "us-east-1", config);
        AccountAuthorizer a = new AccountAuthorizer(n -> n.equals("b") ? Optional.of(bucket) : Optional.empty(),
                r -> userPolicies.getOrDefault(r.subject().arn(), Decision.IMPLICIT_DENY),
                new BucketPolicySide(new BucketPolicies(8), (b, k, v) -> {
                    tagReads.add(k);
                    return Map.of("class", "public");
                }), (r, b) -> acl.grant(r, b));
        return a.decide(RequestContextBuilder.of(s, CLOCK).keys(keys).build(new Check(action, resource)));
    }

    private void policy(String statements) {
        config = config.withPolicyJson("{\"Version\":\"2012-10-17\",\"Statement\":[" + statements + "]}");
    }

    private static Subject user(String account, String name) {
        return Subject.of(Principal.user(account, name));
    }

    private static Subject root(String account) {
        return Subject.of(Principal.root(account));
    }

    @Test
    void crossAccountNeedsBothSides() {
        Subject bob = user(OTHER, "bob");
        assertEquals(Decision.IMPLICIT_DENY, decide(bob, "s3:GetObject", OBJ), "no grant from the owner");
        policy("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + OTHER + "\"},\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::b/*\"}");
        assertEquals(Decision.IMPLICIT_DENY, decide(bob, "s3:GetObject", OBJ), "bob's own account did not allow");
        userPolicies.put(bob.arn(), Decision.ALLOW);
        assertEquals(Decision.ALLOW, decide(bob, "s3:GetObject", OBJ));
        assertEquals(Decision.IMPLICIT_DENY, decide(bob, "s3:PutObject", OBJ), "the policy grants reads only");
        assertEquals(Decision.ALLOW, decide(root(OTHER), "s3:GetObject", OBJ), "the other root needs no policy");
        userPolicies.put(bob.arn(), Decision.EXPLICIT_DENY);
        assertEquals(Decision.EXPLICIT_DENY, decide(bob, "s3:GetObject", OBJ));
    }

    @Test
    void withinTheAccountAUserGrantSufficesAnAccountGrantDelegates() {
        Subject alice = user(OWNER, "alice");
        assertEquals(Decision.IMPLICIT_DENY, decide(alice, "s3:GetObject", OBJ));
        policy("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + OWNER + ":root\"},"
                + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}");
        assertEquals(Decision.IMPLICIT_DENY, decide(alice, "s3:GetObject", OBJ), "the account grant delegates");
        policy("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + alice.arn() + "\"},"
                + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}");
        assertEquals(Decision.ALLOW, decide(alice, "s3:GetObject", OBJ), "a grant naming the user suffices");
        userPolicies.put(alice.arn(), Decision.EXPLICIT_DENY);
        assertEquals(Decision.EXPLICIT_DENY, decide(alice, "s3:GetObject", OBJ), "her own Deny still wins");
    }

    @Test
    void anonymousOnlyThroughEveryone() {
        Subject anon = Subject.anonymous();
        assertEquals(Decision.IMPLICIT_DENY, decide(anon, "s3:GetObject", OBJ));
        assertEquals(Decision.IMPLICIT_DENY, decide(anon, "s3:ListAllMyBuckets", "*"));
        assertEquals(Decision.IMPLICIT_DENY, decide(anon, "s3:CreateBucket", "arn:aws:s3:::new"));
        assertEquals(Decision.IMPLICIT_DENY, decide(anon, "iam:ListUsers", "*"));
        policy("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + OTHER + "\"},\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::b/*\"}");
        assertEquals(Decision.IMPLICIT_DENY, decide(anon, "s3:GetObject", OBJ));
        policy("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::b/*\"}");
        assertEquals(Decision.ALLOW, decide(anon, "s3:GetObject", OBJ));
        assertEquals(Decision.IMPLICIT_DENY, decide(anon, "s3:DeleteObject", OBJ));
        assertEquals(Decision.IMPLICIT_DENY, decide(anon, "s3:GetObject", "arn:aws:s3:::nothere/k"));
    }

    @Test
    void anAclGrantToEveryoneAllowsAnonymous() {
        acl = (r, b) -> AclSide.Grant.CALLER;
        assertEquals(Decision.ALLOW, decide(Subject.anonymous(), "s3:GetObject", OBJ));
        acl = (r, b) -> AclSide.Grant.ACCOUNT;
        assertEquals(Decision.IMPLICIT_DENY, decide(user(OTHER, "bob"), "s3:GetObject", OBJ));
        userPolicies.put(user(OTHER, "bob").arn(), Decision.ALLOW);
        assertEquals(Decision.ALLOW, decide(user(OTHER, "bob"), "s3:GetObject", OBJ));
    }

    @Test
    void policyDenyBindsTheOwnersRootExceptForThePolicyItself() {
        policy("{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::b\","
                + "\"arn:aws:s3:::b/*\"]}");
        assertEquals(Decision.EXPLICIT_DENY, decide(root(OWNER), "s3:GetObject", OBJ));
        assertEquals(Decision.EXPLICIT_DENY, decide(root(OWNER), "s3:PutBucketVersioning", "arn:aws:s3:::b"));
        for (String a : List.of("s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy")) {
            assertEquals(Decision.ALLOW, decide(root(OWNER), a, "arn:aws:s3:::b"), a);
            assertEquals(Decision.EXPLICIT_DENY, decide(user(OWNER, "alice"), a, "arn:aws:s3:::b"), a);
        }
    }

    @Test
    void denyWithoutMfaForSessionsAndKeys() {
        policy("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + OTHER + "\"},\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::b/*\"},{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\","
                + "\"Resource\":\"arn:aws:s3:::b/*\",\"Condition\":{\"BoolIfExists\":"
                + "{\"aws:MultiFactorAuthPresent\":\"false\"}}}");
        Subject keys = root(OTHER);
        Subject session = new Subject(OTHER, "root", true, keys.arn(), OTHER, true, null);
        Subject mfa = new Subject(OTHER, "root", true, keys.arn(), OTHER, true, CLOCK.instant().minusSeconds(60));
        assertEquals(Decision.EXPLICIT_DENY, decide(keys, "s3:GetObject", OBJ), "long-term keys: key absent");
        assertEquals(Decision.EXPLICIT_DENY, decide(session, "s3:GetObject", OBJ));
        assertEquals(Decision.ALLOW, decide(mfa, "s3:GetObject", OBJ));
    }

    @Test
    void restrictPublicBucketsLimitsAPublicPolicyToTheOwnersAccount() {
        policy("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::b/*\"}");
        Subject alice = user(OWNER, "alice");
        assertEquals(Decision.ALLOW, decide(Subject.anonymous(), "s3:GetObject", OBJ));
        config = config.withSubresource(PublicAccessBlock.SUBRESOURCE,
                new PublicAccessBlock(false, false, false, true).toDocument());
        assertEquals(Decision.IMPLICIT_DENY, decide(Subject.anonymous(), "s3:GetObject", OBJ));
        assertEquals(Decision.IMPLICIT_DENY, decide(root(OTHER), "s3:GetObject", OBJ));
        assertEquals(Decision.ALLOW, decide(alice, "s3:GetObject", OBJ), "the owner's users keep the grant");
    }

    @Test
    void canonicalUserPrincipalNamesTheAccount() {
        policy("{\"Effect\":\"Allow\",\"Principal\":{\"CanonicalUser\":\"" + CanonicalIds.of(OTHER) + "\"},"
                + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}");
        assertEquals(Decision.ALLOW, decide(root(OTHER), "s3:GetObject", OBJ));
        assertEquals(Decision.IMPLICIT_DENY, decide(user(OTHER, "bob"), "s3:GetObject", OBJ));
    }

    @Test
    void notPrincipalDenyExcludesOnlyWhomItNames() {
        Subject alice = user(OWNER, "alice");
        userPolicies.put(alice.arn(), Decision.ALLOW);
        userPolicies.put(user(OWNER, "mallory").arn(), Decision.ALLOW);
        policy("{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":[\"" + alice.arn() + "\",\"arn:aws:iam::" + OWNER
                + ":root\"]},\"Action\":\"s3:DeleteObject\",\"Resource\":\"arn:aws:s3:::b/*\"}");
        assertEquals(Decision.ALLOW, decide(alice, "s3:DeleteObject", OBJ));
        assertEquals(Decision.EXPLICIT_DENY, decide(user(OWNER, "mallory"), "s3:DeleteObject", OBJ));
        assertEquals(Decision.EXPLICIT_DENY, decide(Subject.anonymous(), "s3:DeleteObject", OBJ));
    }

    @Test
    void existingObjectTagsAreReadOnlyForAPolicyThatMentionsThem() {
        policy("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::b/*\"}");
        decide(Subject.anonymous(), "s3:GetObject", OBJ);
        assertEquals(List.of(), tagReads);
        policy("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::b/*\",\"Condition\":{\"StringEquals\":"
                + "{\"s3:ExistingObjectTag/class\":\"public\"}}}");
        assertEquals(Decision.ALLOW, decide(Subject.anonymous(), "s3:GetObject", OBJ));
        assertEquals(List.of("k"), tagReads);
    }

    @Test
    void requestTagsAndTheirKeys() {
        policy("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:PutObject\","
                + "\"Resource\":\"arn:aws:s3:::b/*\",\"Condition\":{\"ForAllValues:StringEquals\":"
                + "{\"s3:RequestObjectTagKeys\":[\"team\"]},\"StringEquals\":{\"s3:RequestObjectTag/team\":\"x\"}}}");
        assertEquals(Decision.ALLOW, decide(Subject.anonymous(), "s3:PutObject", OBJ,
                Map.of("s3:RequestObjectTag/team", "x")));
        assertEquals(Decision.IMPLICIT_DENY, decide(Subject.anonymous(), "s3:PutObject", OBJ,
                Map.of("s3:RequestObjectTag/team", "x", "s3:RequestObjectTag/other", "y")));
    }

    @Test
    void sourceIpAndNumericKeys() {
        policy("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:ListBucket\","
                + "\"Resource\":\"arn:aws:s3:::b\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"2001:db8::/32\"},"
                + "\"NumericLessThanEquals\":{\"s3:max-keys\":\"10\"}}}");
        assertEquals(Decision.ALLOW, decide(Subject.anonymous(), "s3:ListBucket", "arn:aws:s3:::b",
                Map.of("aws:SourceIp", "2001:db8::1", "s3:max-keys", "10")));
        assertEquals(Decision.IMPLICIT_DENY, decide(Subject.anonymous(), "s3:ListBucket", "arn:aws:s3:::b",
                Map.of("aws:SourceIp", "2001:db9::1", "s3:max-keys", "10")));
        assertEquals(Decision.IMPLICIT_DENY, decide(Subject.anonymous(), "s3:ListBucket", "arn:aws:s3:::b",
                Map.of("aws:SourceIp", "2001:db8::1", "s3:max-keys", "1000")));
    }

    @Test
    void anUnreadableStoredPolicyFailsClosed() {
        config = config.withPolicyJson("{not json");
        assertEquals(Decision.EXPLICIT_DENY, decide(root(OWNER), "s3:GetObject", OBJ));
        assertEquals(Decision.ALLOW, decide(root(OWNER), "s3:DeleteBucketPolicy", "arn:aws:s3:::b"));
    }
}

package dev.dualkey.mfa.identity;

import static dev.dualkey.mfa.testing.MfaFixture.ACTOR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.mfa.error.LimitExceededException;
import dev.dualkey.mfa.error.MalformedPolicyDocumentException;
import dev.dualkey.mfa.policy.Decision;
import dev.dualkey.mfa.store.Keys;
import dev.dualkey.mfa.store.MfaStore;
import dev.dualkey.mfa.testing.MfaFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PutUserPolicy's quota (IAM: a user's inline policies together at most 2,048 characters, whitespace not
 * counted), and authorization over every stored policy: none truncated, an unreadable one denies.
 */
class InlinePolicyQuotaTest {
    @TempDir
    Path dir;
    MfaFixture f;
    IdentityService ids;
    String acct;
    Caller alice;

    @BeforeEach
    void open() {
        f = new MfaFixture(dir);
        ids = f.mfa.identity();
        acct = ids.bootstrap(null, null, null).account().accountId();
        IamUser u = ids.createUser(ACTOR, acct, null, "Alice", null);
        alice = new Caller(acct, u.userName(), u.userId(), u.arn(), false);
    }

    @AfterEach
    void close() {
        f.close();
    }

    /** A valid policy of exactly {@code size} characters without whitespace. */
    private static String policyOfSize(int size, String bucket) {
        String head = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::" + bucket + "/";
        String tail = "\"}}";
        return head + "k".repeat(size - head.length() - tail.length()) + tail;
    }

    @Test
    void aUsersInlinePoliciesTogetherStayWithin2048Characters() {
        ids.putUserPolicy(ACTOR, acct, "alice", "a", policyOfSize(1000, "a"));
        ids.putUserPolicy(ACTOR, acct, "alice", "b", policyOfSize(1048, "b"));
        LimitExceededException e = assertThrows(LimitExceededException.class,
                () -> ids.putUserPolicy(ACTOR, acct, "alice", "c", policyOfSize(120, "c")));
        assertEquals("Maximum policy size of 2048 bytes exceeded for user Alice", e.getMessage());
        assertEquals("LimitExceeded", e.code());
        assertEquals(List.of("a", "b"), ids.listUserPolicies(acct, "alice", null, null).items());
        // replacing a policy counts its new size instead of the old one
        ids.putUserPolicy(ACTOR, acct, "alice", "b", policyOfSize(1048, "bb"));
        assertThrows(LimitExceededException.class,
                () -> ids.putUserPolicy(ACTOR, acct, "alice", "b", policyOfSize(1049, "b")));
        // whitespace is not counted
        ids.deleteUserPolicy(ACTOR, acct, "alice", "b");
        String spaced = policyOfSize(1048, "b").replace("\",\"", "\" ,\n\t \"").replace("\":\"", "\" : \"")
                .replace("{", "{\n  ");
        ids.putUserPolicy(ACTOR, acct, "alice", "b", spaced);
        assertEquals(2048, ids.accountSummary(acct).get("UserPolicySizeQuota"));
        // another user has a quota of its own
        ids.createUser(ACTOR, acct, null, "bob", null);
        ids.putUserPolicy(ACTOR, acct, "bob", "a", policyOfSize(2048, "x"));
    }

    @Test
    void everyStoredPolicyIsEvaluatedAndAnUnreadableOneDenies() {
        MfaStore store = f.mfa.store();
        String arn = "arn:aws:s3:::data/k";
        // written directly, as an older build without the quota could have: 200 policies, the Deny last
        for (int i = 0; i < 200; i++) {
            String doc = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
                    + "\"Resource\":\"arn:aws:s3:::data/*\"}}";
            store.userPolicies().put(Keys.of(acct, "alice", String.format("p%03d", i)), doc);
        }
        assertEquals(Decision.ALLOW, ids.authorize(alice, "s3:GetObject", arn, Map.of()));
        store.userPolicies().put(Keys.of(acct, "alice", "zzz"), "{\"Version\":\"2012-10-17\",\"Statement\":"
                + "{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}");
        assertEquals(Decision.EXPLICIT_DENY, ids.authorize(alice, "s3:GetObject", arn, Map.of()));
        store.userPolicies().delete(Keys.of(acct, "alice", "zzz"));
        assertEquals(Decision.ALLOW, ids.authorize(alice, "s3:GetObject", arn, Map.of()));
        // a stored document today's parser refuses must not be skipped: it could hold a Deny
        store.userPolicies().put(Keys.of(acct, "alice", "legacy"), "{\"Statement\":{\"Effect\":\"Deny\","
                + "\"Action\":\"s3:*\",\"Resource\":\"foo\"}}");
        assertEquals(Decision.EXPLICIT_DENY, ids.authorize(alice, "s3:GetObject", arn, Map.of()));
        assertThrows(MalformedPolicyDocumentException.class, () -> ids.putUserPolicy(ACTOR, acct, "alice", "n",
                "{\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"foo\"}}"));
    }

    @Test
    void multivaluedKeysReachTheEvaluator() {
        ids.putUserPolicy(ACTOR, acct, "alice", "tags", "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":"
                + "\"Allow\",\"Action\":\"iam:TagUser\",\"Resource\":\"*\",\"Condition\":{\"ForAllValues:StringEquals\":"
                + "{\"aws:TagKeys\":[\"team\",\"env\"]}}}}");
        String user = ids.userArn(acct, "alice");
        assertEquals(Decision.ALLOW, ids.authorize(alice, "iam:TagUser", user, Map.of(),
                Map.of("aws:TagKeys", List.of("team"))));
        assertEquals(Decision.IMPLICIT_DENY, ids.authorize(alice, "iam:TagUser", user, Map.of(),
                Map.of("aws:TagKeys", List.of("team", "owner"))));
    }
}

package dev.dualkey.mfa.identity;

import static dev.dualkey.mfa.testing.MfaFixture.ACTOR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.mfa.error.DeleteConflictException;
import dev.dualkey.mfa.error.EntityAlreadyExistsException;
import dev.dualkey.mfa.error.InvalidInputException;
import dev.dualkey.mfa.error.LimitExceededException;
import dev.dualkey.mfa.error.MalformedPolicyDocumentException;
import dev.dualkey.mfa.error.NoSuchEntityException;
import dev.dualkey.mfa.error.PasswordPolicyViolationException;
import dev.dualkey.mfa.error.ValidationException;
import dev.dualkey.mfa.policy.Decision;
import dev.dualkey.mfa.testing.MfaFixture;
import dev.dualkey.mfa.validate.Page;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityServiceTest {
    @TempDir
    Path dir;
    MfaFixture f;
    IdentityService ids;
    String acct;

    @BeforeEach
    void open() {
        f = new MfaFixture(dir);
        ids = f.mfa.identity();
        acct = ids.bootstrap(null, null, null).account().accountId();
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void bootstrapGeneratesRootCredentialsOnceAndIsIdempotentAcrossRestarts() {
        f.close();
        f = new MfaFixture(dir);
        BootstrapResult again = f.mfa.identity().bootstrap(null, null, null);
        assertFalse(again.created());
        assertEquals(acct, again.account().accountId());
        assertTrue(again.generatedAccessKey().isEmpty());
        assertTrue(again.generatedRootPassword().isEmpty());
        assertEquals(1, f.mfa.identity().listAccounts().size());
    }

    @Test
    void bootstrapWithGivenValues(@TempDir Path other) {
        try (MfaFixture g = new MfaFixture(other)) {
            BootstrapResult r = g.mfa.identity().bootstrap("AKIAEXAMPLEROOT00001", "s3cr3t/Key+Example0000000000000000000000",
                    "Root-Pass-123");
            assertTrue(r.created());
            assertTrue(r.generatedAccessKey().isEmpty(), "given key is not echoed");
            assertTrue(r.generatedRootPassword().isEmpty());
            ResolvedAccessKey k = g.mfa.identity().findAccessKey("AKIAEXAMPLEROOT00001").orElseThrow();
            assertEquals("s3cr3t/Key+Example0000000000000000000000", k.secretAccessKey());
            assertTrue(k.caller().root());
            assertEquals("arn:aws:iam::" + r.account().accountId() + ":root", k.caller().arn());
            assertTrue(g.mfa.identity().checkPassword(r.account().accountId(), "root", "Root-Pass-123").matches());
        }
    }

    @Test
    void generatedRootKeyAndPasswordWork(@TempDir Path other) {
        try (MfaFixture g = new MfaFixture(other)) {
            BootstrapResult r = g.mfa.identity().bootstrap(null, null, null);
            NewAccessKey key = r.generatedAccessKey().orElseThrow();
            assertTrue(key.accessKeyId().matches("AKIA[A-Z0-9]{16}"), key.accessKeyId());
            assertTrue(key.secretAccessKey().matches("[A-Za-z0-9+/]{40}"));
            assertTrue(r.account().accountId().matches("[0-9]{12}"));
            assertEquals(key.secretAccessKey(), g.mfa.identity().findAccessKey(key.accessKeyId()).orElseThrow()
                    .secretAccessKey());
            assertTrue(g.mfa.identity().checkPassword(r.account().accountId(), "root",
                    r.generatedRootPassword().orElseThrow()).matches());
        }
    }

    @Test
    void usersAreUniqueCaseInsensitivelyAndRootIsReserved() {
        IamUser alice = ids.createUser(ACTOR, acct, "/team/", "Alice", Map.of("dept", "ops"));
        assertTrue(alice.userId().matches("AIDA[A-Z0-9]{17}"));
        assertEquals("arn:aws:iam::" + acct + ":user/team/Alice", alice.arn());
        assertThrows(EntityAlreadyExistsException.class, () -> ids.createUser(ACTOR, acct, null, "alice", null));
        assertEquals("Alice", ids.getUser(acct, "ALICE").userName());
        InvalidInputException reserved = assertThrows(InvalidInputException.class,
                () -> ids.createUser(ACTOR, acct, null, "Root", null));
        assertTrue(reserved.getMessage().contains("reserved"));
        NoSuchEntityException missing = assertThrows(NoSuchEntityException.class, () -> ids.getUser(acct, "bob"));
        assertEquals("The user with name bob cannot be found.", missing.getMessage());
        assertEquals(404, missing.httpStatus());
        assertEquals("NoSuchEntity", missing.code());
    }

    @Test
    void validationErrorsUseAwsWording() {
        ValidationException e = assertThrows(ValidationException.class,
                () -> ids.createUser(ACTOR, acct, null, "bad name", null));
        assertEquals("ValidationError", e.code());
        assertTrue(e.getMessage().startsWith("1 validation error detected: Value 'bad name' at 'userName' failed to"
                + " satisfy constraint: Member must satisfy regular expression pattern"), e.getMessage());
        assertThrows(ValidationException.class, () -> ids.createUser(ACTOR, acct, null, "x".repeat(65), null));
        assertThrows(ValidationException.class, () -> ids.createUser(ACTOR, acct, "nopath", "carol", null));
        assertThrows(ValidationException.class, () -> ids.listUsers(acct, null, null, 1001));
    }

    @Test
    void listUsersPagesWithMarkerAndExcludesRoot() {
        for (String n : List.of("dave", "bob", "carol", "erin")) {
            ids.createUser(ACTOR, acct, n.equals("erin") ? "/x/" : "/", n, null);
        }
        Page<IamUser> p1 = ids.listUsers(acct, null, null, 2);
        assertEquals(List.of("bob", "carol"), p1.items().stream().map(IamUser::userName).toList());
        assertTrue(p1.truncated());
        Page<IamUser> p2 = ids.listUsers(acct, null, p1.marker(), 2);
        assertEquals(List.of("dave", "erin"), p2.items().stream().map(IamUser::userName).toList());
        assertFalse(p2.truncated());
        assertNull(p2.marker());
        assertEquals(List.of("erin"), ids.listUsers(acct, "/x/", null, null).items().stream()
                .map(IamUser::userName).toList());
    }

    /**
     * Issue 19, session 19: a resolved key is kept (no store read per signed request) only while nothing was written
     * to the access keys or the users since it was read; any such write makes the next lookup read again.
     */
    @Test
    void aResolvedKeyIsKeptOnlyWhileTheKeysAndUsersAreUnwritten() {
        ids.createUser(ACTOR, acct, null, "carol", null);
        NewAccessKey k = ids.createAccessKey(ACTOR, acct, "carol");
        ResolvedAccessKey first = ids.findAccessKey(k.accessKeyId()).orElseThrow();
        assertSame(first, ids.findAccessKey(k.accessKeyId()).orElseThrow(), "kept: nothing was written");

        ids.createUser(ACTOR, acct, null, "dave", null); // a write to the users, not to carol
        ResolvedAccessKey reread = ids.findAccessKey(k.accessKeyId()).orElseThrow();
        assertNotSame(first, reread, "read again after a user write");
        assertEquals(first, reread);

        ids.updateAccessKey(ACTOR, acct, "carol", k.accessKeyId(), AccessKeyStatus.Inactive);
        assertFalse(ids.findAccessKey(k.accessKeyId()).orElseThrow().active(), "deactivated");
        ids.updateAccessKey(ACTOR, acct, "carol", k.accessKeyId(), AccessKeyStatus.Active);
        assertTrue(ids.findAccessKey(k.accessKeyId()).orElseThrow().active(), "active again");
        ids.recordAccessKeyUse(k.accessKeyId()); // a write to the key's own record
        ResolvedAccessKey afterUse = ids.findAccessKey(k.accessKeyId()).orElseThrow();
        assertSame(afterUse, ids.findAccessKey(k.accessKeyId()).orElseThrow());
        ids.deleteAccessKey(ACTOR, acct, "carol", k.accessKeyId());
        assertTrue(ids.findAccessKey(k.accessKeyId()).isEmpty(), "deleted");
    }

    @Test
    void accessKeysQuotaStatusAndLookup() {
        ids.createUser(ACTOR, acct, null, "alice", null);
        NewAccessKey k1 = ids.createAccessKey(ACTOR, acct, "alice");
        NewAccessKey k2 = ids.createAccessKey(ACTOR, acct, "alice");
        LimitExceededException limit = assertThrows(LimitExceededException.class,
                () -> ids.createAccessKey(ACTOR, acct, "alice"));
        assertEquals(409, limit.httpStatus());
        assertEquals(2, ids.listAccessKeys(acct, "alice", null, null).items().size());
        ResolvedAccessKey r = ids.findAccessKey(k1.accessKeyId()).orElseThrow();
        assertEquals(k1.secretAccessKey(), r.secretAccessKey());
        assertEquals("alice", r.caller().userName());
        assertFalse(r.caller().root());
        assertTrue(r.active());
        ids.updateAccessKey(ACTOR, acct, "alice", k1.accessKeyId(), AccessKeyStatus.Inactive);
        assertFalse(ids.findAccessKey(k1.accessKeyId()).orElseThrow().active());
        assertThrows(NoSuchEntityException.class, () -> ids.deleteAccessKey(ACTOR, acct, "root", k2.accessKeyId()));
        ids.deleteAccessKey(ACTOR, acct, "alice", k2.accessKeyId());
        assertTrue(ids.findAccessKey(k2.accessKeyId()).isEmpty());
        assertTrue(ids.findAccessKey("AKIANOSUCHKEY0000000").isEmpty());
        ids.recordAccessKeyUse(k1.accessKeyId());
        assertEquals(f.clock.instant().getEpochSecond(), ids.listAccessKeys(acct, "alice", null, null).items().get(0)
                .lastUsedDate().getEpochSecond());
    }

    @Test
    void deleteUserRefusedWhileItHasDependents() {
        ids.createUser(ACTOR, acct, null, "alice", null);
        NewAccessKey k = ids.createAccessKey(ACTOR, acct, "alice");
        ids.createLoginProfile(ACTOR, acct, "alice", "Str0ng-Passw0rd", true);
        ids.putUserPolicy(ACTOR, acct, "alice", "p", "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
                + "\"Action\":\"s3:*\",\"Resource\":\"*\"}}");
        assertThrows(DeleteConflictException.class, () -> ids.deleteUser(ACTOR, acct, "alice"));
        ids.deleteAccessKey(ACTOR, acct, "alice", k.accessKeyId());
        assertThrows(DeleteConflictException.class, () -> ids.deleteUser(ACTOR, acct, "alice"));
        ids.deleteLoginProfile(ACTOR, acct, "alice");
        ids.deleteUserPolicy(ACTOR, acct, "alice", "p");
        ids.deleteUser(ACTOR, acct, "alice");
        assertThrows(NoSuchEntityException.class, () -> ids.getUser(acct, "alice"));
        assertThrows(InvalidInputException.class, () -> ids.deleteUser(ACTOR, acct, "root"));
    }

    @Test
    void loginProfilesAndPasswords() {
        ids.createUser(ACTOR, acct, null, "alice", null);
        assertThrows(PasswordPolicyViolationException.class,
                () -> ids.createLoginProfile(ACTOR, acct, "alice", "short", false));
        assertThrows(PasswordPolicyViolationException.class,
                () -> ids.createLoginProfile(ACTOR, acct, "alice", "alllowercaseletters", false));
        LoginProfile p = ids.createLoginProfile(ACTOR, acct, "alice", "Str0ng-Passw0rd", true);
        assertTrue(p.passwordResetRequired());
        assertThrows(EntityAlreadyExistsException.class,
                () -> ids.createLoginProfile(ACTOR, acct, "alice", "Str0ng-Passw0rd", true));
        PasswordCheck c = ids.checkPassword(acct, "alice", "Str0ng-Passw0rd");
        assertTrue(c.matches());
        assertTrue(c.resetRequired());
        assertFalse(ids.checkPassword(acct, "alice", "Str0ng-Passw0rD").matches());
        assertFalse(ids.checkPassword(acct, "nobody", "Str0ng-Passw0rd").matches());
        assertThrows(InvalidInputException.class,
                () -> ids.changePassword(ACTOR, acct, "alice", "wrong-Old-1", "N3w-Password!"));
        ids.changePassword(ACTOR, acct, "alice", "Str0ng-Passw0rd", "N3w-Password!");
        assertTrue(ids.checkPassword(acct, "alice", "N3w-Password!").matches());
        assertFalse(ids.getLoginProfile(acct, "alice").passwordResetRequired());
        ids.updateLoginProfile(ACTOR, acct, "alice", null, true);
        assertTrue(ids.getLoginProfile(acct, "alice").passwordResetRequired());
        assertTrue(ids.checkPassword(acct, "alice", "N3w-Password!").matches());
        ids.deleteLoginProfile(ACTOR, acct, "alice");
        assertThrows(NoSuchEntityException.class, () -> ids.getLoginProfile(acct, "alice"));
        assertFalse(ids.checkPassword(acct, "alice", "N3w-Password!").matches());
    }

    @Test
    void accountsAliasesAndRootPasswordReset() {
        AccountCreated c = ids.createAccount(ACTOR, "prod-backups");
        assertEquals(c.account(), ids.accountByIdOrAlias("prod-backups").orElseThrow());
        assertEquals(c.account(), ids.accountByIdOrAlias(c.account().accountId()).orElseThrow());
        assertThrows(EntityAlreadyExistsException.class, () -> ids.createAccount(ACTOR, "prod-backups"));
        assertThrows(ValidationException.class, () -> ids.createAccount(ACTOR, "Bad_Alias"));
        assertThrows(ValidationException.class, () -> ids.createAccount(ACTOR, "123456789012"));
        String pw = c.rootPassword();
        assertTrue(ids.checkPassword(c.account().accountId(), "root", pw).matches());
        String fresh = ids.resetRootPassword(ACTOR, c.account().accountId(), null);
        assertFalse(ids.checkPassword(c.account().accountId(), "root", pw).matches());
        assertTrue(ids.checkPassword(c.account().accountId(), "root", fresh).matches());
        assertNull(ids.resetRootPassword(ACTOR, c.account().accountId(), "Given-Passw0rd"));
        assertTrue(ids.checkPassword(c.account().accountId(), "root", "Given-Passw0rd").matches());
        // another account's keys resolve to that account
        ResolvedAccessKey k = ids.findAccessKey(c.rootAccessKey().accessKeyId()).orElseThrow();
        assertEquals(c.account().accountId(), k.caller().accountId());
    }

    @Test
    void authorizationRootAllowsUsersNeedPolicies() {
        IamUser alice = ids.createUser(ACTOR, acct, null, "alice", null);
        Caller root = new Caller(acct, "root", acct, "arn:aws:iam::" + acct + ":root", true);
        Caller user = new Caller(acct, "alice", alice.userId(), alice.arn(), false);
        String own = ids.userArn(acct, "alice");
        assertEquals(Decision.ALLOW, ids.authorize(root, "iam:DeactivateMFADevice", own, Map.of()));
        assertEquals(Decision.IMPLICIT_DENY, ids.authorize(user, "iam:EnableMFADevice", own, Map.of()));
        ids.putUserPolicy(ACTOR, acct, "alice", "SelfMfa", """
                {"Version":"2012-10-17","Statement":[
                 {"Effect":"Allow","Action":["iam:EnableMFADevice","iam:DeactivateMFADevice"],
                  "Resource":"arn:aws:iam::*:user/${aws:username}"},
                 {"Effect":"Deny","Action":"iam:DeactivateMFADevice","Resource":"*",
                  "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}""");
        assertEquals(Decision.ALLOW, ids.authorize(user, "iam:EnableMFADevice", own, Map.of()));
        assertEquals(Decision.IMPLICIT_DENY, ids.authorize(user, "iam:EnableMFADevice", ids.userArn(acct, "bob"),
                Map.of()));
        assertEquals(Decision.EXPLICIT_DENY, ids.authorize(user, "iam:DeactivateMFADevice", own, Map.of()));
        assertEquals(Decision.ALLOW, ids.authorize(user, "iam:DeactivateMFADevice", own,
                Map.of("aws:MultiFactorAuthPresent", "true")));
        assertEquals(Decision.ALLOW, ids.authorize(acct, "alice", "iam:EnableMFADevice", own, Map.of()));
        assertEquals(Decision.ALLOW, ids.authorize(acct, "root", "s3:DeleteObjectVersion", "arn:aws:s3:::b/k",
                Map.of()));
        assertEquals(Decision.IMPLICIT_DENY, ids.authorize(acct, "ghost", "iam:EnableMFADevice", own, Map.of()));
        assertThrows(MalformedPolicyDocumentException.class, () -> ids.putUserPolicy(ACTOR, acct, "alice", "x", "{}"));
        assertEquals(List.of("SelfMfa"), ids.listUserPolicies(acct, "alice", null, null).items());
        Map<String, Integer> summary = ids.accountSummary(acct);
        assertEquals(1, summary.get("Users"));
        assertEquals(1, summary.get("Policies"));
        assertEquals(0, summary.get("AccountMFAEnabled"));
    }

    @Test
    void changesAreAudited() {
        ids.createUser(ACTOR, acct, null, "alice", null);
        var records = f.mfa.audit().read(java.time.Instant.EPOCH, 100);
        assertTrue(records.stream().anyMatch(r -> r.action().equals("iam:CreateUser") && r.outcome().equals("OK")
                && ACTOR.principal().equals(r.principal())));
        assertTrue(records.stream().anyMatch(r -> r.action().equals("admin:CreateAccount")));
    }
}

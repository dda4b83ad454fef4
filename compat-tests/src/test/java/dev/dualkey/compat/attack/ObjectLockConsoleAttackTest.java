package dev.dualkey.compat.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.lock.LockFixture;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ObjectLockLegalHoldStatus;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;

/**
 * The web console with Object Lock: the bucket page shows the bucket's lock configuration and each version's
 * retention, legal hold and tags; an IAM user with {@code s3:*} signed in to the console tries to delete locked
 * versions through its delete-version form (which goes through ProtectedOperations to the store) and must fail,
 * the versions still there afterwards.
 */
class ObjectLockConsoleAttackTest {
    private static final String PASSWORD = "Lock-Console-Passw0rd";
    private static LockFixture fx;

    @BeforeAll
    static void start() {
        fx = new LockFixture(true);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void theConsoleShowsTheLockAndCannotDeleteALockedVersion() {
        String b = fx.lockBucket();
        fx.root.putObjectLockConfiguration(r -> r.bucket(b).objectLockConfiguration(c -> c.objectLockEnabled(
                "Enabled").rule(rule -> rule.defaultRetention(d -> d.mode(ObjectLockRetentionMode.GOVERNANCE)
                .days(7)))));
        Instant until = fx.storeClock.instant().plus(Duration.ofDays(10)).truncatedTo(ChronoUnit.SECONDS);
        String c = fx.root.putObject(r -> r.bucket(b).key("c").objectLockMode(ObjectLockMode.COMPLIANCE)
                .objectLockRetainUntilDate(until).tagging("team=ops"), RequestBody.fromString("c")).versionId();
        String h = fx.root.putObject(r -> r.bucket(b).key("h").objectLockLegalHoldStatus(ObjectLockLegalHoldStatus.ON),
                RequestBody.fromString("h")).versionId();
        String user = fx.consoleUser(LockFixture.S3_ALL, PASSWORD);
        ConsoleSession console = ConsoleSession.signInIamUser(fx.server.consoleUrl(), fx.server.accountId(), user,
                PASSWORD);
        String page = console.openBucket(b);
        assertTrue(page.contains("Object Lock: ") && page.contains("Enabled, default GOVERNANCE 7 days"), page);
        assertTrue(page.contains("data-lock=\"COMPLIANCE\""), page);
        assertTrue(page.contains("data-legal-hold=\"ON\""), page);
        assertTrue(page.contains("data-tags=\"team=ops\""), page);
        for (String[] kv : new String[][] {{"c", c}, {"h", h}}) {
            console.openBucket(b); // a page of the session, for its CSRF token
            int status = console.postForm("/buckets/" + b + "/delete-version",
                    Map.of("key", kv[0], "versionId", kv[1], "prefix", ""));
            assertEquals(400, status, "refused with the page re-rendered");
            assertEquals(kv[1], fx.root.headObject(r -> r.bucket(b).key(kv[0]).versionId(kv[1])).versionId());
        }
    }
}

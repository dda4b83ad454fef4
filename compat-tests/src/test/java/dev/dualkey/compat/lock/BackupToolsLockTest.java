package dev.dualkey.compat.lock;

import static dev.dualkey.compat.ExternalTool.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.ExternalTool;
import dev.dualkey.compat.ExternalTool.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * restic and rclone (Debian's packages, as {@code .ci/run} installs them) against a real Dualkey listener, on a bucket
 * with Object Lock and a default COMPLIANCE retention: the way both tools use Object Lock when their installed
 * version has no lock options of its own (rclone 1.60 has no {@code --s3-object-lock-*} flags, restic 0.14 none at
 * all). Their uploads must succeed (each sends Content-MD5, which AWS requires for writes that get a retention), every
 * version gets the bucket's retention, their deletes only add delete markers, and their attempts to remove old
 * versions are refused by the lock. Fails in CI when a tool is missing, skips elsewhere.
 */
class BackupToolsLockTest {
    private static LockFixture fx;

    @BeforeAll
    static void start() {
        fx = LockFixture.shared();
    }


    private static String lockBucketWithDefault() {
        String b = fx.lockBucket();
        fx.root.putObjectLockConfiguration(r -> r.bucket(b).objectLockConfiguration(c -> c.objectLockEnabled(
                "Enabled").rule(rule -> rule.defaultRetention(d -> d.mode(ObjectLockRetentionMode.COMPLIANCE)
                .days(1)))));
        return b;
    }

    private static List<ObjectVersion> versions(String b) {
        return fx.root.listObjectVersions(r -> r.bucket(b)).versions();
    }

    private static void assertAllLocked(String b) {
        List<ObjectVersion> vs = versions(b);
        assertFalse(vs.isEmpty());
        for (ObjectVersion v : vs) {
            assertEquals("COMPLIANCE", fx.root.headObject(r -> r.bucket(b).key(v.key()).versionId(v.versionId()))
                    .objectLockModeAsString(), v.key());
        }
    }

    private static Path sampleDir(Path dir) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src"));
        for (int i = 0; i < 3; i++) {
            Files.writeString(src.resolve("file-" + i + ".txt"), ("backup data " + i + "\n").repeat(100 * (i + 1)));
        }
        return src;
    }

    @Test
    void rcloneCopiesIntoALockedBucketAndCannotRemoveVersions(@TempDir Path dir) throws Exception {
        ExternalTool.require("rclone");
        String b = lockBucketWithDefault();
        Path src = sampleDir(dir);
        Map<String, String> env = ExternalTool.rcloneRemote(dir, fx.gw, fx.gw.root());
        Run copy = run(dir, env, "rclone", "copy", src.toString(), "dk:" + b + "/backup");
        assertEquals(0, copy.exit(), copy.output());
        assertEquals(3, versions(b).size());
        assertAllLocked(b);
        Run purge = run(dir, env, "rclone", "delete", "dk:" + b + "/backup");
        assertEquals(0, purge.exit(), purge.output());
        assertEquals(3, versions(b).size(), "rclone's deletes only add markers");
        // rclone's own way to remove old versions (1.60: --s3-versions shows each version as a file with a
        // version suffix; deleting that file is DeleteObject with its versionId): refused for every locked one
        Run removeVersions = run(dir, env, "rclone", "delete", "--s3-versions", "dk:" + b + "/backup");
        assertTrue(removeVersions.exit() != 0 && removeVersions.output().contains("AccessDenied"),
                removeVersions.output());
        assertEquals(3, versions(b).size(), removeVersions.output());
        fx.storeClock.advance(Duration.ofDays(1).plusMinutes(1));
        Run after = run(dir, env, "rclone", "delete", "--s3-versions", "dk:" + b + "/backup");
        assertEquals(0, after.exit(), after.output());
        assertTrue(versions(b).isEmpty(), "after the date the same command removes them: " + after.output());
    }

    @Test
    void resticBacksUpIntoALockedBucketAndItsVersionsStay(@TempDir Path dir) throws Exception {
        ExternalTool.require("restic");
        String b = lockBucketWithDefault();
        Path src = sampleDir(dir);
        Map<String, String> env = Map.of(
                "AWS_ACCESS_KEY_ID", fx.gw.root().accessKeyId(),
                "AWS_SECRET_ACCESS_KEY", fx.gw.root().secretKey(),
                "AWS_DEFAULT_REGION", fx.gw.region(),
                "RESTIC_PASSWORD", "restic-test-password",
                "RESTIC_REPOSITORY", "s3:" + fx.gw.endpoint() + "/" + b + "/repo",
                "RESTIC_CACHE_DIR", dir.resolve("cache").toString());
        Run init = run(dir, env, "restic", "init");
        assertEquals(0, init.exit(), init.output());
        Run backup = run(dir, env, "restic", "backup", src.toString());
        assertEquals(0, backup.exit(), backup.output());
        assertAllLocked(b);
        List<String> before = versions(b).stream().map(ObjectVersion::versionId).toList();
        // forget + prune: restic deletes what it no longer needs; on a lock bucket each delete is a marker
        Run prune = run(dir, env, "restic", "forget", "latest", "--prune");
        assertEquals(0, prune.exit(), prune.output());
        List<String> after = versions(b).stream().map(ObjectVersion::versionId).toList();
        assertTrue(after.containsAll(before), "every locked version is still there: " + prune.output());
        assertFalse(fx.root.listObjectVersions(r -> r.bucket(b)).deleteMarkers().isEmpty(), "restic deleted");
    }
}

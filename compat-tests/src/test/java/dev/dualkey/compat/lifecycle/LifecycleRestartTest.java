package dev.dualkey.compat.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Clients;
import dev.dualkey.compat.durable.ServeProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;
import software.amazon.awssdk.services.s3.model.ObjectLockLegalHoldStatus;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * The worker in the real {@code dualkey serve}, with its rule clock three days ahead
 * ({@code --lifecycle-clock-offset P3D}): rules configured before a restart are applied after it, and a server
 * killed with {@code kill -9} while the worker is deleting finishes the job after its restart, without touching a
 * current version and without doing anything twice (no extra delete marker, no current version removed).
 *
 * <p>The bucket has Object Lock: a few versions the rule would expire are under COMPLIANCE retention (dated after
 * the rule clock's three days too) or a legal hold, and survive the kill and the finished job with their bytes.
 */
class LifecycleRestartTest {
    private static final String BUCKET = "lc-restart";
    private static final String[] WORKER_OFF = {"--lifecycle-interval", "0"};

    private Path work;
    private Path data;

    @BeforeEach
    void dirs() throws Exception {
        work = Files.createTempDirectory("dualkey-lc-restart-");
        data = work.resolve("data");
    }

    @AfterEach
    void clean() {
        try (var paths = Files.walk(work)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    private static void configure(S3Client s3) {
        s3.putBucketLifecycleConfiguration(b -> b.bucket(BUCKET).lifecycleConfiguration(c -> c.rules(
                LifecycleRule.builder().id("keep-one-noncurrent").status(ExpirationStatus.ENABLED)
                        .filter(LifecycleRuleFilter.builder().prefix("").build())
                        .noncurrentVersionExpiration(n -> n.noncurrentDays(1).newerNoncurrentVersions(1))
                        .abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(1)).build())));
    }

    private static List<ObjectVersion> versions(S3Client s3, String key) {
        return s3.listObjectVersions(b -> b.bucket(BUCKET).prefix(key)).versions().stream()
                .filter(v -> v.key().equals(key)).toList();
    }

    private static long allVersions(S3Client s3) {
        long n = 0;
        String keyMarker = null;
        String versionMarker = null;
        while (true) {
            String k = keyMarker;
            String v = versionMarker;
            var page = s3.listObjectVersions(b -> b.bucket(BUCKET).keyMarker(k).versionIdMarker(v));
            n += page.versions().size() + page.deleteMarkers().size();
            if (!page.isTruncated()) {
                return n;
            }
            keyMarker = page.nextKeyMarker();
            versionMarker = page.nextVersionIdMarker();
        }
    }

    private static void await(String what, BooleanSupplier condition, ServeProcess server) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what + "\nserver log:\n" + server.log());
            }
            Thread.sleep(200);
        }
    }

    /**
     * One history, three server processes on one data directory: (1) versions, a stale upload and the rules are
     * written with the worker off, clean stop; (2) the worker runs on a rule clock three days ahead, slowly, and
     * the server is killed with {@code kill -9} mid-pass; (3) after the restart the worker finishes: every key
     * keeps its current and its newest noncurrent version (NewerNoncurrentVersions=1) with their bytes, the upload
     * is aborted, and no delete marker was added.
     */
    @Test
    void rulesOutliveARestartAndAKillNineMidPassAndTheJobFinishesOnce() throws Exception {
        int keys = 40;
        int retained = 5; // k000..k004: v1 under COMPLIANCE retention
        int held = 1; // k005: v1 under legal hold
        java.util.Map<String, String> protectedV1 = new java.util.TreeMap<>();
        try (ServeProcess first = ServeProcess.start(data, WORKER_OFF); S3Client s3 = Clients.v2(first.endpoint())) {
            s3.createBucket(b -> b.bucket(BUCKET).objectLockEnabledForBucket(true));
            s3.putBucketVersioning(b -> b.bucket(BUCKET).versioningConfiguration(v -> v.status("Enabled")));
            for (int i = 0; i < keys; i++) {
                String key = String.format("k%03d", i);
                for (int v = 1; v <= 3; v++) {
                    String body = key + "-v" + v;
                    String id = s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(body)).versionId();
                    if (v == 1 && i < retained) {
                        s3.putObjectRetention(b -> b.bucket(BUCKET).key(key).versionId(id).retention(r -> r
                                .mode(ObjectLockRetentionMode.COMPLIANCE)
                                .retainUntilDate(java.time.Instant.now().plus(java.time.Duration.ofDays(10)))));
                        protectedV1.put(key, id);
                    } else if (v == 1 && i < retained + held) {
                        s3.putObjectLegalHold(b -> b.bucket(BUCKET).key(key).versionId(id)
                                .legalHold(h -> h.status(ObjectLockLegalHoldStatus.ON)));
                        protectedV1.put(key, id);
                    }
                }
            }
            s3.createMultipartUpload(b -> b.bucket(BUCKET).key("big"));
            configure(s3);
            assertEquals(143, first.sigterm(), "SIGTERM: the JVM's exit after its shutdown hook");
        }
        // Slow deletes and small pages: the kill lands mid-pass, after some cursor saves.
        ServeProcess doomed = ServeProcess.start(data, "--lifecycle-interval", "1", "--lifecycle-clock-offset", "P3D",
                "--lifecycle-delete-rate", "4", "--lifecycle-page-size", "12");
        try (S3Client s3 = Clients.v2(doomed.endpoint())) {
            await("the worker is deleting", () -> allVersions(s3) <= 3L * keys - 8, doomed);
            long seen = allVersions(s3);
            doomed.kill9();
            // At 4 deletes/s the kill lands well before the last of the 40 deletes.
            assertTrue(seen > 2L * keys + 8, "the kill came mid-pass: " + seen + " versions left");
        }
        try (ServeProcess again = ServeProcess.start(data, "--lifecycle-interval", "1",
                "--lifecycle-clock-offset", "P3D", "--lifecycle-delete-rate", "0");
             S3Client s3 = Clients.v2(again.endpoint())) {
            await("the job finished", () -> allVersions(s3) == 2L * keys + retained + held, again);
            await("stale upload aborted", () -> s3.listMultipartUploads(b -> b.bucket(BUCKET)).uploads().isEmpty(),
                    again);
            for (int i = 0; i < keys; i++) {
                String key = String.format("k%03d", i);
                List<ObjectVersion> left = versions(s3, key);
                if (protectedV1.containsKey(key)) { // under retention or legal hold: the rule could not take v1
                    assertEquals(3, left.size(), key);
                    assertEquals(key + "-v1", s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)
                            .versionId(protectedV1.get(key))).asUtf8String());
                } else {
                    assertEquals(2, left.size(), key);
                }
                assertTrue(left.get(0).isLatest(), key);
                assertEquals(key + "-v3", s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String());
                assertEquals(key + "-v2", s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)
                        .versionId(left.get(1).versionId())).asUtf8String());
            }
            assertTrue(s3.listObjectVersions(b -> b.bucket(BUCKET)).deleteMarkers().isEmpty(), "no marker added");
        }
    }
}

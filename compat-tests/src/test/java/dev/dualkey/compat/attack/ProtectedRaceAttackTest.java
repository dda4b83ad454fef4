package dev.dualkey.compat.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.compat.mfadelete.MfaDevice;
import dev.dualkey.mfa.audit.AuditRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetBucketVersioningResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.MFADeleteStatus;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Issue 12, finding 3, as a stress test: console and S3 writers against one bucket at once. An IAM user with
 * every permission (a stolen key and its console password) posts the console's versioning form
 * Enabled/Suspended in a loop, sends PutBucketVersioning without a code, and deletes versions through S3 and the
 * console without codes, while root turns MFA Delete on with a valid code and then deletes versions with valid
 * codes. Fails on any lost MFA Delete state (after root's accepted enable, GetBucketVersioning must say
 * MFADelete Enabled) and on any version removed without an accepted code (ListObjectVersions against the
 * versions present after the enable, the versions root deleted and the audit log's ACCEPTED records).
 *
 * <p>The race runs 8 s (about 16 s with setup); {@code -Ddualkey.stress.seconds=N} runs longer.
 */
class ProtectedRaceAttackTest {
    private static final String BUCKET = "race";
    private static final String PASSWORD = "Correct-Horse-Battery-Mallory-9";
    private static final int KEYS = 8;

    private static MfaDeleteServer server;
    private static GatewayEndpoint gw;
    private static IamClient rootIam;
    private static S3Client root;
    private static S3Client thief;
    private static MfaDevice rootDevice;

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopbackWithConsole();
        gw = server.endpoint();
        rootIam = Iam.client(gw, gw.root());
        root = Clients.v2(gw);
        rootDevice = MfaDevice.virtual(rootIam, server.clock(), "root-mfa", "root");
        AccessKey thiefKey = Iam.userAllowedEverything(rootIam, "mallory");
        rootIam.createLoginProfile(b -> b.userName("mallory").password(PASSWORD));
        thief = Clients.v2(gw, thiefKey);
    }

    @AfterAll
    static void stop() {
        thief.close();
        root.close();
        rootIam.close();
        server.close();
    }

    /** key + version id of one version or delete marker. */
    private record Version(String key, String versionId) {
    }

    /**
     * Every version and delete marker, all pages: the thief's plain deletes add a marker per round, so a fast run
     * (CI, session 14) passes the 1,000 of one page; the SDK's paginator follows the key and version-id markers.
     */
    private static Set<Version> listAll() {
        Set<Version> out = new HashSet<>();
        for (ListObjectVersionsResponse r : root.listObjectVersionsPaginator(b -> b.bucket(BUCKET).maxKeys(1000))) {
            r.versions().forEach(v -> out.add(new Version(v.key(), v.versionId())));
            r.deleteMarkers().forEach(m -> out.add(new Version(m.key(), m.versionId())));
        }
        return out;
    }

    @Test
    void noInterleavingOfConsoleAndS3WritersLosesMfaDeleteOrAVersion() throws Exception {
        long seconds = Long.getLong("dualkey.stress.seconds", 8);
        root.createBucket(b -> b.bucket(BUCKET));
        root.putBucketVersioning(b -> b.bucket(BUCKET).versioningConfiguration(v -> v.status("Enabled")));
        List<Version> acked = new CopyOnWriteArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            String key = "k" + k;
            for (int n = 0; n < 3; n++) {
                String id = root.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(key + "#" + 1))
                        .versionId();
                acked.add(new Version(key, id));
            }
        }
        ConsoleSession console = ConsoleSession.signInIamUser(server.consoleUrl(), server.accountId(), "mallory",
                PASSWORD);
        console.openBucket(BUCKET);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong enabledAt = new AtomicLong(Long.MAX_VALUE); // nanoTime when root's enable was acknowledged
        List<String> violations = new CopyOnWriteArrayList<>();
        ConcurrentLinkedQueue<Version> rootDeleted = new ConcurrentLinkedQueue<>();
        Set<Version>[] afterEnable = new Set[1];
        AtomicInteger attempts = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> tasks = new ArrayList<>();

        // 1. the console's versioning form, posted as the finding did: Enabled/Suspended, MFA Delete off
        tasks.add(pool.submit(() -> {
            boolean suspend = false;
            while (!stop.get()) {
                long t = System.nanoTime();
                int status = console.postForm("/buckets/" + BUCKET + "/versioning", Map.of("status",
                        suspend ? "Suspended" : "Enabled", "mfaDelete", "Disabled", "code", ""));
                attempts.incrementAndGet();
                if (status == 303 && t > enabledAt.get()) {
                    violations.add("console versioning form accepted without a code after MFA Delete was on");
                } else if (status >= 500) {
                    violations.add("console versioning form: " + status);
                }
                suspend = !suspend;
            }
            return null;
        }));
        // 2. PutBucketVersioning without a code through S3
        tasks.add(pool.submit(() -> {
            boolean suspend = true;
            while (!stop.get()) {
                long t = System.nanoTime();
                String status = suspend ? "Suspended" : "Enabled";
                try {
                    thief.putBucketVersioning(b -> b.bucket(BUCKET).versioningConfiguration(v -> v.status(status)));
                    if (t > enabledAt.get()) {
                        violations.add("S3 PutBucketVersioning accepted without a code after MFA Delete was on");
                    }
                } catch (S3Exception e) {
                    expectRefusal(e, violations);
                }
                attempts.incrementAndGet();
                suspend = !suspend;
            }
            return null;
        }));
        // 3. version deletes (and plain deletes) through S3 without a code
        tasks.add(pool.submit(() -> {
            while (!stop.get()) {
                Version v = acked.get(ThreadLocalRandom.current().nextInt(acked.size()));
                long t = System.nanoTime();
                try {
                    thief.deleteObject(b -> b.bucket(BUCKET).key(v.key()).versionId(v.versionId()));
                    if (t > enabledAt.get()) {
                        violations.add("S3 version delete without a code after MFA Delete was on: " + v);
                    }
                } catch (S3Exception e) {
                    expectRefusal(e, violations);
                }
                try {
                    thief.deleteObject(b -> b.bucket(BUCKET).key(v.key()));
                } catch (S3Exception e) {
                    expectRefusal(e, violations); // D2 while the bucket is Suspended
                }
                attempts.addAndGet(2);
            }
            return null;
        }));
        // 4. version deletes through the console without a code
        tasks.add(pool.submit(() -> {
            while (!stop.get()) {
                Version v = acked.get(ThreadLocalRandom.current().nextInt(acked.size()));
                long t = System.nanoTime();
                int status = console.postForm("/buckets/" + BUCKET + "/delete-version", Map.of("key", v.key(),
                        "versionId", v.versionId(), "prefix", "", "code", ""));
                attempts.incrementAndGet();
                if (status == 303 && t > enabledAt.get()) {
                    violations.add("console version delete without a code after MFA Delete was on: " + v);
                } else if (status >= 500) {
                    violations.add("console version delete: " + status);
                }
            }
            return null;
        }));
        // 5. root: MFA Delete on with a code, then version deletes with codes
        tasks.add(pool.submit(() -> {
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds) / 4);
            root.putBucketVersioning(b -> b.bucket(BUCKET).mfa(rootDevice.header())
                    .versioningConfiguration(v -> v.status("Enabled").mfaDelete("Enabled")));
            enabledAt.set(System.nanoTime());
            afterEnable[0] = listAll();
            List<Version> victims = new ArrayList<>(afterEnable[0]);
            for (int i = 0; i < Math.min(4, victims.size()) && !stop.get(); i++) {
                Version v = victims.get(i);
                root.deleteObject(b -> b.bucket(BUCKET).key(v.key()).versionId(v.versionId())
                        .mfa(rootDevice.header()));
                rootDeleted.add(v);
                Thread.sleep(200);
            }
            return null;
        }));
        // 6. a watcher: once root's enable was acknowledged, MFA Delete must stay Enabled
        tasks.add(pool.submit(() -> {
            while (!stop.get()) {
                if (enabledAt.get() != Long.MAX_VALUE) {
                    GetBucketVersioningResponse r = root.getBucketVersioning(b -> b.bucket(BUCKET));
                    if (r.mfaDelete() != MFADeleteStatus.ENABLED) {
                        violations.add("MFA Delete lost after root's enable: " + r.mfaDeleteAsString() + " / "
                                + r.statusAsString());
                    }
                }
                Thread.sleep(20);
            }
            return null;
        }));

        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        stop.set(true);
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "writers did not stop");
        for (Future<?> f : tasks) {
            f.get(); // rethrows an unexpected failure of any writer
        }

        assertEquals(List.of(), violations.subList(0, Math.min(20, violations.size())),
                violations.size() + " violations");
        assertTrue(enabledAt.get() != Long.MAX_VALUE, "root's enable never happened");
        GetBucketVersioningResponse end = root.getBucketVersioning(b -> b.bucket(BUCKET));
        assertEquals(MFADeleteStatus.ENABLED, end.mfaDelete());
        assertTrue(attempts.get() > 20, "the attackers hardly ran: " + attempts.get());

        // every version present after the enable and gone now was deleted by root with an accepted code
        Set<Version> gone = new HashSet<>(afterEnable[0]);
        gone.removeAll(listAll());
        assertEquals(Set.copyOf(rootDeleted), gone, "versions removed after MFA Delete was on");
        List<AuditRecord> accepted = server.auditLog().stream()
                .filter(r -> BUCKET.equals(r.bucket()) && "ACCEPTED".equals(r.outcome())).toList();
        for (AuditRecord r : accepted) {
            assertEquals("arn:aws:iam::" + server.accountId() + ":root", r.principal(), r.toString());
        }
        for (Version v : gone) {
            assertTrue(accepted.stream().anyMatch(r -> "s3:DeleteObjectVersion".equals(r.action())
                    && v.key().equals(r.key()) && v.versionId().equals(r.versionId())),
                    "no ACCEPTED code for the removal of " + v);
        }
        assertEquals(1 + rootDeleted.size(), accepted.size(), "one accepted code per root request");
    }

    /** A refusal must be the MFA Delete gate's 403/400, never a server error. */
    private static void expectRefusal(S3Exception e, List<String> violations) {
        if (e.statusCode() >= 500) {
            violations.add("server error " + e.statusCode() + " " + e.awsErrorDetails().errorCode());
        }
    }
}

package dev.dualkey.gateway.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.identity.MutableClock;
import dev.dualkey.gateway.protect.Outcome;
import dev.dualkey.gateway.protect.ProtectedFixture;
import dev.dualkey.gateway.protect.Refusal;
import dev.dualkey.gateway.protect.VersioningChange;
import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.ListVersionsQuery;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker against the real store and audit log, on a rule clock moved days ahead: what it removes, what it
 * never removes (MFA Delete turned on mid-pass, retention, legal hold, a version that became current again),
 * that it is not repeated, and that a pass resumes from its persisted cursor.
 */
class LifecycleWorkerTest {
    private static final String B = "lc-bucket";
    private static final String NONCURRENT_AND_ABORT = "<Rule><ID>nc</ID><Filter/><Status>Enabled</Status>"
            + "<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>1"
            + "</NewerNoncurrentVersions></NoncurrentVersionExpiration><AbortIncompleteMultipartUpload>"
            + "<DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>";

    @TempDir
    Path dir;
    ProtectedFixture f;
    MutableClock ruleClock;

    @BeforeEach
    void setUp() {
        f = new ProtectedFixture(dir);
        f.store.createBucket(B, f.owner, "us-east-1");
        f.store.updateBucket(B, c -> c.withVersioning(VersioningState.ENABLED));
        ruleClock = new MutableClock(f.clock.instant());
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private LifecycleWorker worker(ObjectStore store, int pageSize) {
        return new LifecycleWorker(store, f.mfa.audit(), LifecycleSettings.defaults().withClock(ruleClock)
                .withRates(0, 0).withPageSize(pageSize));
    }

    private void configure(String rules) {
        String doc = LifecycleConfigurationTest.parse(rules).toXml();
        f.store.updateBucket(B, c -> c.withSubresource(LifecycleConfiguration.SUBRESOURCE, doc));
    }

    private ObjectVersion put(String key, String body) {
        f.clock.advance(Duration.ofSeconds(1));
        try (ObjectWriter w = f.store.newObjectWriter(B, key, ObjectMetadata.empty(), WriteOptions.defaults())) {
            w.write(ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)));
            return w.commit(Expectations.none());
        }
    }

    private List<String> versions(String key) {
        return f.store.listObjectVersions(B, new ListVersionsQuery(key, null, null, null, 1000)).versions().stream()
                .filter(v -> v.key().equals(key)).map(v -> (v.deleteMarker() ? "marker:" : "") + v.versionId())
                .toList();
    }

    private List<AuditRecord> lifecycleAudit() {
        return f.audit(B).stream().filter(r -> LifecycleWorker.PRINCIPAL.equals(r.principal())).toList();
    }

    @Test
    void noncurrentVersionsExpireKeepingTheNewestAndStaleUploadsAbortOnce() {
        configure(NONCURRENT_AND_ABORT);
        ObjectVersion v1 = put("k", "1");
        ObjectVersion v2 = put("k", "2");
        ObjectVersion v3 = put("k", "3");
        String upload = f.store.createMultipartUpload(B, "big", ObjectMetadata.empty(), WriteOptions.defaults())
                .uploadId();
        LifecycleWorker w = worker(f.store, 1000);
        w.runPass();
        assertEquals(3, versions("k").size(), "nothing is due yet");
        assertEquals(1, f.store.listMultipartUploads(B, null, null, null, null, 1000).uploads().size());

        ruleClock.advance(Duration.ofDays(3));
        w.runPass();
        assertEquals(List.of(v3.versionId(), v2.versionId()), versions("k"));
        assertTrue(f.store.listMultipartUploads(B, null, null, null, null, 1000).uploads().isEmpty());
        assertEquals(2, w.deleted());
        List<AuditRecord> audit = lifecycleAudit();
        assertEquals(2, audit.size());
        assertEquals("s3:DeleteObjectVersion", audit.get(0).action());
        assertEquals(v1.versionId(), audit.get(0).versionId());
        assertEquals("OK", audit.get(0).outcome());
        assertEquals("rule-id=nc", audit.get(0).reason());
        assertEquals("s3:AbortMultipartUpload", audit.get(1).action());
        assertEquals(upload, audit.get(1).versionId());

        w.runPass();
        assertEquals(2, w.deleted(), "a second pass finds nothing more to do");
        assertNull(f.store.headBucket(B).config().subresource(LifecycleProgress.SUBRESOURCE),
                "a finished pass leaves no cursor");
    }

    @Test
    void expirationAddsOneDeleteMarkerAndKeepsTheData() {
        configure("<Rule><ID>exp</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status>"
                + "<Expiration><Days>1</Days></Expiration></Rule>");
        ObjectVersion v = put("tmp/a", "a");
        put("keep/b", "b");
        ruleClock.advance(Duration.ofDays(2));
        LifecycleWorker w = worker(f.store, 1000);
        w.runPass();
        w.runPass();
        List<String> after = versions("tmp/a");
        assertEquals(2, after.size(), after.toString());
        assertTrue(after.get(0).startsWith("marker:"));
        assertEquals(v.versionId(), after.get(1));
        assertEquals(1, versions("keep/b").size());
        assertEquals("s3:DeleteObject", lifecycleAudit().get(0).action());
    }

    @Test
    void passResumesAfterItsPersistedCursor() {
        configure("<Rule><ID>nc</ID><Filter/><Status>Enabled</Status><NoncurrentVersionExpiration>"
                + "<NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration></Rule>");
        for (int i = 0; i < 10; i++) {
            put("k" + i, "old");
            put("k" + i, "new");
        }
        // as a crashed worker left it: k0..k4 done
        String cursor = new LifecycleProgress(LifecycleProgress.Phase.VERSIONS, "k4", null).encode();
        f.store.updateBucket(B, c -> c.withSubresource(LifecycleProgress.SUBRESOURCE, cursor));
        ruleClock.advance(Duration.ofDays(3));
        LifecycleWorker w = worker(f.store, 3); // pages end inside keys: exercises the partial-key paths
        w.runPass();
        for (int i = 0; i < 10; i++) {
            assertEquals(i <= 4 ? 2 : 1, versions("k" + i).size(), "k" + i);
        }
        assertNull(f.store.headBucket(B).config().subresource(LifecycleProgress.SUBRESOURCE));
        w.runPass(); // the next pass starts from the beginning
        for (int i = 0; i < 10; i++) {
            assertEquals(1, versions("k" + i).size(), "k" + i);
        }
        assertEquals(10, w.deleted());
    }

    @Test
    void mfaDeleteEnabledAfterThePassStartedStopsEveryDelete() {
        configure(NONCURRENT_AND_ABORT);
        put("k", "1");
        put("k", "2");
        put("k", "3");
        ruleClock.advance(Duration.ofDays(3));
        AtomicBoolean flipped = new AtomicBoolean();
        ObjectStore racing = beforeDelete(f.store, () -> {
            if (flipped.compareAndSet(false, true)) {
                // what a stolen root key plus code could do between the listing and the delete
                f.store.updateBucket(B, c -> c.withMfaDelete(MfaDeleteState.ENABLED));
            }
        });
        LifecycleWorker w = worker(racing, 1000);
        w.runPass();
        assertTrue(flipped.get());
        assertEquals(3, versions("k").size(), "no version removed");
        assertEquals(0, w.deleted());
        assertEquals(1, w.skipped());
        AuditRecord r = lifecycleAudit().get(0);
        assertEquals("SKIPPED", r.outcome());
        assertTrue(r.reason().contains("MFA Delete"), r.reason());
        w.runPass(); // and later passes leave an MFA Delete bucket alone
        assertEquals(3, versions("k").size());
    }

    @Test
    void retentionAndLegalHoldAreNeverRemoved() {
        configure("<Rule><ID>nc</ID><Filter/><Status>Enabled</Status><NoncurrentVersionExpiration>"
                + "<NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration></Rule>");
        ObjectVersion held = put("h", "1");
        put("h", "2");
        ObjectVersion retained = put("r", "1");
        put("r", "2");
        f.store.updateObjectMetadata(B, "h", held.versionId(), m -> m.toBuilder().legalHold(true).build());
        // retained well past the rule clock's day, but by real time only a day: the earlier clock wins
        f.store.updateObjectMetadata(B, "r", retained.versionId(), m -> m.toBuilder()
                .retention("COMPLIANCE", Instant.now().plus(Duration.ofDays(1))).build());
        ruleClock.advance(Duration.ofDays(30));
        LifecycleWorker w = worker(f.store, 1000);
        w.runPass();
        assertEquals(2, versions("h").size());
        assertEquals(2, versions("r").size());
        assertEquals(2, w.skipped());
        assertTrue(lifecycleAudit().stream().allMatch(r -> r.outcome().equals("SKIPPED")));
    }

    @Test
    void aVersionThatBecameCurrentAgainIsNotRemoved() {
        configure("<Rule><ID>nc</ID><Filter/><Status>Enabled</Status><NoncurrentVersionExpiration>"
                + "<NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration></Rule>");
        ObjectVersion v1 = put("k", "1");
        ObjectVersion v2 = put("k", "2");
        ruleClock.advance(Duration.ofDays(3));
        AtomicBoolean once = new AtomicBoolean();
        ObjectStore racing = beforeDelete(f.store, () -> {
            if (once.compareAndSet(false, true)) {
                f.store.deleteObject(B, "k", v2.versionId()); // the owner removes the newer version
            }
        });
        worker(racing, 1000).runPass();
        assertEquals(List.of(v1.versionId()), versions("k"), "v1 is current again and stays");
    }

    @Test
    void mfaDeleteCannotBeEnabledWhileLifecycleIsConfigured() {
        configure(NONCURRENT_AND_ABORT);
        Outcome<BucketInfo> out = f.protect.putBucketVersioning(f.root(f.header()), B,
                VersioningChange.s3(VersioningState.ENABLED, MfaDeleteState.ENABLED));
        assertFalse(out.isAllowed());
        assertEquals(Refusal.LIFECYCLE_CONFIGURED, out.refusal());
        assertEquals(MfaDeleteState.NEVER_CONFIGURED, f.store.headBucket(B).mfaDelete());
        // without the configuration the same request goes through
        f.store.updateBucket(B, c -> c.withSubresource(LifecycleConfiguration.SUBRESOURCE, null));
        assertTrue(f.protect.putBucketVersioning(f.root(f.header()), B,
                VersioningChange.s3(VersioningState.ENABLED, MfaDeleteState.ENABLED)).isAllowed());
    }

    /** The store, running {@code hook} before each delete that carries a precondition (the worker's deletes). */
    @SuppressWarnings("unchecked")
    static ObjectStore beforeDelete(ObjectStore store, Runnable hook) {
        return (ObjectStore) Proxy.newProxyInstance(ObjectStore.class.getClassLoader(),
                new Class<?>[] {ObjectStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("deleteObject") && args != null && args.length == 4
                            && args[3] instanceof Consumer) {
                        hook.run();
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}

package dev.dualkey.gateway.protect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.s3.protect.S3Refusals;
import dev.dualkey.gateway.upstream.ForwardingSharedKv;
import dev.dualkey.gateway.upstream.UpstreamObjectStore;
import dev.dualkey.gateway.upstream.MotoUpstream;
import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.mfa.otp.TotpGenerator;
import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.error.NoSuchVersionException;
import dev.dualkey.storage.keys.StoreKeys;
import dev.dualkey.storage.model.DeleteOutcome;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;
import dev.dualkey.storage.rocks.Codecs;
import dev.dualkey.storage.rocks.RocksDatabase;
import dev.dualkey.storage.rocks.RocksObjectStore;
import dev.dualkey.storage.rocks.Schema;
import dev.dualkey.storage.rocks.Table;
import dev.dualkey.storage.shared.RocksKv;
import dev.dualkey.storage.shared.SharedKv;
import dev.dualkey.testkit.MotoServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a version delete's MFA code is spent (issue 19, SECURITY.md Q2-Q4): in the delete's own WriteBatch only when
 * the wiring proves the store and the verifier's state share one RocksDatabase; everywhere else with a synced write
 * of its own that is done before the store changes anything. Each way: a replayed code is refused (400
 * InvalidArgument with ArgumentName x-amz-mfa, as before), and a delete whose batch fails spends nothing.
 */
class DeleteCodeSpendTest {
    private static final String B = "spend";

    @TempDir
    Path dir;

    private static ObjectVersion put(ProtectedFixture f, String bucket, String key) {
        try (ObjectWriter w = f.protect.newObjectWriter(f.root(null), bucket, key, ObjectMetadata.empty(),
                WriteOptions.defaults(), "s3:PutObject")) {
            w.write(ByteBuffer.wrap("body".getBytes(StandardCharsets.UTF_8)));
            return w.commit(Expectations.none());
        }
    }

    private static void mfaDeleteBucket(ProtectedFixture f, String bucket) {
        f.store.createBucket(bucket, f.owner, "us-east-1");
        assertTrue(f.protect.putBucketVersioning(f.root(f.header()), bucket,
                VersioningChange.s3(VersioningState.ENABLED, MfaDeleteState.ENABLED)).isAllowed());
    }

    /** An MFA Delete bucket {@link #B} whose key k has two versions; returns the latest. */
    private static ObjectVersion secondVersionOfK(ProtectedFixture f) {
        mfaDeleteBucket(f, B);
        put(f, B, "k");
        return put(f, B, "k");
    }

    private static boolean present(ProtectedFixture f, String bucket, ObjectVersion v) {
        try {
            f.store.headObject(bucket, "k", v.versionId());
            return true;
        } catch (NoSuchVersionException e) {
            return false;
        }
    }

    private static long lastUsedStep(ProtectedFixture f) {
        return f.mfa.store().devices().get(f.serial).orElseThrow().lastUsedStep();
    }

    /**
     * A key's latest-version record in the engine's objects table, made unreadable and put back: staging the delete
     * of the latest version re-reads it, so a riding delete then fails after its spent code was staged in the batch.
     */
    private static final class LatestRecord {
        private final RocksDatabase db;
        private final Table<byte[], byte[]> objects;
        private final byte[] objectKey;
        private final byte[] good;

        LatestRecord(ProtectedFixture f, String bucket, String key) {
            db = f.engine.database();
            objects = db.table(Schema.OBJECTS, Codecs.BYTES, Codecs.BYTES);
            objectKey = StoreKeys.objectKey(bucket, key);
            good = objects.get(objectKey).orElseThrow();
        }

        void makeUnreadable() {
            db.write(batch -> objects.put(batch, objectKey, new byte[] {(byte) 0xEE, 1, 2, 3}));
        }

        void restore() {
            db.write(batch -> objects.put(batch, objectKey, good));
        }
    }

    /**
     * A fixture whose object store is the upstream store on a freshly reset moto, its index in the very database of
     * the MFA state (as ServeCommand wires {@code serve --upstream} without {@code --state}), reached through
     * {@code wrap} so that a test can disturb or watch the index commits.
     */
    private ProtectedFixture upstreamFixture(UnaryOperator<SharedKv> wrap) throws Exception {
        MotoServer moto = MotoServer.shared(getClass().getSimpleName());
        moto.reset();
        return new ProtectedFixture(dir, List.of(RocksKv.FAMILY), engine -> UpstreamObjectStore.open(
                MotoUpstream.settings(moto, dir.resolve("spool")), wrap.apply(new RocksKv(engine.database())),
                Clock.systemUTC()));
    }

    /** The replay's S3 answer, as the handlers send it. */
    private static void assertReplayRefusedOnTheWire(Outcome<DeleteOutcome> replay, ProtectedRequest request) {
        assertEquals(Refusal.MFA_INVALID, replay.refusal());
        S3Exception e = assertThrows(S3Exception.class, () -> S3Refusals.orThrow(replay, request));
        assertEquals(400, e.error().httpStatus());
        assertEquals("InvalidArgument", e.error().code());
    }

    @Test
    void servesEmbeddedWiringSpendsTheCodeInTheDeleteBatchAndTheReplayIsRefused() {
        try (ProtectedFixture f = new ProtectedFixture(dir)) {
            assertTrue(f.protect.spendsCodeInDeleteBatch(), "store and state share the engine's database");
            mfaDeleteBucket(f, B);
            ObjectVersion v1 = put(f, B, "k");
            ObjectVersion v2 = put(f, B, "k");
            ProtectedRequest withCode = f.root(f.header());
            assertTrue(f.protect.deleteObject(withCode, B, "k", v2.versionId()).isAllowed());
            assertFalse(present(f, B, v2));
            // a stolen key with the code seen on the wire, for another version, in the same step
            ProtectedRequest replay = f.root(withCode.mfaHeader());
            assertReplayRefusedOnTheWire(f.protect.deleteObject(replay, B, "k", v1.versionId()), replay);
            assertTrue(present(f, B, v1));
            List<String> trail = f.audit(B).stream().filter(r -> r.deviceSerial() != null).map(AuditRecord::outcome)
                    .toList();
            assertEquals(List.of("ACCEPTED", "ACCEPTED", "INVALID"), trail, "versioning, the delete, the replay");
        }
    }

    /**
     * Issue 19, session 12: the verifier remembers each device's decoded record (keyed by the stored bytes). A device
     * deactivated after a check remembered it refuses its next code, on the riding path; a replay stays refused.
     */
    @Test
    void aDeviceDeactivatedAfterARememberedCheckRefusesTheDeleteAndTheReplayIsRefused() {
        try (ProtectedFixture f = new ProtectedFixture(dir)) {
            assertTrue(f.protect.spendsCodeInDeleteBatch());
            mfaDeleteBucket(f, B);
            ObjectVersion v1 = put(f, B, "k");
            ObjectVersion v2 = put(f, B, "k");
            ObjectVersion v3 = put(f, B, "k");
            ProtectedRequest first = f.root(f.header());
            assertTrue(f.protect.deleteObject(first, B, "k", v3.versionId()).isAllowed(), "remembered from here on");
            ProtectedRequest replay = f.root(first.mfaHeader());
            assertReplayRefusedOnTheWire(f.protect.deleteObject(replay, B, "k", v2.versionId()), replay);
            f.mfa.devices().deactivate(dev.dualkey.mfa.audit.Actor.operator(), f.owner, "root", f.serial);
            ProtectedRequest fresh = f.root(f.header()); // a code the device has never shown, valid by the seed
            Outcome<DeleteOutcome> refused = f.protect.deleteObject(fresh, B, "k", v1.versionId());
            assertReplayRefusedOnTheWire(refused, fresh); // MFA_INVALID: 400 InvalidArgument, x-amz-mfa
            assertTrue(present(f, B, v1));
            assertTrue(present(f, B, v2));
            assertFalse(present(f, B, v3));
        }
    }

    @Test
    void aRidingDeleteWhoseBatchFailsLeavesTheCodeUnspentAndTheVersionPresent() {
        try (ProtectedFixture f = new ProtectedFixture(dir)) {
            ObjectVersion latest = secondVersionOfK(f);
            // Injected failure: k's latest-version record is unreadable, so staging the delete of the latest version
            // (which re-reads it) throws after the spent code was staged in the same batch.
            LatestRecord record = new LatestRecord(f, B, "k");
            record.makeUnreadable();
            long before = lastUsedStep(f);
            ProtectedRequest withCode = f.root(f.header());
            assertThrows(RuntimeException.class, () -> f.protect.deleteObject(withCode, B, "k", latest.versionId()));
            record.restore();
            assertEquals(before, lastUsedStep(f), "the code is unspent");
            assertTrue(present(f, B, latest), "the version is there");
            // the same code now works once, and only once
            assertTrue(f.protect.deleteObject(withCode, B, "k", latest.versionId()).isAllowed());
            assertFalse(present(f, B, latest));
            assertEquals(Refusal.MFA_INVALID, f.protect.deleteObject(withCode, B, "k", latest.versionId()).refusal());
        }
    }

    /**
     * Audit listeners (metrics, the alert webhook) hear an accepted code only once its spend is committed: a riding
     * delete whose batch fails is heard by nobody (the code stays unspent, nothing happened); the same code's
     * successful delete is heard exactly once, after its batch; the replay is heard as INVALID.
     */
    @Test
    void aRidingDeleteWhoseBatchFailsIsHeardByNoAuditListener() {
        try (ProtectedFixture f = new ProtectedFixture(dir)) {
            ObjectVersion latest = secondVersionOfK(f);
            LatestRecord record = new LatestRecord(f, B, "k");
            List<String> heard = new ArrayList<>();
            List<Long> stepWhenHeard = new ArrayList<>();
            f.mfa.audit().addListener(r -> {
                if (r.deviceSerial() != null && B.equals(r.bucket())) {
                    heard.add(r.outcome());
                    stepWhenHeard.add(lastUsedStep(f));
                }
            });
            record.makeUnreadable();
            ProtectedRequest withCode = f.root(f.header());
            assertThrows(RuntimeException.class, () -> f.protect.deleteObject(withCode, B, "k", latest.versionId()));
            assertEquals(List.of(), heard, "a failed batch: no ACCEPTED for anyone");
            record.restore();
            assertTrue(f.protect.deleteObject(withCode, B, "k", latest.versionId()).isAllowed());
            assertEquals(List.of("ACCEPTED"), heard);
            assertEquals(TotpGenerator.stepOf(f.clock.instant()), stepWhenHeard.get(0),
                    "heard after the spend was committed");
            assertEquals(Refusal.MFA_INVALID, f.protect.deleteObject(withCode, B, "k", latest.versionId()).refusal());
            assertEquals(List.of("ACCEPTED", "INVALID"), heard);
        }
    }

    @Test
    void aStoreInAnotherDatabaseNeverRidesTheCodeIsSpentBeforeTheDelete() {
        Path other = dir.resolve("objects");
        try (ProtectedFixture f = new ProtectedFixture(dir.resolve("state"));
             dev.dualkey.storage.rocks.StorageEngine objectsEngine = dev.dualkey.storage.rocks.StorageEngine.open(
                     other, List.of(), f.clock, RocksDatabase.Settings.defaults(),
                     RocksObjectStore.Settings.defaults())) {
            ProtectedOperations elsewhere = new ProtectedOperations(objectsEngine.objectStore(), f.mfa.verifier(),
                    f.mfa.audit(), f.clock);
            assertFalse(elsewhere.spendsCodeInDeleteBatch(), "a RocksObjectStore, but not the state's database");
            objectsEngine.objectStore().createBucket(B, f.owner, "us-east-1");
            assertTrue(elsewhere.putBucketVersioning(f.root(f.header()), B,
                    VersioningChange.s3(VersioningState.ENABLED, MfaDeleteState.ENABLED)).isAllowed());
            ObjectVersion v;
            try (ObjectWriter w = elsewhere.newObjectWriter(f.root(null), B, "k", ObjectMetadata.empty(),
                    WriteOptions.defaults(), "s3:PutObject")) {
                w.write(ByteBuffer.wrap(new byte[3]));
                v = w.commit(Expectations.none());
            }
            // Spent before the store's delete begins: seen from inside the delete's precondition chain would need a
            // hook; the upstream test below watches the first irreversible write. Here: accepted once, then refused.
            ProtectedRequest withCode = f.root(f.header());
            assertTrue(elsewhere.deleteObject(withCode, B, "k", v.versionId()).isAllowed());
            assertEquals(TotpGenerator.stepOf(f.clock.instant()), lastUsedStep(f));
            assertEquals(Refusal.MFA_INVALID, elsewhere.deleteObject(withCode, B, "k", v.versionId()).refusal());
        }
    }

    /**
     * The upstream store retries its delete when the index commit loses its compare-and-set (another gateway, or a
     * concurrent request, changed the key), and runs the caller's precondition again on each attempt. The code must
     * be verified and spent once: before the fix the retry verified it again, found its step spent and refused the
     * legitimate delete (MFA_INVALID) after the code was already used up. The first index commit of the delete is
     * made to lose here (a compare that fails writes nothing, as the real one does). The rule is still decided on
     * each attempt; the code is accepted once (one ACCEPTED audit record), and replaying it afterwards is refused.
     */
    @Test
    void theUpstreamStoresRetryAfterALostIndexRaceDoesNotVerifyTheCodeTwice() throws Exception {
        int[] toLose = {0};
        int[] lost = {0};
        try (ProtectedFixture f = upstreamFixture(index -> new ForwardingSharedKv(index) {
            @Override
            public boolean commit(List<Compare> compares, List<Write> writes) {
                if (toLose[0] > 0 && !compares.isEmpty()) {
                    toLose[0]--;
                    lost[0]++;
                    return false; // lost the compare: nothing written
                }
                return super.commit(compares, writes);
            }
        })) {
            try {
                mfaDeleteBucket(f, B);
                ObjectVersion v1 = put(f, B, "k");
                ObjectVersion v2 = put(f, B, "k");
                ProtectedRequest withCode = f.root(f.header());
                toLose[0] = 1;
                Outcome<DeleteOutcome> deleted = f.protect.deleteObject(withCode, B, "k", v2.versionId());
                assertEquals(1, lost[0], "the first index commit of the delete lost its race");
                assertTrue(deleted.isAllowed(), "refused after a lost race: " + deleted.refusal());
                assertFalse(present(f, B, v2));
                assertEquals(TotpGenerator.stepOf(f.clock.instant()), lastUsedStep(f));
                List<String> trail = f.audit(B).stream().filter(r -> r.deviceSerial() != null)
                        .map(AuditRecord::outcome).toList();
                assertEquals(List.of("ACCEPTED", "ACCEPTED"), trail, "versioning, then the delete's code once");
                ProtectedRequest replay = f.root(withCode.mfaHeader());
                assertReplayRefusedOnTheWire(f.protect.deleteObject(replay, B, "k", v1.versionId()), replay);
                assertTrue(present(f, B, v1));
                // PutBucketVersioning retries the same way: one code, one lost race, accepted once
                toLose[0] = 1;
                lost[0] = 0;
                assertTrue(f.protect.putBucketVersioning(f.root(f.header()), B,
                        VersioningChange.s3(VersioningState.SUSPENDED, MfaDeleteState.ENABLED)).isAllowed());
                assertEquals(1, lost[0], "the versioning change lost its first race");
                assertEquals(VersioningState.SUSPENDED, f.store.headBucket(B).versioning());
            } finally {
                f.store.close();
            }
        }
    }

    /**
     * {@code serve --upstream} with embedded state: the upstream store's index is in the very database of the MFA
     * state, yet its delete commits the index and then removes the upstream object (irreversible), so the code must
     * not ride: it must be spent, synced, before the index commit. The index is watched at its first commit of the
     * delete: the device's last accepted step must already be the code's. If the code rode in any later write, the
     * step seen there would be the old one and this test would fail.
     */
    @Test
    void theUpstreamStoreWithItsIndexInTheStatesDatabaseSpendsTheCodeBeforeItsIndexCommit() throws Exception {
        List<Long> stepsAtIndexCommits = new ArrayList<>();
        ProtectedFixture[] fixture = new ProtectedFixture[1];
        boolean[] watching = {false};
        try (ProtectedFixture f = upstreamFixture(index -> new ForwardingSharedKv(index) {
            @Override
            public boolean commit(List<Compare> compares, List<Write> writes) {
                if (watching[0]) {
                    stepsAtIndexCommits.add(lastUsedStep(fixture[0]));
                }
                return super.commit(compares, writes);
            }
        })) {
            fixture[0] = f;
            try {
                assertFalse(f.protect.spendsCodeInDeleteBatch(), "the upstream store never rides");
                mfaDeleteBucket(f, B);
                ObjectVersion v1 = put(f, B, "k");
                ObjectVersion v2 = put(f, B, "k");
                ProtectedRequest withCode = f.root(f.header());
                long step = TotpGenerator.stepOf(f.clock.instant());
                assertTrue(lastUsedStep(f) < step);
                watching[0] = true;
                assertTrue(f.protect.deleteObject(withCode, B, "k", v2.versionId()).isAllowed());
                watching[0] = false;
                assertFalse(stepsAtIndexCommits.isEmpty(), "the delete committed its index");
                assertEquals(step, stepsAtIndexCommits.get(0), "spent before the delete's first index commit");
                assertFalse(present(f, B, v2));
                ProtectedRequest replay = f.root(withCode.mfaHeader());
                assertReplayRefusedOnTheWire(f.protect.deleteObject(replay, B, "k", v1.versionId()), replay);
                assertTrue(present(f, B, v1));
            } finally {
                f.store.close();
            }
        }
    }
}

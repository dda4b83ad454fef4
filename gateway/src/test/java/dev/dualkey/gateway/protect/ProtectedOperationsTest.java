package dev.dualkey.gateway.protect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.PartWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.CompletedPart;
import dev.dualkey.storage.model.ListVersionsQuery;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.PartInfo;
import dev.dualkey.storage.model.VersioningState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service over a real store and the real verifier (one database, codes from a fixed clock): the rules run
 * inside the store's update, on the state it replaces (finding 3), and D9 for every kind of write (finding 4).
 */
class ProtectedOperationsTest {
    private static final String B = "vault";

    @TempDir
    Path dir;
    private ProtectedFixture f;

    @BeforeEach
    void open() {
        f = new ProtectedFixture(dir);
        f.store.createBucket(B, f.owner, "us-east-1");
    }

    @AfterEach
    void close() {
        f.close();
    }

    private Outcome<BucketInfo> versioning(ProtectedRequest r, VersioningChange c) {
        return f.protect.putBucketVersioning(r, B, c);
    }

    private void suspendedWithMfaDelete() {
        assertTrue(versioning(f.root(null), VersioningChange.s3(VersioningState.ENABLED, null)).isAllowed());
        assertTrue(versioning(f.root(f.header()), VersioningChange.s3(VersioningState.SUSPENDED,
                MfaDeleteState.ENABLED)).isAllowed());
    }

    private ObjectVersion put(ProtectedRequest r, String key, String body) {
        try (ObjectWriter w = f.protect.newObjectWriter(r, B, key, ObjectMetadata.empty(), WriteOptions.defaults(),
                "s3:PutObject")) {
            w.write(ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)));
            return w.commit(Expectations.none());
        }
    }

    private String read(String key) throws Exception {
        try (ObjectReader r = f.store.openObject(B, key, null)) {
            return new String(r.openStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private Refusal putRefusal(ProtectedRequest r, String key, String body) {
        return assertThrows(ProtectedRefusalException.class, () -> put(r, key, body)).refusal();
    }

    @Test
    void theConsolesFormIsJudgedAgainstTheStateInsideTheUpdateNotTheOneItWasDrawnFrom() {
        assertTrue(versioning(f.root(null), VersioningChange.desired(VersioningState.ENABLED, false)).isAllowed());
        // an IAM user's form, drawn while MFA Delete was off, says "Suspended, MFA Delete off"
        VersioningChange staleForm = VersioningChange.desired(VersioningState.SUSPENDED, false);
        // meanwhile root turns MFA Delete on with a code
        assertTrue(versioning(f.root(f.header()), VersioningChange.desired(VersioningState.ENABLED, true))
                .isAllowed());
        assertEquals(Refusal.MFA_REQUIRED, versioning(f.user("alice", null), staleForm).refusal());
        assertEquals(Refusal.NOT_BUCKET_OWNER, versioning(f.user("alice", f.header()), staleForm).refusal());
        BucketInfo b = f.store.headBucket(B);
        assertEquals(MfaDeleteState.ENABLED, b.mfaDelete());
        assertEquals(VersioningState.ENABLED, b.versioning());
    }

    @Test
    void aConsoleFormThatAsksForTheCurrentStateChangesNothingAndNeedsNothing() {
        suspendedWithMfaDelete();
        int before = f.audit(B).size();
        assertTrue(versioning(f.user("alice", null), VersioningChange.desired(VersioningState.SUSPENDED, true))
                .isAllowed());
        assertEquals(before, f.audit(B).size(), "nothing checked, nothing audited");
        // ... while an S3 no-op still needs the code (D1)
        assertEquals(Refusal.MFA_REQUIRED, versioning(f.root(null), VersioningChange.s3(VersioningState.SUSPENDED,
                null)).refusal());
    }

    @Test
    void turningMfaDeleteOffFromTheConsoleNeedsTheOwnersCode() {
        suspendedWithMfaDelete();
        assertEquals(Refusal.MFA_REQUIRED,
                versioning(f.root(null), VersioningChange.desired(VersioningState.SUSPENDED, false)).refusal());
        assertTrue(versioning(f.root(f.header()), VersioningChange.desired(VersioningState.SUSPENDED, false))
                .isAllowed());
        assertEquals(MfaDeleteState.DISABLED, f.store.headBucket(B).mfaDelete());
    }

    @Test
    void concurrentFormsNeverUndoAnAcceptedEnable() throws Exception {
        versioning(f.root(null), VersioningChange.desired(VersioningState.ENABLED, false));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean enabled = new AtomicBoolean();
        AtomicBoolean lost = new AtomicBoolean();
        Thread attacker = new Thread(() -> {
            boolean suspend = false;
            while (!stop.get()) {
                versioning(f.user("alice", null), VersioningChange.desired(
                        suspend ? VersioningState.SUSPENDED : VersioningState.ENABLED, false));
                suspend = !suspend;
                if (enabled.get() && f.store.headBucket(B).mfaDelete() != MfaDeleteState.ENABLED) {
                    lost.set(true);
                }
            }
        });
        attacker.start();
        try {
            Thread.sleep(50);
            Outcome<BucketInfo> on = versioning(f.root(f.header()),
                    VersioningChange.desired(VersioningState.ENABLED, true));
            assertTrue(on.isAllowed());
            enabled.set(true);
            Thread.sleep(200);
        } finally {
            stop.set(true);
            attacker.join();
        }
        assertFalse(lost.get(), "MFA Delete went off after root's accepted enable");
        assertEquals(MfaDeleteState.ENABLED, f.store.headBucket(B).mfaDelete());
    }

    @Test
    void deletesAreJudgedInsideTheStoresDelete() {
        suspendedWithMfaDelete();
        put(f.root(null), "k", "one");
        // D2: a plain delete on a Suspended bucket would replace the null version
        assertEquals(Refusal.MFA_REQUIRED, f.protect.deleteObject(f.user("alice", null), B, "k", null).refusal());
        assertEquals(Refusal.MFA_REQUIRED, f.protect.deleteObject(f.root(null), B, "k", "null").refusal());
        assertEquals(Refusal.NOT_BUCKET_OWNER,
                f.protect.deleteObject(f.user("alice", f.header()), B, "k", "null").refusal());
        assertTrue(f.protect.deleteObject(f.root(f.header()), B, "k", "null").isAllowed());
        assertEquals(0, f.store.listObjectVersions(B, new ListVersionsQuery("", null, null, null, 100))
                .versions().size());
        List<AuditRecord> accepted = f.audit(B).stream().filter(r -> r.outcome().equals("ACCEPTED")).toList();
        assertEquals("s3:DeleteObjectVersion", accepted.get(accepted.size() - 1).action());
    }

    @Test
    void d9aPutThatReplacesTheNullVersionNeedsTheOwnersCode() throws Exception {
        suspendedWithMfaDelete();
        put(f.root(null), "k", "original"); // a new key needs nothing
        assertEquals(Refusal.MFA_REQUIRED, putRefusal(f.user("alice", null), "k", "evil"));
        assertEquals(Refusal.MFA_REQUIRED, putRefusal(f.root(null), "k", "evil"));
        assertEquals(Refusal.NOT_BUCKET_OWNER, putRefusal(f.user("alice", f.header()), "k", "evil"));
        assertEquals(Refusal.MFA_MALFORMED, putRefusal(f.root("123456"), "k", "evil"));
        assertEquals("original", read("k"));
        String h = f.header();
        assertTrue(put(f.root(h), "k", "replaced").isNullVersion());
        assertEquals(Refusal.MFA_INVALID, putRefusal(f.root(h), "k", "again"), "a code works once");
        assertEquals("replaced", read("k"));
        AuditRecord last = f.audit(B).stream().filter(r -> r.outcome().equals("ACCEPTED")).reduce((a, b) -> b)
                .orElseThrow();
        assertEquals("s3:PutObject", last.action());
        assertEquals("k", last.key());
    }

    @Test
    void d9aNullDeleteMarkerIsAVersionToo() {
        suspendedWithMfaDelete();
        put(f.root(null), "k", "one");
        assertTrue(f.protect.deleteObject(f.root(f.header()), B, "k", null).isAllowed()); // null marker now
        assertEquals(Refusal.MFA_REQUIRED, putRefusal(f.root(null), "k", "two"));
    }

    @Test
    void d9aHeaderOnAWriteThatReplacesNothingIsIgnoredNotConsumed() {
        suspendedWithMfaDelete();
        String h = f.header();
        put(f.root(h), "new-key", "x");
        put(f.root("garbage"), "other-key", "x");
        assertTrue(f.protect.deleteObject(f.root(h), B, "new-key", "null").isAllowed(), "the code is still fresh");
    }

    @Test
    void d9doesNotApplyWhenVersioningIsEnabledOrMfaDeleteOff() {
        versioning(f.root(null), VersioningChange.s3(VersioningState.ENABLED, null));
        put(f.root(null), "k", "one");
        put(f.user("alice", null), "k", "two");
        versioning(f.root(null), VersioningChange.s3(VersioningState.SUSPENDED, null));
        put(f.user("alice", null), "k", "three");
        put(f.user("alice", null), "k", "four"); // replaces a null version, but MFA Delete is off
        assertTrue(f.audit(B).isEmpty());
    }

    @Test
    void d9copyObjectOverTheNullVersion() throws Exception {
        suspendedWithMfaDelete();
        put(f.root(null), "k", "original");
        put(f.root(null), "src", "evil");
        Outcome<?> refused = f.protect.copyObject(f.user("alice", null), B, "src", null, B, "k", null,
                WriteOptions.defaults());
        assertEquals(Refusal.MFA_REQUIRED, refused.refusal());
        assertEquals("original", read("k"));
        assertTrue(f.protect.copyObject(f.user("alice", null), B, "src", null, B, "fresh", null,
                WriteOptions.defaults()).isAllowed());
        assertTrue(f.protect.copyObject(f.root(f.header()), B, "src", null, B, "k", null,
                WriteOptions.defaults()).isAllowed());
        assertEquals("evil", read("k"));
    }

    @Test
    void d9completeMultipartUploadRefusedLeavesTheUploadToCompleteWithACode() throws Exception {
        suspendedWithMfaDelete();
        put(f.root(null), "k", "original");
        String uploadId = f.store.createMultipartUpload(B, "k", ObjectMetadata.empty(), WriteOptions.defaults())
                .uploadId();
        PartInfo part;
        try (PartWriter w = f.store.newPartWriter(B, "k", uploadId, 1)) {
            w.write(ByteBuffer.wrap("multipart".getBytes(StandardCharsets.UTF_8)));
            part = w.commit(Expectations.none());
        }
        List<CompletedPart> parts = List.of(new CompletedPart(1, part.etag()));
        assertEquals(Refusal.MFA_REQUIRED,
                f.protect.completeMultipartUpload(f.user("alice", null), B, "k", uploadId, parts).refusal());
        assertEquals("original", read("k"));
        Outcome<ObjectVersion> done = f.protect.completeMultipartUpload(f.root(f.header()), B, "k", uploadId, parts);
        assertTrue(done.isAllowed());
        assertNull(done.refusal());
        assertEquals("multipart", read("k"));
    }

    @Test
    void withoutAVerifierEveryChangeThatNeedsACodeIsRefused() {
        suspendedWithMfaDelete();
        put(f.root(null), "k", "one");
        ProtectedOperations bare = new ProtectedOperations(f.store, null, null, f.clock);
        assertEquals(Refusal.MFA_INVALID, bare.deleteObject(f.root(f.header()), B, "k", "null").refusal());
    }
}

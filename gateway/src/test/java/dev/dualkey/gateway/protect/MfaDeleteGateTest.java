package dev.dualkey.gateway.protect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.gateway.identity.MutableClock;
import dev.dualkey.mfa.MfaConfig;
import dev.dualkey.mfa.MfaServices;
import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.mfa.device.CreatedVirtualDevice;
import dev.dualkey.mfa.otp.Base32;
import dev.dualkey.mfa.otp.TotpGenerator;
import dev.dualkey.mfa.secret.PasswordHasher;
import dev.dualkey.mfa.store.MfaSchema;
import dev.dualkey.mfa.audit.Actor;
import dev.dualkey.storage.model.BucketConfig;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.VersioningState;
import dev.dualkey.storage.rocks.RocksDatabase;
import dev.dualkey.storage.rocks.WriteRide;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate's decision table (spec §1.2) and error order, over the real mfa layer: a root virtual device enabled
 * with two consecutive codes, codes computed from its seed, time moved by a mutable clock (never slept).
 */
class MfaDeleteGateTest {

    @TempDir
    Path dir;
    private RocksDatabase db;
    private MfaServices mfa;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T00:00:00Z"));
    private MfaDeleteGate gate;
    private String owner;
    private String serial;
    private byte[] seed;

    @BeforeEach
    void open() {
        db = RocksDatabase.open(dir.resolve("db"), MfaSchema.FAMILIES);
        mfa = MfaServices.open(db, dir, MfaConfig.defaults(clock).withEnvironment(Map.of())
                .withPasswordParams(PasswordHasher.Params.forTests()));
        owner = mfa.identity().bootstrap(null, null, null).account().accountId();
        CreatedVirtualDevice d = mfa.devices().createVirtualDevice(Actor.operator(), owner, null, "root-mfa", null,
                null);
        serial = d.device().serialNumber();
        seed = Base32.decode(d.base32StringSeed());
        mfa.devices().enable(Actor.operator(), owner, "root", serial, codeAt(-1), codeAt(0));
        clock.advance(Duration.ofSeconds(30));
        gate = new MfaDeleteGate(mfa.verifier(), mfa.audit(), clock);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private String codeAt(int stepsFromNow) {
        return TotpGenerator.code(seed, TotpGenerator.stepOf(clock.instant()) + stepsFromNow);
    }

    private String header() {
        return serial + " " + codeAt(0);
    }

    private BucketInfo bucket(VersioningState v, MfaDeleteState m) {
        return new BucketInfo("b1", owner, Instant.EPOCH, "us-east-1",
                BucketConfig.initial().withVersioning(v).withMfaDelete(m));
    }

    private ProtectedRequest root(String header) {
        return new ProtectedRequest(Principal.root(owner), "AKIAROOT", header, true, "127.0.0.1");
    }

    private static void expect(Refusal refusal, Runnable r) {
        ProtectedRefusalException e = assertThrows(ProtectedRefusalException.class, r::run);
        assertEquals(refusal, e.refusal());
    }

    // The gate as ProtectedOperations calls it inside the store's update (rule, then check).
    private void checkPutBucketVersioning(ProtectedRequest r, BucketInfo b, MfaDeleteState element) {
        if (MfaDeleteGate.versioningChangeNeedsCode(b.config(), element)) {
            gate.enforce(r, b, "s3:PutBucketVersioning", null, null, null, null);
        }
    }

    private void checkDeleteObject(ProtectedRequest r, BucketInfo b, String key, String versionId) {
        checkDeleteObject(r, b, key, versionId, null);
    }

    private void checkDeleteObject(ProtectedRequest r, BucketInfo b, String key, String versionId, WriteRide s) {
        if (MfaDeleteGate.deleteNeedsCode(b, versionId)) {
            gate.enforce(r, b, "s3:DeleteObjectVersion", key, versionId, null, s);
        }
    }

    private List<AuditRecord> gateRecords() {
        return mfa.audit().read(Instant.EPOCH, 1000).stream()
                .filter(r -> "b1".equals(r.bucket())).toList();
    }

    @Test
    void versioningChangeWithoutMfaDeleteElementOnUnprotectedBucketNeedsNothing() {
        checkPutBucketVersioning(root(null), bucket(VersioningState.UNVERSIONED,
                MfaDeleteState.NEVER_CONFIGURED), null);
        assertTrue(gateRecords().isEmpty());
    }

    @Test
    void settingMfaDeleteNeedsTheHeaderAndTheRefusalIsAudited() {
        expect(Refusal.MFA_REQUIRED, () -> checkPutBucketVersioning(root(null),
                bucket(VersioningState.UNVERSIONED, MfaDeleteState.NEVER_CONFIGURED), MfaDeleteState.ENABLED));
        AuditRecord r = gateRecords().get(0);
        assertEquals("DENIED", r.outcome());
        assertEquals("s3:PutBucketVersioning", r.action());
        assertEquals(Principal.root(owner).arn(), r.principal());
    }

    @Test
    void anAcceptedCodeRidesUntilSettledAndARefusedOneIsWrittenAtOnce() {
        BucketInfo b = bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED);
        String h = header();
        assertTrue(gate.canRideIn(db), "the verifier's state is in this database");
        WriteRide first = new WriteRide(db);
        checkDeleteObject(root(h), b, "k", "v1", first);
        assertTrue(first.pending(), "an accepted code rides until the delete's write or the settle");
        assertTrue(gateRecords().isEmpty(), "nothing written yet: the ACCEPTED record is in the ride");
        first.settle(); // no delete wrote: written alone
        assertFalse(first.pending());
        WriteRide replay = new WriteRide(db);
        expect(Refusal.MFA_INVALID, () -> checkDeleteObject(root(h), b, "k", "v2", replay));
        assertFalse(replay.pending(), "a refused code's record is written synced by the check itself");
        replay.settle();
        WriteRide plain = new WriteRide(db);
        checkDeleteObject(root(null), bucket(VersioningState.ENABLED, MfaDeleteState.NEVER_CONFIGURED), "k",
                "v3", plain);
        assertFalse(plain.pending(), "no code checked, nothing rides");
        assertEquals(List.of("ACCEPTED", "INVALID"), gateRecords().stream().map(AuditRecord::outcome).toList());
    }

    @Test
    void aValidCodeIsAcceptedOnceAndAuditedWithTheRequestDetails() {
        BucketInfo b = bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED);
        String h = header();
        checkDeleteObject(root(h), b, "k", "v1");
        expect(Refusal.MFA_INVALID, () -> checkDeleteObject(root(h), b, "k", "v2"));
        List<AuditRecord> trail = gateRecords();
        assertEquals("ACCEPTED", trail.get(0).outcome());
        assertEquals("s3:DeleteObjectVersion", trail.get(0).action());
        assertEquals("k", trail.get(0).key());
        assertEquals("v1", trail.get(0).versionId());
        assertEquals(serial, trail.get(0).deviceSerial());
        assertEquals("AKIAROOT", trail.get(0).accessKeyId());
        assertEquals("INVALID", trail.get(1).outcome());
        for (AuditRecord r : trail) {
            assertFalse(r.toString().contains(h.substring(h.length() - 6)), "the audit log never holds a code");
        }
    }

    @Test
    void anyVersioningRequestWhileEnabledNeedsTheCodeEvenANoOp() {
        BucketInfo b = bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED);
        expect(Refusal.MFA_REQUIRED, () -> checkPutBucketVersioning(root(null), b, null));
        checkPutBucketVersioning(root(header()), b, null);
    }

    @Test
    void iamUserIsRefusedAsNonOwnerWithoutBurningTheCode() {
        BucketInfo b = bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED);
        String h = header();
        ProtectedRequest user = new ProtectedRequest(Principal.user(owner, "alice"), "AKIAUSER", h, true, "127.0.0.1");
        expect(Refusal.NOT_BUCKET_OWNER, () -> checkDeleteObject(user, b, "k", "v1"));
        checkDeleteObject(root(h), b, "k", "v1"); // the owner's code is still fresh
    }

    @Test
    void rootOfAnotherAccountIsRefusedAsNonOwner() {
        ProtectedRequest other = new ProtectedRequest(Principal.root("222222222222"), "AKIAOTHER", header(), true,
                "127.0.0.1");
        expect(Refusal.NOT_BUCKET_OWNER, () -> checkDeleteObject(other,
                bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED), "k", "v1"));
    }

    @Test
    void malformedHeaderIsInvalidArgumentWithArgumentNameAndValue() {
        expect(Refusal.MFA_MALFORMED, () -> checkDeleteObject(root("970589"),
                bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED), "k", "v1"));
    }

    @Test
    void wrongCodeAndUnknownSerialAnswerAlikeWithoutEchoingTheCode() {
        BucketInfo b = bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED);
        String wrong = codeAt(0).equals("000000") ? "111111" : "000000";
        expect(Refusal.MFA_INVALID,
                () -> checkDeleteObject(root(serial + " " + wrong), b, "k", "v1"));
        expect(Refusal.MFA_INVALID,
                () -> checkDeleteObject(root("GAHT99999999 " + codeAt(0)), b, "k", "v1"));
    }

    @Test
    void aCodeFromAnotherAccountsDeviceIsRefused() {
        String other = mfa.identity().createAccount(Actor.operator(), null).account().accountId();
        CreatedVirtualDevice d = mfa.devices().createVirtualDevice(Actor.operator(), other, null, "other-root", null,
                null);
        byte[] otherSeed = Base32.decode(d.base32StringSeed());
        long now = TotpGenerator.stepOf(clock.instant());
        mfa.devices().enable(Actor.operator(), other, "root", d.device().serialNumber(),
                TotpGenerator.code(otherSeed, now - 1), TotpGenerator.code(otherSeed, now));
        clock.advance(Duration.ofSeconds(30));
        String h = d.device().serialNumber() + " " + TotpGenerator.code(otherSeed, now + 1);
        expect(Refusal.MFA_INVALID, () -> checkDeleteObject(root(h),
                bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED), "k", "v1"));
    }

    @Test
    void plainHttpOnANonLoopbackListenerIsRefusedBeforeTheCodeIsChecked() {
        BucketInfo b = bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED);
        String h = header();
        ProtectedRequest insecure = new ProtectedRequest(Principal.root(owner), "AKIAROOT", h, false, "10.0.0.1");
        expect(Refusal.MFA_OVER_HTTP, () -> checkDeleteObject(insecure, b, "k", "v1"));
        checkDeleteObject(root(h), b, "k", "v1"); // not consumed
    }

    @Test
    void deleteMarkerCreationNeedsNothingButVersionDeletesDo() {
        BucketInfo b = bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED);
        checkDeleteObject(root(null), b, "k", null);
        expect(Refusal.MFA_REQUIRED, () -> checkDeleteObject(root(null), b, "k", "null"));
    }

    @Test
    void suspendedBucketPlainDeleteNeedsTheCode() {
        expect(Refusal.MFA_REQUIRED, () -> checkDeleteObject(root(null),
                bucket(VersioningState.SUSPENDED, MfaDeleteState.ENABLED), "k", null));
    }

    @Test
    void headerIsIgnoredAndNotConsumedWhenMfaDeleteIsOffOrDisabled() {
        String h = header();
        for (MfaDeleteState m : List.of(MfaDeleteState.NEVER_CONFIGURED, MfaDeleteState.DISABLED)) {
            BucketInfo b = bucket(VersioningState.ENABLED, m);
            checkDeleteObject(root("garbage"), b, "k", "v1");
            checkDeleteObject(root(h), b, "k", "v1");
            gate.checkDeleteObjects(root(h), b, Arrays.asList("v1", null));
        }
        assertTrue(gateRecords().isEmpty());
        checkDeleteObject(root(h), bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED), "k", "v1");
    }

    @Test
    void deleteObjectsWithAVersionedEntryNeedsOneCodeForTheWholeRequest() {
        BucketInfo b = bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED);
        gate.checkDeleteObjects(root(null), b, Arrays.asList(null, null));
        expect(Refusal.MFA_REQUIRED, () -> gate.checkDeleteObjects(root(null), b, Arrays.asList(null, "v1")));
        gate.checkDeleteObjects(root(header()), b, Arrays.asList("v1", "v2", null));
    }

    @Test
    void deleteObjectsReportsWhetherACodeCoversTheRequestAndEntriesAreReCheckedOtherwise() {
        BucketInfo on = bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED);
        BucketInfo off = bucket(VersioningState.ENABLED, MfaDeleteState.NEVER_CONFIGURED);
        assertFalse(gate.checkDeleteObjects(root(null), off, Arrays.asList("v1", null)));
        assertFalse(gate.checkDeleteObjects(root(null), on, Arrays.asList(null, null)));
        assertTrue(gate.checkDeleteObjects(root(header()), on, Arrays.asList("v1", null)));
        // no code was accepted, and MFA Delete was turned on before this entry's delete ran
        gate.checkDeleteObjectsEntry(root(null), off, "k", "v1");
        gate.checkDeleteObjectsEntry(root(null), on, "k", null);
        expect(Refusal.MFA_REQUIRED,
                () -> gate.checkDeleteObjectsEntry(root(null), on, "k", "v1"));
        expect(Refusal.MFA_REQUIRED, () -> gate.checkDeleteObjectsEntry(root(null),
                bucket(VersioningState.SUSPENDED, MfaDeleteState.ENABLED), "k", null));
    }

    @Test
    void deleteObjectsWithAnInvalidHeaderFailsWhateverTheEntries() {
        BucketInfo b = bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED);
        String h = header();
        gate.checkDeleteObjects(root(h), b, Arrays.asList((String) null));
        expect(Refusal.MFA_INVALID, () -> gate.checkDeleteObjects(root(h), b, Arrays.asList(null, null)));
        expect(Refusal.MFA_MALFORMED, () -> gate.checkDeleteObjects(root("x"), b, Arrays.asList(null, null)));
    }

    @Test
    void sessionCredentialsWithACodeAreRefusedBeforeTheOwnerCheckAndWithoutBurningTheCode() {
        BucketInfo b = bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED);
        String h = header();
        Principal rootSession = new Principal(owner, "root", true, Principal.root(owner).arn(), true,
                clock.instant());
        expect(Refusal.MFA_WITH_SESSION_CREDENTIALS, () -> checkDeleteObject(
                new ProtectedRequest(rootSession, "ASIAROOT", h, true, "127.0.0.1"), b, "k", "v1"));
        Principal userSession = new Principal(owner, "alice", false, Principal.user(owner, "alice").arn(), true,
                null);
        expect(Refusal.MFA_WITH_SESSION_CREDENTIALS, () -> checkPutBucketVersioning(
                new ProtectedRequest(userSession, "ASIAUSER", h, true, "127.0.0.1"), b, null));
        // without the header a session is simply missing the code
        expect(Refusal.MFA_REQUIRED, () -> checkDeleteObject(
                new ProtectedRequest(rootSession, "ASIAROOT", null, true, "127.0.0.1"), b, "k", "v1"));
        assertEquals(List.of("DENIED", "DENIED", "DENIED"),
                gateRecords().stream().map(AuditRecord::outcome).toList());
        assertTrue(gateRecords().get(0).reason().startsWith("SESSION_CREDENTIALS"));
        checkDeleteObject(root(h), b, "k", "v1"); // the code was not consumed
    }

    @Test
    void anOverwriteNeedsACodeOnlyWhenItReplacesTheNullVersionOfASuspendedProtectedBucket() {
        assertTrue(MfaDeleteGate.overwriteNeedsCode(bucket(VersioningState.SUSPENDED, MfaDeleteState.ENABLED), true));
        assertFalse(MfaDeleteGate.overwriteNeedsCode(bucket(VersioningState.SUSPENDED, MfaDeleteState.ENABLED),
                false));
        assertFalse(MfaDeleteGate.overwriteNeedsCode(bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED), true));
        assertFalse(MfaDeleteGate.overwriteNeedsCode(bucket(VersioningState.SUSPENDED, MfaDeleteState.DISABLED),
                true));
    }
}

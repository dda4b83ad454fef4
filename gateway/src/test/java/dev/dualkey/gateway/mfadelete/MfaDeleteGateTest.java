package dev.dualkey.gateway.mfadelete;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.gateway.identity.MutableClock;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
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

    private MfaRequest root(String header) {
        return new MfaRequest(Principal.root(owner), "AKIAROOT", header, true, "127.0.0.1");
    }

    private static S3Exception expect(S3ErrorCode code, Runnable r) {
        S3Exception e = assertThrows(S3Exception.class, r::run);
        assertEquals(code, e.error());
        return e;
    }

    private List<AuditRecord> gateRecords() {
        return mfa.audit().read(Instant.EPOCH, 1000).stream()
                .filter(r -> "b1".equals(r.bucket())).toList();
    }

    @Test
    void versioningChangeWithoutMfaDeleteElementOnUnprotectedBucketNeedsNothing() {
        gate.checkPutBucketVersioning(root(null), bucket(VersioningState.UNVERSIONED,
                MfaDeleteState.NEVER_CONFIGURED), null);
        assertTrue(gateRecords().isEmpty());
    }

    @Test
    void settingMfaDeleteNeedsTheHeaderAndTheRefusalIsAudited() {
        S3Exception e = expect(S3ErrorCode.ACCESS_DENIED, () -> gate.checkPutBucketVersioning(root(null),
                bucket(VersioningState.UNVERSIONED, MfaDeleteState.NEVER_CONFIGURED), MfaDeleteState.ENABLED));
        assertEquals(MfaDeleteGate.MFA_REQUIRED, e.getMessage());
        AuditRecord r = gateRecords().get(0);
        assertEquals("DENIED", r.outcome());
        assertEquals("s3:PutBucketVersioning", r.action());
        assertEquals(Principal.root(owner).arn(), r.principal());
    }

    @Test
    void aCodeCheckSharingTheDeletesSyncIsPendingUntilSettledAndRefusedOnReplay() {
        BucketInfo b = bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED);
        String h = header();
        PendingSync first = gate.pendingSync();
        gate.checkDeleteObject(root(h), b, "k", "v1", first);
        assertTrue(first.pending(), "an accepted code must be settled before the answer");
        first.settle();
        assertFalse(first.pending());
        PendingSync replay = gate.pendingSync();
        expect(S3ErrorCode.INVALID_ARGUMENT, () -> gate.checkDeleteObject(root(h), b, "k", "v2", replay));
        assertTrue(replay.pending(), "a refused code's failure record must be settled too");
        replay.settle();
        PendingSync plain = gate.pendingSync();
        gate.checkDeleteObject(root(null), bucket(VersioningState.ENABLED, MfaDeleteState.NEVER_CONFIGURED), "k",
                "v3", plain);
        assertFalse(plain.pending(), "no code checked, nothing to sync");
        assertEquals(List.of("ACCEPTED", "INVALID"), gateRecords().stream().map(AuditRecord::outcome).toList());
    }

    @Test
    void aValidCodeIsAcceptedOnceAndAuditedWithTheRequestDetails() {
        BucketInfo b = bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED);
        String h = header();
        gate.checkDeleteObject(root(h), b, "k", "v1");
        expect(S3ErrorCode.INVALID_ARGUMENT, () -> gate.checkDeleteObject(root(h), b, "k", "v2"));
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
        expect(S3ErrorCode.ACCESS_DENIED, () -> gate.checkPutBucketVersioning(root(null), b, null));
        gate.checkPutBucketVersioning(root(header()), b, null);
    }

    @Test
    void iamUserIsRefusedAsNonOwnerWithoutBurningTheCode() {
        BucketInfo b = bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED);
        String h = header();
        MfaRequest user = new MfaRequest(Principal.user(owner, "alice"), "AKIAUSER", h, true, "127.0.0.1");
        S3Exception e = expect(S3ErrorCode.ACCESS_DENIED, () -> gate.checkDeleteObject(user, b, "k", "v1"));
        assertEquals(MfaDeleteGate.OWNER_ONLY, e.getMessage());
        gate.checkDeleteObject(root(h), b, "k", "v1"); // the owner's code is still fresh
    }

    @Test
    void rootOfAnotherAccountIsRefusedAsNonOwner() {
        MfaRequest other = new MfaRequest(Principal.root("222222222222"), "AKIAOTHER", header(), true, "127.0.0.1");
        expect(S3ErrorCode.ACCESS_DENIED, () -> gate.checkDeleteObject(other,
                bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED), "k", "v1"));
    }

    @Test
    void malformedHeaderIsInvalidArgumentWithArgumentNameAndValue() {
        S3Exception e = expect(S3ErrorCode.INVALID_ARGUMENT, () -> gate.checkDeleteObject(root("970589"),
                bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED), "k", "v1"));
        assertEquals(MfaDeleteGate.HEADER_INVALID, e.getMessage());
        assertEquals("x-amz-mfa", e.extras().get("ArgumentName"));
        assertEquals("970589", e.extras().get("ArgumentValue"));
    }

    @Test
    void wrongCodeAndUnknownSerialAnswerAlikeWithoutEchoingTheCode() {
        BucketInfo b = bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED);
        String wrong = codeAt(0).equals("000000") ? "111111" : "000000";
        S3Exception e1 = expect(S3ErrorCode.INVALID_ARGUMENT,
                () -> gate.checkDeleteObject(root(serial + " " + wrong), b, "k", "v1"));
        S3Exception e2 = expect(S3ErrorCode.INVALID_ARGUMENT,
                () -> gate.checkDeleteObject(root("GAHT99999999 " + codeAt(0)), b, "k", "v1"));
        assertEquals(e1.getMessage(), e2.getMessage());
        assertEquals(e1.extras(), e2.extras());
        assertNull(e1.extras().get("ArgumentValue"));
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
        expect(S3ErrorCode.INVALID_ARGUMENT, () -> gate.checkDeleteObject(root(h),
                bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED), "k", "v1"));
    }

    @Test
    void plainHttpOnANonLoopbackListenerIsRefusedBeforeTheCodeIsChecked() {
        BucketInfo b = bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED);
        String h = header();
        MfaRequest insecure = new MfaRequest(Principal.root(owner), "AKIAROOT", h, false, "10.0.0.1");
        S3Exception e = expect(S3ErrorCode.INVALID_REQUEST, () -> gate.checkDeleteObject(insecure, b, "k", "v1"));
        assertEquals(MfaDeleteGate.HTTPS_REQUIRED, e.getMessage());
        gate.checkDeleteObject(root(h), b, "k", "v1"); // not consumed
    }

    @Test
    void deleteMarkerCreationNeedsNothingButVersionDeletesDo() {
        BucketInfo b = bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED);
        gate.checkDeleteObject(root(null), b, "k", null);
        expect(S3ErrorCode.ACCESS_DENIED, () -> gate.checkDeleteObject(root(null), b, "k", "null"));
    }

    @Test
    void suspendedBucketPlainDeleteNeedsTheCode() {
        expect(S3ErrorCode.ACCESS_DENIED, () -> gate.checkDeleteObject(root(null),
                bucket(VersioningState.SUSPENDED, MfaDeleteState.ENABLED), "k", null));
    }

    @Test
    void headerIsIgnoredAndNotConsumedWhenMfaDeleteIsOffOrDisabled() {
        String h = header();
        for (MfaDeleteState m : List.of(MfaDeleteState.NEVER_CONFIGURED, MfaDeleteState.DISABLED)) {
            BucketInfo b = bucket(VersioningState.ENABLED, m);
            gate.checkDeleteObject(root("garbage"), b, "k", "v1");
            gate.checkDeleteObject(root(h), b, "k", "v1");
            gate.checkDeleteObjects(root(h), b, Arrays.asList("v1", null));
        }
        assertTrue(gateRecords().isEmpty());
        gate.checkDeleteObject(root(h), bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED), "k", "v1");
    }

    @Test
    void deleteObjectsWithAVersionedEntryNeedsOneCodeForTheWholeRequest() {
        BucketInfo b = bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED);
        gate.checkDeleteObjects(root(null), b, Arrays.asList(null, null));
        expect(S3ErrorCode.ACCESS_DENIED, () -> gate.checkDeleteObjects(root(null), b, Arrays.asList(null, "v1")));
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
        S3Exception e = expect(S3ErrorCode.ACCESS_DENIED,
                () -> gate.checkDeleteObjectsEntry(root(null), on, "k", "v1"));
        assertEquals(MfaDeleteGate.MFA_REQUIRED, e.getMessage());
        expect(S3ErrorCode.ACCESS_DENIED, () -> gate.checkDeleteObjectsEntry(root(null),
                bucket(VersioningState.SUSPENDED, MfaDeleteState.ENABLED), "k", null));
    }

    @Test
    void deleteObjectsWithAnInvalidHeaderFailsWhateverTheEntries() {
        BucketInfo b = bucket(VersioningState.ENABLED, MfaDeleteState.ENABLED);
        String h = header();
        gate.checkDeleteObjects(root(h), b, Arrays.asList((String) null));
        expect(S3ErrorCode.INVALID_ARGUMENT, () -> gate.checkDeleteObjects(root(h), b, Arrays.asList(null, null)));
        expect(S3ErrorCode.INVALID_ARGUMENT, () -> gate.checkDeleteObjects(root("x"), b, Arrays.asList(null, null)));
    }
}

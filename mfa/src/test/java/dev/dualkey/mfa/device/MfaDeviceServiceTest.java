package dev.dualkey.mfa.device;

import static dev.dualkey.mfa.testing.MfaFixture.ACTOR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import dev.dualkey.mfa.error.DeleteConflictException;
import dev.dualkey.mfa.error.EntityAlreadyExistsException;
import dev.dualkey.mfa.error.InvalidAuthenticationCodeException;
import dev.dualkey.mfa.error.LimitExceededException;
import dev.dualkey.mfa.error.NoSuchEntityException;
import dev.dualkey.mfa.error.ValidationException;
import dev.dualkey.mfa.otp.Base32;
import dev.dualkey.mfa.otp.TotpGenerator;
import dev.dualkey.mfa.store.DeviceRecord;
import dev.dualkey.mfa.testing.MfaFixture;
import dev.dualkey.mfa.validate.Page;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MfaDeviceServiceTest {
    @TempDir
    Path dir;
    MfaFixture f;
    MfaDeviceService devices;
    String acct;

    @BeforeEach
    void open() {
        f = new MfaFixture(dir);
        devices = f.mfa.devices();
        acct = f.mfa.identity().bootstrap(null, null, null).account().accountId();
        f.mfa.identity().createUser(ACTOR, acct, null, "alice", null);
    }

    @AfterEach
    void close() {
        f.close();
    }

    private CreatedVirtualDevice create(String name) {
        return devices.createVirtualDevice(ACTOR, acct, null, name, null, "alice");
    }

    private void enable(String user, CreatedVirtualDevice d) {
        byte[] seed = MfaFixture.seedOf(d);
        devices.enable(ACTOR, acct, user, d.device().serialNumber(), f.code(seed, -1), f.code(seed, 0));
    }

    @Test
    void createReturnsSeedAndScannableQrOnce() throws Exception {
        CreatedVirtualDevice d = devices.createVirtualDevice(ACTOR, acct, "/team/", "alice-phone",
                Map.of("k", "v"), "alice");
        assertEquals("arn:aws:iam::" + acct + ":mfa/team/alice-phone", d.device().serialNumber());
        assertEquals(64, d.base32StringSeed().length());
        assertEquals(40, Base32.decode(d.base32StringSeed()).length);
        String qr = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(
                ImageIO.read(new ByteArrayInputStream(d.qrCodePng()))))), java.util.Map.of(com.google.zxing.DecodeHintType.PURE_BARCODE, Boolean.TRUE)).getText();
        assertEquals("otpauth://totp/alice-phone@alice?secret=" + d.base32StringSeed() + "&issuer=Dualkey", qr);
        assertEquals(d.otpauthUri(), qr);
        EntityAlreadyExistsException dup = assertThrows(EntityAlreadyExistsException.class,
                () -> devices.createVirtualDevice(ACTOR, acct, "/team/", "alice-phone", null, null));
        assertEquals("MFADevice entity at the same path and name already exists.", dup.getMessage());
        assertTrue(d.toString().contains("hidden"));
        assertEquals(Map.of("k", "v"), devices.listDeviceTags(acct, d.device().serialNumber(), null, null).items()
                .stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    @Test
    void enableWithConsecutiveCodesRecordsDriftAndConsumesBothCodes() {
        CreatedVirtualDevice d = create("phone");
        byte[] seed = MfaFixture.seedOf(d);
        String serial = d.device().serialNumber();
        // a phone 5 steps (2.5 min) slow
        devices.enable(ACTOR, acct, "alice", serial, f.code(seed, -6), f.code(seed, -5));
        MfaDevice got = devices.getDevice(acct, "alice", serial);
        assertEquals("alice", got.userName());
        assertNotNull(got.enableDate());
        var rec = f.mfa.store().devices().get(serial).orElseThrow();
        assertEquals(-5, rec.driftSteps());
        assertEquals(TotpGenerator.stepOf(f.clock.instant()) - 5, rec.lastUsedStep());
        // the drift is used: the phone's next code is accepted, its already-used code is not
        assertEquals(VerifyOutcome.INVALID, f.mfa.verifier().verify(acct, "alice", serial, f.code(seed, -5),
                Purpose.OTHER).outcome());
        f.steps(1);
        assertTrue(f.mfa.verifier().verify(acct, "alice", serial, f.code(seed, -5), Purpose.OTHER).accepted());
        assertEquals(EntityAlreadyExistsException.class, assertThrows(EntityAlreadyExistsException.class,
                () -> enable("alice", d)).getClass());
    }

    @Test
    void enableAndResyncRefuseAPairFromTheFutureWithoutCountingIt() {
        CreatedVirtualDevice d = create("phone");
        byte[] seed = MfaFixture.seedOf(d);
        String serial = d.device().serialNumber();
        // (now + 1, now + 2): the second code is two steps ahead
        for (int ahead = 1; ahead <= 20; ahead++) {
            int a = ahead;
            InvalidAuthenticationCodeException e = assertThrows(InvalidAuthenticationCodeException.class,
                    () -> devices.enable(ACTOR, acct, "alice", serial, f.code(seed, a), f.code(seed, a + 1)));
            assertEquals(403, e.httpStatus());
        }
        var rec = f.mfa.store().devices().get(serial).orElseThrow();
        assertNull(rec.userName());
        assertEquals(DeviceRecord.NO_STEP, rec.lastUsedStep(), "no future step consumed");
        assertEquals(0, DeviceThrottle.failuresInWindow(rec, DeviceThrottle.Lane.API, f.clock.instant()),
                "valid codes from the future are refused, not counted as guesses");
        assertTrue(f.mfa.audit().read(java.time.Instant.EPOCH, 1000).stream()
                .anyMatch(r -> "codes from the future".equals(r.reason())));
        // the latest pair accepted ends at now + 1
        devices.enable(ACTOR, acct, "alice", serial, f.code(seed, 0), f.code(seed, 1));
        assertEquals(1, f.mfa.store().devices().get(serial).orElseThrow().driftSteps());
        f.steps(3);
        assertThrows(InvalidAuthenticationCodeException.class, () -> devices.resync(ACTOR, acct, "alice", serial,
                f.code(seed, 1), f.code(seed, 2)));
        devices.resync(ACTOR, acct, "alice", serial, f.code(seed, -1), f.code(seed, 0));
        assertEquals(0, f.mfa.store().devices().get(serial).orElseThrow().driftSteps());
    }

    @Test
    void wrongPairsCountAndReplayedPairsDoNot() {
        CreatedVirtualDevice d = create("phone");
        byte[] seed = MfaFixture.seedOf(d);
        String serial = d.device().serialNumber();
        String c1 = f.code(seed, -1);
        String c2 = f.code(seed, 0);
        devices.enable(ACTOR, acct, "alice", serial, c1, c2);
        for (int i = 0; i < 10; i++) {
            assertThrows(InvalidAuthenticationCodeException.class,
                    () -> devices.resync(ACTOR, acct, "alice", serial, c1, c2));
        }
        var rec = f.mfa.store().devices().get(serial).orElseThrow();
        assertEquals(0, DeviceThrottle.failuresInWindow(rec, DeviceThrottle.Lane.API, f.clock.instant()));
        String w1 = f.wrongCode(seed);
        for (int i = 0; i < DeviceThrottle.MAX_FAILURES_PER_STEP; i++) {
            assertThrows(InvalidAuthenticationCodeException.class,
                    () -> devices.resync(ACTOR, acct, "alice", serial, w1, w1));
        }
        assertThrows(LimitExceededException.class, () -> devices.resync(ACTOR, acct, "alice", serial,
                f.code(seed, 0), f.code(seed, 1)), "the API lane is locked after 5 wrong pairs in a step");
        f.steps(2);
        devices.resync(ACTOR, acct, "alice", serial, f.code(seed, 0), f.code(seed, 1));
    }

    @Test
    void enableRefusesWrongNonConsecutiveOrMalformedCodes() {
        CreatedVirtualDevice d = create("phone");
        byte[] seed = MfaFixture.seedOf(d);
        String serial = d.device().serialNumber();
        InvalidAuthenticationCodeException e = assertThrows(InvalidAuthenticationCodeException.class,
                () -> devices.enable(ACTOR, acct, "alice", serial, f.code(seed, 0), f.code(seed, 2)));
        assertEquals(403, e.httpStatus());
        assertEquals("Authentication code for device is not valid.", e.getMessage());
        ValidationException v = assertThrows(ValidationException.class,
                () -> devices.enable(ACTOR, acct, "alice", serial, "12345", f.code(seed, 0)));
        assertEquals("1 validation error detected: The specified value for 'authenticationCode1' is invalid. It must"
                + " be a six-digit decimal number", v.getMessage());
        assertThrows(NoSuchEntityException.class, () -> devices.enable(ACTOR, acct, "bob", serial, f.code(seed, 0),
                f.code(seed, 1)));
        assertThrows(NoSuchEntityException.class, () -> devices.enable(ACTOR, acct, "alice",
                "arn:aws:iam::" + acct + ":mfa/none", f.code(seed, 0), f.code(seed, 1)));
        assertNull(devices.getDevice(acct, null, serial).userName());
    }

    @Test
    void deleteConflictsWhileAssignedAndDeactivateFrees() {
        CreatedVirtualDevice d = create("phone");
        String serial = d.device().serialNumber();
        enable("alice", d);
        DeleteConflictException c = assertThrows(DeleteConflictException.class,
                () -> devices.deleteVirtualDevice(ACTOR, acct, serial));
        assertEquals("MFA VirtualDevice in use. Must deactivate first.", c.getMessage());
        assertThrows(NoSuchEntityException.class, () -> devices.deactivate(ACTOR, acct, "root", serial));
        assertThrows(DeleteConflictException.class, () -> f.mfa.identity().deleteUser(ACTOR, acct, "alice"));
        devices.deactivate(ACTOR, acct, "alice", serial);
        assertTrue(devices.devicesOf(acct, "alice").isEmpty());
        devices.deleteVirtualDevice(ACTOR, acct, serial);
        assertThrows(NoSuchEntityException.class, () -> devices.getDevice(acct, null, serial));
    }

    @Test
    void listVirtualDevicesFiltersAndPages() {
        CreatedVirtualDevice a = create("a-dev");
        create("b-dev");
        create("c-dev");
        enable("alice", a);
        Page<VirtualDeviceEntry> assigned = devices.listVirtualDevices(acct, AssignmentStatus.Assigned, null, null);
        assertEquals(1, assigned.items().size());
        assertEquals("alice", assigned.items().get(0).user().userName());
        assertEquals(2, devices.listVirtualDevices(acct, AssignmentStatus.Unassigned, null, null).items().size());
        Page<VirtualDeviceEntry> p1 = devices.listVirtualDevices(acct, null, null, 2);
        assertTrue(p1.truncated());
        Page<VirtualDeviceEntry> p2 = devices.listVirtualDevices(acct, AssignmentStatus.Any, p1.marker(), 2);
        assertEquals(List.of("arn:aws:iam::" + acct + ":mfa/c-dev"), p2.items().stream()
                .map(e -> e.device().serialNumber()).toList());
        assertEquals(1, devices.listDevices(acct, "alice", null, null).items().size());
    }

    @Test
    void atMostEightDevicesPerUser() {
        for (int i = 0; i < MfaDeviceService.MAX_DEVICES_PER_USER; i++) {
            enable("alice", create("d" + i));
        }
        CreatedVirtualDevice ninth = create("d9");
        LimitExceededException e = assertThrows(LimitExceededException.class, () -> enable("alice", ninth));
        assertEquals("Cannot exceed quota for MFADevices: 8.", e.getMessage());
    }

    @Test
    void hardwareTokensImportedThenEnabledByOneAccountOnly(@TempDir Path files) throws Exception {
        byte[] seed = new byte[20];
        seed[3] = 42;
        Path csv = files.resolve("t.csv");
        Files.writeString(csv, "serial,seed\nGAHT20000001," + Base32.encode(seed) + "\n");
        ImportResult r = f.mfa.operator().importTokens(csv);
        assertEquals(List.of("GAHT20000001"), r.imported());
        assertEquals(List.of("GAHT20000001"), f.mfa.operator().importTokens(csv).alreadyPresent());
        String other = f.mfa.identity().createAccount(ACTOR, null).account().accountId();
        f.mfa.identity().createUser(ACTOR, other, null, "mallory", null);
        devices.enable(ACTOR, acct, "alice", "GAHT20000001", f.code(seed, -1), f.code(seed, 0));
        assertEquals(acct, devices.getDevice(acct, "alice", "GAHT20000001").accountId());
        f.steps(2);
        EntityAlreadyExistsException e = assertThrows(EntityAlreadyExistsException.class,
                () -> devices.enable(ACTOR, other, "mallory", "GAHT20000001", f.code(seed, -1), f.code(seed, 0)));
        assertEquals("MFA Device is already in use.", e.getMessage());
        assertThrows(NoSuchEntityException.class, () -> devices.getDevice(other, null, "GAHT20000001"));
        assertThrows(NoSuchEntityException.class, () -> devices.enable(ACTOR, acct, "alice", "GAHT29999999",
                f.code(seed, 0), f.code(seed, 1)));
        // after deactivation the token is free again, but its used codes stay used
        devices.deactivate(ACTOR, acct, "alice", "GAHT20000001");
        devices.enable(ACTOR, other, "mallory", "GAHT20000001", f.code(seed, -1), f.code(seed, 0));
        assertEquals("mallory", devices.getDevice(other, "mallory", "GAHT20000001").userName());
    }

    @Test
    void resyncRecordsNewDriftAndRefusesUsedSteps() {
        CreatedVirtualDevice d = create("phone");
        byte[] seed = MfaFixture.seedOf(d);
        String serial = d.device().serialNumber();
        enable("alice", d);
        // the phone's clock falls 6 steps behind: its codes are outside the +/-1 window
        f.steps(10);
        assertEquals(VerifyOutcome.INVALID, f.mfa.verifier().verify(acct, "alice", serial, f.code(seed, -6),
                Purpose.OTHER).outcome());
        devices.resync(ACTOR, acct, "alice", serial, f.code(seed, -7), f.code(seed, -6));
        assertEquals(-6, f.mfa.store().devices().get(serial).orElseThrow().driftSteps());
        assertThrows(InvalidAuthenticationCodeException.class, () -> devices.resync(ACTOR, acct, "alice", serial,
                f.code(seed, -7), f.code(seed, -6)));
        f.steps(1);
        assertTrue(f.mfa.verifier().verify(acct, "alice", serial, f.code(seed, -6), Purpose.OTHER).accepted());
        assertThrows(NoSuchEntityException.class, () -> devices.resync(ACTOR, acct, "root", serial,
                f.code(seed, 0), f.code(seed, 1)));
    }

    @Test
    void tagsAreLimitedAndValidated() {
        String serial = create("phone").device().serialNumber();
        devices.tagDevice(ACTOR, acct, serial, Map.of("b", "2", "a", "1"));
        assertEquals(List.of("a", "b"), devices.listDeviceTags(acct, serial, null, null).items().stream()
                .map(Map.Entry::getKey).toList());
        devices.untagDevice(ACTOR, acct, serial, List.of("a", "missing"));
        assertEquals(List.of("b"), devices.listDeviceTags(acct, serial, null, null).items().stream()
                .map(Map.Entry::getKey).toList());
        assertThrows(ValidationException.class, () -> devices.tagDevice(ACTOR, acct, serial, Map.of("bad*key", "x")));
        java.util.Map<String, String> many = new java.util.HashMap<>();
        for (int i = 0; i < 50; i++) {
            many.put("k" + i, "v");
        }
        assertThrows(LimitExceededException.class, () -> devices.tagDevice(ACTOR, acct, serial, many));
    }

    @Test
    void operatorDeactivatesLostRootDevice() {
        CreatedVirtualDevice d = devices.createVirtualDevice(ACTOR, acct, null, "root-mfa", null, null);
        enable("root", d);
        assertEquals(1, f.mfa.identity().accountSummary(acct).get("AccountMFAEnabled"));
        assertEquals(List.of(d.device().serialNumber()), f.mfa.operator().deactivateRootMfa(acct));
        assertTrue(devices.devicesOf(acct, "root").isEmpty());
        assertTrue(f.mfa.audit().read(java.time.Instant.EPOCH, 1000).stream()
                .anyMatch(r -> r.action().equals("admin:DeactivateRootMfa") && r.principal().equals("operator")));
    }
}

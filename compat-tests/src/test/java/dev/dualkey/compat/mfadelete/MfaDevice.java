package dev.dualkey.compat.mfadelete;

import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.CreateVirtualMfaDeviceResponse;

/**
 * An MFA device enabled through the IAM API, as its owner holds it: the serial and an {@link Authenticator} with
 * the seed. Codes come from the test's {@link TotpClock}, moved forward, never slept for.
 */
public final class MfaDevice {
    private final String serial;
    private final Authenticator authenticator;
    private final TotpClock clock;

    private MfaDevice(String serial, Authenticator authenticator, TotpClock clock) {
        this.serial = serial;
        this.authenticator = authenticator;
        this.clock = clock;
    }

    /**
     * CreateVirtualMFADevice, then EnableMFADevice for {@code userName} ({@code root} for the account's root
     * user) with two consecutive codes, as a user copying them from a phone app would.
     */
    public static MfaDevice virtual(IamClient iam, TotpClock clock, String name, String userName) {
        CreateVirtualMfaDeviceResponse created = iam.createVirtualMFADevice(b -> b.virtualMFADeviceName(name));
        String serial = created.virtualMFADevice().serialNumber();
        Authenticator app = Authenticator.ofBase32(
                created.virtualMFADevice().base32StringSeed().asString(StandardCharsets.US_ASCII));
        return enable(iam, clock, serial, app, userName);
    }

    /** EnableMFADevice of an imported hardware token for {@code userName}. */
    static MfaDevice hardware(IamClient iam, TotpClock clock, String serial, Authenticator token, String userName) {
        return enable(iam, clock, serial, token, userName);
    }

    private static MfaDevice enable(IamClient iam, TotpClock clock, String serial, Authenticator app,
                                    String userName) {
        long step = clock.advance(2);
        String code1 = app.code(step);
        String code2 = app.code(step + 1);
        iam.enableMFADevice(b -> b.userName(userName).serialNumber(serial)
                .authenticationCode1(code1).authenticationCode2(code2));
        return new MfaDevice(serial, app, clock);
    }

    public String serial() {
        return serial;
    }

    /**
     * A code the server has not seen: the clock moves two steps first, past every code used before (the
     * verifier refuses a step at or before the last accepted one, and Enable consumed the step after "now").
     */
    public String freshCode() {
        return authenticator.code(clock.advance(2));
    }

    /** {@code x-amz-mfa} value with a fresh code: {@code SERIAL CODE}. */
    public String header() {
        return header(freshCode());
    }

    public String header(String code) {
        return serial + " " + code;
    }

    /**
     * A well-formed code the server must refuse: none of the codes of the steps it accepts now (the current step
     * and one on each side; the device was enabled without drift).
     */
    public String wrongCode() {
        return authenticator.wrongCode(clock.step());
    }
}

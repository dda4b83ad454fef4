package dev.dualkey.gateway.warmup;

import dev.dualkey.mfa.otp.Base32;
import dev.dualkey.mfa.otp.TotpGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * The warm-up's virtual MFA device on its account's root, and its MFA Delete bucket (issue 19: the warm-up drives
 * the MFA-protected version delete too). Made through the same IAM and S3 calls a client makes, in the warm-up
 * server's throw-away store: CreateVirtualMFADevice (the server draws the seed from its {@code SecureRandom}),
 * EnableMFADevice with the codes of two consecutive steps, then {@link WarmUp#MFA_BUCKET} with versioning and MFA
 * Delete Enabled (PutBucketVersioning with {@code x-amz-mfa}). The seed lives only in this object and the server's
 * store, both gone with the warm-up (SECURITY.md W1, MW1); no code is sent twice ({@link WarmUpTotpClock}).
 */
final class WarmUpMfaDevice {
    /** Counts an answer as the warm-up's {@code expect} does. */
    interface Expect {
        void expect(int status, int wanted, String what);
    }

    private final String serial;
    private final byte[] seed;
    private final WarmUpTotpClock clock;

    private WarmUpMfaDevice(String serial, byte[] seed, WarmUpTotpClock clock) {
        this.serial = serial;
        this.seed = seed;
        this.clock = clock;
    }

    /**
     * Creates and enables the device and the MFA Delete bucket.
     *
     * @return the device, or null when a call was refused (counted by {@code expect}; the warm-up runs without)
     */
    static WarmUpMfaDevice setUp(WarmUpClient c, WarmUpTotpClock clock, Expect expect) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        int status = c.sendIam("Action=CreateVirtualMFADevice&VirtualMFADeviceName=warm-up&Version=2010-05-08",
                answer);
        expect.expect(status, 200, "CreateVirtualMFADevice");
        String xml = answer.toString(StandardCharsets.UTF_8);
        String serial = element(xml, "SerialNumber");
        String seedText = element(xml, "Base32StringSeed");
        if (status != 200 || serial == null || seedText == null) {
            return null;
        }
        // IAM blobs travel base64-encoded; this one holds the seed's base32 text
        WarmUpMfaDevice device = new WarmUpMfaDevice(serial,
                Base32.decode(new String(Base64.getDecoder().decode(seedText), StandardCharsets.US_ASCII)), clock);
        long step = clock.step();
        status = c.sendIam("Action=EnableMFADevice&UserName=root&SerialNumber="
                + URLEncoder.encode(serial, StandardCharsets.UTF_8) + "&AuthenticationCode1="
                + TotpGenerator.code(device.seed, step - 1) + "&AuthenticationCode2="
                + TotpGenerator.code(device.seed, step) + "&Version=2010-05-08", new ByteArrayOutputStream());
        expect.expect(status, 200, "EnableMFADevice");
        if (status != 200) {
            return null;
        }
        status = c.send("PUT", "/" + WarmUp.MFA_BUCKET, Map.of(), new byte[0], WarmUpClient.Signing.PAYLOAD_HASH);
        expect.expect(status, 200, "CreateBucket (MFA Delete)");
        if (status != 200) {
            return null;
        }
        status = c.send("PUT", "/" + WarmUp.MFA_BUCKET, Map.of("versioning", ""),
                Map.of("x-amz-mfa", device.nextHeader()),
                ("<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>Enabled</Status>"
                        + "<MfaDelete>Enabled</MfaDelete></VersioningConfiguration>").getBytes(StandardCharsets.UTF_8),
                WarmUpClient.Signing.PAYLOAD_HASH);
        expect.expect(status, 200, "PutBucketVersioning (MFA Delete)");
        return status == 200 ? device : null;
    }

    /**
     * The {@code x-amz-mfa} value for the next check: the clock moved one step on, and that step's code. One
     * caller at a time (the clock must not move between this and the server's check).
     */
    String nextHeader() {
        return serial + " " + TotpGenerator.code(seed, clock.next());
    }

    /** Overwrites the seed (the warm-up has ended). */
    void forget() {
        Arrays.fill(seed, (byte) 0);
    }

    /** The text of the first {@code <name>} element, or null. */
    static String element(String xml, String name) {
        int open = xml.indexOf("<" + name + ">");
        int close = open < 0 ? -1 : xml.indexOf("</" + name + ">", open);
        return close < 0 ? null : xml.substring(open + name.length() + 2, close).strip();
    }
}

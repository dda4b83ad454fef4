package dev.dualkey.mfa.secret;

import dev.dualkey.mfa.otp.Base32;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The {@code otpauth://} URI authenticator apps scan. IAM's QRCodePNG encodes
 * {@code otpauth://totp/$virtualMFADeviceName@$AccountName?secret=$Base32String}, where AccountName is the user
 * name if set, else the account id. We add {@code issuer=Dualkey} (apps show it as the entry's title) and keep
 * the defaults SHA1/6/30 implicit, as AWS does.
 */
public final class OtpAuthUri {
    /** Issuer shown by authenticator apps. */
    public static final String ISSUER = "Dualkey";

    private OtpAuthUri() {
    }

    /**
     * @param deviceName  the virtual MFA device name
     * @param accountName user name if known, else account id (or alias)
     * @param seed        raw seed bytes
     */
    public static String of(String deviceName, String accountName, byte[] seed) {
        String label = encodePath(deviceName + "@" + accountName);
        return "otpauth://totp/" + label + "?secret=" + Base32.encode(seed) + "&issuer=" + encodePath(ISSUER);
    }

    /** Percent-encoding for a URI label: spaces as %20 (not '+', which apps would show literally). */
    private static String encodePath(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%40", "@");
    }
}

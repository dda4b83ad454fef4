package dev.dualkey.mfa.device;

import dev.dualkey.mfa.otp.TotpVerifier;
import java.util.Optional;

/**
 * The parsed {@code x-amz-mfa} header: {@code <serial><space><6-digit code>} (D7). The value is trimmed and
 * split at the last run of ASCII whitespace, or at a literal {@code %20} (some clients URL-encode the space, as
 * the S3 docs ask for signed headers); the serial is a hardware serial or a virtual device ARN
 * ({@code [\w+=/:,.@-]}, up to 256 characters, no spaces; length is not checked here because AWS documents
 * 8-digit hardware serials such as {@code 20899872}; an unknown serial simply fails verification) and the
 * code six ASCII digits.
 * {@link #toString()} hides the code.
 */
public record MfaHeader(String serial, String code) {
    private static final int MAX_LENGTH = 300;

    /** The header parsed, or empty when it is malformed (S3: 400 InvalidArgument, ArgumentName x-amz-mfa). */
    public static Optional<MfaHeader> parse(String value) {
        if (value == null || value.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String v = value.strip();
        int end = v.length();
        int split = end - 1;
        while (split >= 0 && !isSpace(v.charAt(split))) {
            split--;
        }
        String serial;
        String code;
        if (split >= 0) {
            code = v.substring(split + 1);
            int start = split;
            while (start > 0 && isSpace(v.charAt(start - 1))) {
                start--;
            }
            serial = v.substring(0, start);
        } else {
            int pct = v.lastIndexOf("%20");
            if (pct < 0) {
                return Optional.empty();
            }
            serial = v.substring(0, pct);
            code = v.substring(pct + 3);
        }
        if (!isSerial(serial) || !TotpVerifier.wellFormed(code)) {
            return Optional.empty();
        }
        return Optional.of(new MfaHeader(serial, code));
    }

    /**
     * {@code [\w+=/:,.@-]{1,256}} ({@code \w} being {@code [a-zA-Z_0-9]}), as a loop: every MFA-protected request
     * parses the header, rarely enough that it runs interpreted, where a regular expression costs several
     * microseconds (issue 19).
     */
    static boolean isSerial(String s) {
        if (s.isEmpty() || s.length() > 256) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                    || c == '+' || c == '=' || c == '/' || c == ':' || c == ',' || c == '.' || c == '@' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    @Override
    public String toString() {
        return "MfaHeader[serial=" + serial + ", code=(hidden)]";
    }
}

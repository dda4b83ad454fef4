package dev.dualkey.gateway.mfadelete;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The parsed value of an {@code x-amz-mfa} request header: {@code <serial><space><6-digit code>}.
 *
 * <p>Parsing follows decision D7 of the spec: trim, accept {@code %20} as the separator (the S3 model notes that
 * signed header values containing spaces should be URL-encoded, yet botocore sends them raw, so clients do both),
 * split on the <em>last</em> run of ASCII whitespace (a virtual device serial is an ARN that contains {@code :} and
 * {@code /} but never a space; SigV4 canonicalisation collapses runs of spaces), and require the code to be exactly
 * six ASCII digits and the serial to match IAM's {@code serialNumberType} ({@code [\w+=/:,.@-]+}, 9 to 256).
 *
 * <p>{@link #toString()} never shows the code: a header value must not reach a log in full.
 */
public record MfaHeader(String serialNumber, String code) {

    private static final Pattern SERIAL = Pattern.compile("[\\w+=/:,.@-]{9,256}");
    private static final Pattern CODE = Pattern.compile("[0-9]{6}");

    public MfaHeader {
        Objects.requireNonNull(serialNumber, "serialNumber");
        Objects.requireNonNull(code, "code");
    }

    /**
     * Parses a raw header value.
     *
     * @throws MalformedMfaHeaderException when the value is not {@code serial code} in the accepted forms
     */
    public static MfaHeader parse(String raw) {
        if (raw == null) {
            throw new MalformedMfaHeaderException("");
        }
        String value = raw.replace("%20", " ").strip();
        int end = value.length();
        int sep = end - 1;
        while (sep >= 0 && !isAsciiSpace(value.charAt(sep))) {
            sep--;
        }
        if (sep <= 0) {
            throw new MalformedMfaHeaderException(value);
        }
        String code = value.substring(sep + 1);
        int serialEnd = sep;
        while (serialEnd > 0 && isAsciiSpace(value.charAt(serialEnd - 1))) {
            serialEnd--;
        }
        String serial = value.substring(0, serialEnd);
        if (!CODE.matcher(code).matches() || !SERIAL.matcher(serial).matches()) {
            throw new MalformedMfaHeaderException(value);
        }
        return new MfaHeader(serial, code);
    }

    private static boolean isAsciiSpace(char c) {
        return c == ' ' || c == '\t';
    }

    @Override
    public String toString() {
        return "MfaHeader[serialNumber=" + serialNumber + ", code=******]";
    }
}

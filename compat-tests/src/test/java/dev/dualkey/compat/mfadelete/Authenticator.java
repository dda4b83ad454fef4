package dev.dualkey.compat.mfadelete;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a phone app or a hardware token does, written here from RFC 6238 (HMAC-SHA1, 30-second steps, 6 digits)
 * independently of the product's TOTP code, so the tests check the server against the RFC and not against itself.
 * The one such helper of the compat tests: the iam tests and the benchmark's load generator (whose stand-alone
 * build compiles this file too, see {@code compat-tests/bench/pom.xml}) use it as well.
 *
 * @param secret the raw seed bytes (never printed: {@link #toString()} hides them)
 */
public record Authenticator(byte[] secret) {

    /** From a Base32 seed as IAM's CreateVirtualMFADevice returns it (or a CSV token file lists it). */
    public static Authenticator ofBase32(String seed) {
        return new Authenticator(base32Decode(seed));
    }

    /** From a base64 seed as a PSKC {@code <PlainValue>} carries it. */
    static Authenticator ofBase64(String seed) {
        return new Authenticator(Base64.getDecoder().decode(seed.strip()));
    }

    /** The 6-digit code for TOTP step {@code step}. */
    public String code(long step) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = h[h.length - 1] & 0x0F;
            int binary = ((h[offset] & 0x7F) << 24) | ((h[offset + 1] & 0xFF) << 16)
                    | ((h[offset + 2] & 0xFF) << 8) | (h[offset + 3] & 0xFF);
            return String.format(Locale.ROOT, "%06d", binary % 1_000_000);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A well-formed code the server must refuse at {@code step}: none of the codes of the steps it accepts then
     * (the step and one on each side, for a device without drift).
     */
    String wrongCode(long step) {
        Set<String> acceptable = Set.of(code(step - 1), code(step), code(step + 1));
        int candidate = Integer.parseInt(code(step));
        String wrong;
        do {
            candidate = (candidate + 1) % 1_000_000;
            wrong = String.format(Locale.ROOT, "%06d", candidate);
        } while (acceptable.contains(wrong));
        return wrong;
    }

    public static long stepOf(Instant t) {
        return Math.floorDiv(t.getEpochSecond(), 30);
    }

    static byte[] base32Decode(String s) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        String clean = s.replace("=", "").strip().toUpperCase(Locale.ROOT);
        ByteBuffer out = ByteBuffer.allocate(clean.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (char c : clean.toCharArray()) {
            int v = alphabet.indexOf(c);
            if (v < 0) {
                throw new IllegalArgumentException("not Base32");
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out.put((byte) (buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return out.array();
    }

    @Override
    public String toString() {
        return "Authenticator[secret hidden]";
    }
}

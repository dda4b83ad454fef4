package dev.dualkey.compat.bench;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 6238 TOTP as the authenticator app of a virtual MFA device computes it (HMAC-SHA1, 6 digits, 30-second
 * steps), so that the load generator sends real codes. The bench builds on its own (it does not depend on the mfa
 * module), hence this copy of a dozen lines.
 */
final class Totp {
    static final long STEP_MILLIS = 30_000;

    private final byte[] seed;

    private Totp(byte[] seed) {
        this.seed = seed.clone();
    }

    /** From the {@code Base32StringSeed} that CreateVirtualMFADevice returns (RFC 4648 alphabet, padding optional). */
    static Totp ofBase32(String base32) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        String clean = base32.replace("=", "").strip().toUpperCase(Locale.ROOT);
        ByteBuffer out = ByteBuffer.allocate(clean.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (char c : clean.toCharArray()) {
            int v = alphabet.indexOf(c);
            if (v < 0) {
                throw new IllegalArgumentException("the seed is not Base32");
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out.put((byte) (buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return new Totp(out.array());
    }

    /** The step of an instant: {@code floor(epochMillis / 30000)}. */
    static long stepOf(long epochMillis) {
        return Math.floorDiv(epochMillis, STEP_MILLIS);
    }

    /** The 6-digit code of {@code step} (RFC 4226 dynamic truncation of HMAC-SHA1 over the 8-byte step). */
    String code(long step) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(seed, "HmacSHA1"));
            byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = h[h.length - 1] & 0x0F;
            int binary = ((h[offset] & 0x7F) << 24) | ((h[offset + 1] & 0xFF) << 16)
                    | ((h[offset + 2] & 0xFF) << 8) | (h[offset + 3] & 0xFF);
            return String.format(Locale.ROOT, "%06d", binary % 1_000_000);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "Totp[seed hidden]";
    }
}

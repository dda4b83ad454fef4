package dev.dualkey.mfa.otp;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 6238 TOTP over RFC 4226 HOTP with the parameters AWS uses: HMAC-SHA1, 6 digits, 30-second steps from the
 * Unix epoch. Stateless and thread-safe; the secret is raw bytes (decode Base32 once, not per call).
 */
public final class TotpGenerator {
    /** Seconds per time step (RFC 6238 X). */
    public static final int STEP_SECONDS = 30;
    /** Digits per code. */
    public static final int DIGITS = 6;
    private static final int MODULUS = 1_000_000;
    /**
     * One HMAC-SHA1 per thread ({@code Mac.getInstance} is a provider lookup costlier than the HMAC itself; a
     * check computes up to three, under one key set-up: {@link #codesAt}). After each use it is re-keyed with
     * {@link #SCRUB_KEY} so that no seed-derived key state stays behind in it.
     */
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA1");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    });
    private static final SecretKeySpec SCRUB_KEY = new SecretKeySpec(new byte[20], "HmacSHA1");

    private TotpGenerator() {
    }

    /** The time step containing {@code time}: floor(unixSeconds / 30); also correct for times past 2038. */
    public static long stepOf(Instant time) {
        return Math.floorDiv(time.getEpochSecond(), STEP_SECONDS);
    }

    /** The 6-digit code for {@code step} as an int in [0, 999999]. */
    public static int codeAt(byte[] secret, long step) {
        return codesAt(secret, step, 1)[0];
    }

    /** RFC 4226 5.3 dynamic truncation: offset from the low nibble of the last byte, 31-bit big-endian int. */
    private static int truncate(byte[] hash) {
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
        return binary % MODULUS;
    }

    /**
     * The codes of the {@code count} steps from {@code firstStep} on, as ints in [0, 999999], with one HMAC key
     * set-up for all of them (issue 19: a code check computes three; keying the HMAC, then scrubbing it, per step
     * cost more than the hashes on the rarely compiled MFA path). Scrubbed once, after the last.
     */
    public static int[] codesAt(byte[] secret, long firstStep, int count) {
        if (secret.length == 0) {
            throw new IllegalArgumentException("empty TOTP secret");
        }
        int[] out = new int[count];
        Mac mac = MACS.get();
        byte[] msg = new byte[8];
        try {
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            for (int i = 0; i < count; i++) {
                counter(msg, firstStep + i);
                out[i] = truncate(mac.doFinal(msg));
            }
            return out;
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("unusable TOTP secret", e);
        } finally {
            scrub(mac);
        }
    }

    /**
     * Writes {@code code} as its 6 ASCII digits, zero-padded, into {@code out[0..5]}: the bytes a check compares
     * without building a string per step.
     */
    public static void digits(int code, byte[] out) {
        int c = code;
        for (int i = DIGITS - 1; i >= 0; i--) {
            out[i] = (byte) ('0' + c % 10);
            c /= 10;
        }
    }

    /** The code for {@code step}, zero-padded to 6 digits. */
    public static String code(byte[] secret, long step) {
        return format(codeAt(secret, step));
    }

    /** The code current at {@code time}. */
    public static String code(byte[] secret, Instant time) {
        return code(secret, stepOf(time));
    }

    static String format(int code) {
        String s = Integer.toString(code);
        return "000000".substring(s.length()) + s;
    }

    private static void counter(byte[] msg, long step) {
        long c = step;
        for (int i = 7; i >= 0; i--) {
            msg[i] = (byte) c;
            c >>>= 8;
        }
    }

    /** Re-keys {@code mac} with {@link #SCRUB_KEY}: no seed-derived key state stays in the thread's Mac. */
    private static void scrub(Mac mac) {
        try {
            mac.init(SCRUB_KEY);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA1 refused a 20-byte key", e);
        }
    }
}

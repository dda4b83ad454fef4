package dev.dualkey.mfa.otp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.OptionalLong;

/**
 * Constant-time TOTP checks that report which time step matched, so callers can enforce one-time use
 * (reject steps at or before the last accepted one) and record drift.
 *
 * <p>Every step of the window is computed and compared with {@link MessageDigest#isEqual} without exiting early,
 * so the time taken does not reveal whether or where a code matched. When a code matches several steps (a
 * 1-in-a-million coincidence), the latest acceptable one wins.
 */
public final class TotpVerifier {
    /** Steps searched into the past for Enable/Resync (D11: 20 steps = 10 minutes, for a slow device clock). */
    public static final int PAIR_SEARCH_STEPS = 20;
    /** The latest step an Enable/Resync pair may end at, after now (D11: now + 1, one step of a fast clock). */
    public static final int PAIR_FUTURE_STEPS = 1;

    private TotpVerifier() {
    }

    /** True when {@code code} has the only accepted shape: exactly six ASCII digits. */
    public static boolean wellFormed(String code) {
        if (code == null || code.length() != 6) {
            return false;
        }
        // A loop rather than a regular expression: it runs on every code check, mostly interpreted (issue 19).
        for (int i = 0; i < 6; i++) {
            char c = code.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * The latest step in {@code [center - radius, center + radius]} that is greater than {@code afterStep}
     * and whose code equals {@code code}.
     */
    public static OptionalLong matchStep(byte[] secret, String code, long center, int radius, long afterStep) {
        if (!wellFormed(code) || radius < 0) {
            return OptionalLong.empty();
        }
        byte[] given = code.getBytes(StandardCharsets.US_ASCII);
        byte[] expected = new byte[TotpGenerator.DIGITS];
        int[] codes = TotpGenerator.codesAt(secret, center - radius, 2 * radius + 1);
        long found = Long.MIN_VALUE;
        for (int i = 0; i < codes.length; i++) {
            TotpGenerator.digits(codes[i], expected);
            boolean hit = MessageDigest.isEqual(expected, given);
            long step = center - radius + i;
            // no branch on 'hit' that ends the loop: all steps cost the same
            if (hit && step > afterStep) {
                found = step;
            }
        }
        return found == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(found);
    }

    /**
     * True when {@code code} is the code of one of {@code steps} (e.g. steps already accepted: a replay, however
     * old). Every step is computed and compared.
     */
    public static boolean matchesAny(byte[] secret, String code, long[] steps) {
        if (!wellFormed(code)) {
            return false;
        }
        byte[] given = code.getBytes(StandardCharsets.US_ASCII);
        byte[] expected = new byte[TotpGenerator.DIGITS];
        boolean found = false;
        for (long step : steps) {
            TotpGenerator.digits(TotpGenerator.codeAt(secret, step), expected);
            found |= MessageDigest.isEqual(expected, given);
        }
        return found;
    }

    /**
     * Enable/Resync: the latest step {@code t} in {@code [now - PAIR_SEARCH_STEPS, now + PAIR_FUTURE_STEPS - 1]}
     * such that {@code code1} is the code of {@code t} and {@code code2} that of {@code t + 1}, with
     * {@code t > afterStep}. Returns {@code t + 1} (the step both codes consume up to), which is therefore at most
     * {@code now + }{@value #PAIR_FUTURE_STEPS}: a pair from further in the future is refused (D11), so nobody who
     * held a device (or its seed) for a moment can consume, or set the drift to, steps the owner has yet to see.
     * Every step of the range is computed and compared, whatever matches.
     */
    public static OptionalLong matchConsecutive(byte[] secret, String code1, String code2, long now,
                                                long afterStep) {
        if (!wellFormed(code1) || !wellFormed(code2)) {
            return OptionalLong.empty();
        }
        byte[] first = code1.getBytes(StandardCharsets.US_ASCII);
        byte[] second = code2.getBytes(StandardCharsets.US_ASCII);
        long found = Long.MIN_VALUE;
        long from = now - PAIR_SEARCH_STEPS;
        byte[] previous = TotpGenerator.code(secret, from).getBytes(StandardCharsets.US_ASCII);
        for (long t = from; t + 1 <= now + PAIR_FUTURE_STEPS; t++) {
            byte[] next = TotpGenerator.code(secret, t + 1).getBytes(StandardCharsets.US_ASCII);
            boolean hit = MessageDigest.isEqual(previous, first) & MessageDigest.isEqual(next, second);
            if (hit && t > afterStep) {
                found = t + 1;
            }
            previous = next;
        }
        return found == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(found);
    }
}

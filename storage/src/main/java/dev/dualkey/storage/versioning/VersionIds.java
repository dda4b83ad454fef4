package dev.dualkey.storage.versioning;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issues 16-byte sequence numbers for versions and uploads: 8 bytes of creation time in microseconds (big-endian,
 * strictly increasing within this process even when the clock stalls or steps back) + 8 random bytes (unique
 * across restarts). Their external form is 32 lower-case hex digits: URL-safe, and sorting the strings sorts by
 * creation time.
 */
public final class VersionIds {
    private static final HexFormat HEX = HexFormat.of();
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong lastMicros = new AtomicLong();

    public VersionIds(Clock clock) {
        this.clock = clock;
    }

    /** A new seq strictly after {@code notBefore} (may be null), the previous seq of this process, and now. */
    public byte[] next(byte[] notBefore) {
        Instant now = clock.instant();
        long nowMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        long floor = notBefore == null ? Long.MIN_VALUE : micros(notBefore);
        long m = lastMicros.updateAndGet(prev -> Math.max(Math.max(nowMicros, prev + 1), floor + 1));
        byte[] seq = new byte[16];
        for (int i = 7; i >= 0; i--) {
            seq[i] = (byte) (m >>> (8 * (7 - i)));
        }
        byte[] r = new byte[8];
        random.nextBytes(r);
        System.arraycopy(r, 0, seq, 8, 8);
        return seq;
    }

    public static long micros(byte[] seq) {
        long m = 0;
        for (int i = 0; i < 8; i++) {
            m = (m << 8) | (seq[i] & 0xff);
        }
        return m;
    }

    public static String toId(byte[] seq) {
        return HEX.formatHex(seq);
    }

    /** The seq of an external id, or null when the id is not 32 lower-case hex digits. */
    public static byte[] parse(String id) {
        if (id == null || id.length() != 32) {
            return null;
        }
        for (int i = 0; i < 32; i++) {
            char c = id.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return null;
            }
        }
        return HEX.parseHex(id);
    }
}

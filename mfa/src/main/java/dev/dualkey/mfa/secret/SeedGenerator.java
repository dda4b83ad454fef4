package dev.dualkey.mfa.secret;

import java.security.SecureRandom;

/**
 * TOTP seeds from {@link SecureRandom}. 40 bytes (320 bits, 64 Base32 characters) like the AWS mirrors emit;
 * RFC 4226 requires at least 128 and recommends 160 bits.
 */
public final class SeedGenerator {
    /** Seed length in bytes. */
    public static final int SEED_BYTES = 40;
    private final SecureRandom random;

    public SeedGenerator(SecureRandom random) {
        this.random = random;
    }

    public SeedGenerator() {
        this(new SecureRandom());
    }

    /** A fresh seed; the caller owns (and should wipe) the array. */
    public byte[] newSeed() {
        byte[] seed = new byte[SEED_BYTES];
        random.nextBytes(seed);
        return seed;
    }
}

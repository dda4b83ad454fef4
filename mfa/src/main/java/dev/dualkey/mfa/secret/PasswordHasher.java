package dev.dualkey.mfa.secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashing with BouncyCastle. The hash is stored in the PHC string format with its parameters,
 * so they can be raised later without invalidating existing hashes:
 * <pre>
 *   $argon2id$v=19$m=&lt;KiB&gt;,t=&lt;iterations&gt;,p=&lt;lanes&gt;$&lt;b64 salt&gt;$&lt;b64 hash&gt;   (unpadded base64)
 * </pre>
 * Verification recomputes with the stored parameters and compares in constant time.
 */
public final class PasswordHasher {
    /** Memory cost, iterations and lanes. */
    public record Params(int memoryKiB, int iterations, int parallelism) {
        public Params {
            if (memoryKiB < 8 * parallelism || iterations < 1 || parallelism < 1) {
                throw new IllegalArgumentException("invalid Argon2 parameters");
            }
        }

        /** OWASP's recommended minimum: 19 MiB, 2 iterations, 1 lane. */
        public static Params standard() {
            return new Params(19 * 1024, 2, 1);
        }

        /** Cheap parameters for unit tests only. */
        public static Params forTests() {
            return new Params(64, 1, 1);
        }
    }

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private final Params params;
    private final SecureRandom random = new SecureRandom();

    public PasswordHasher(Params params) {
        this.params = params;
    }

    /** Hashes with a fresh random salt. */
    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] h = derive(password, salt, params, HASH_BYTES);
        return "$argon2id$v=19$m=" + params.memoryKiB() + ",t=" + params.iterations() + ",p="
                + params.parallelism() + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(h);
    }

    /** True when {@code password} matches {@code encoded}; false for a malformed or foreign encoding. */
    public boolean verify(String password, String encoded) {
        String[] parts = encoded.split("\\$");
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
            return false;
        }
        try {
            int m = 0;
            int t = 0;
            int p = 0;
            for (String kv : parts[3].split(",")) {
                String[] f = kv.split("=", 2);
                int v = Integer.parseInt(f[1]);
                switch (f[0]) {
                    case "m" -> m = v;
                    case "t" -> t = v;
                    case "p" -> p = v;
                    default -> {
                        return false;
                    }
                }
            }
            byte[] salt = B64D.decode(parts[4]);
            byte[] expected = B64D.decode(parts[5]);
            byte[] actual = derive(password, salt, new Params(m, t, p), expected.length);
            return MessageDigest.isEqual(expected, actual);
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    private static byte[] derive(String password, byte[] salt, Params p, int length) {
        Argon2Parameters a = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(p.memoryKiB())
                .withIterations(p.iterations())
                .withParallelism(p.parallelism())
                .withSalt(salt)
                .build();
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(a);
        byte[] out = new byte[length];
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        gen.generateBytes(pw, out);
        java.util.Arrays.fill(pw, (byte) 0);
        return out;
    }
}

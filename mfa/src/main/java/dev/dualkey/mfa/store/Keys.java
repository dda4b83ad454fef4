package dev.dualkey.mfa.store;

import dev.dualkey.storage.rocks.Codec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Composite keys of 0x00-terminated UTF-8 components: {@code a 00 b 00 c 00}. Every component is validated
 * elsewhere against IAM patterns that exclude NUL, so the encoding is unambiguous, sorts component-wise in
 * byte order (so listings come out alphabetically), and {@code prefix(a)} scans exactly the keys under
 * {@code a}.
 */
public final class Keys {
    /** Codec for a composite key as a list of components. */
    public static final Codec<List<String>> COMPOSITE = new Codec<>() {
        @Override
        public byte[] encode(List<String> parts) {
            return prefix(parts.toArray(new String[0]));
        }

        @Override
        public List<String> decode(byte[] bytes) {
            List<String> out = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == 0) {
                    out.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            return out;
        }
    };

    private Keys() {
    }

    /** The encoding of the leading components {@code parts} (each terminated), usable as a scan prefix. */
    public static byte[] prefix(String... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String p : parts) {
            if (p.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("key component contains NUL");
            }
            byte[] b = p.getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
            out.write(0);
        }
        return out.toByteArray();
    }

    /** Convenience: {@code List.of(parts)}. */
    public static List<String> of(String... parts) {
        return List.of(parts);
    }
}

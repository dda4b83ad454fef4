package dev.dualkey.storage.keys;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * S3 lists keys in UTF-8 binary order, which differs from {@link String#compareTo} (UTF-16 code units) for
 * characters above U+FFFF versus U+E000..U+FFFF. Compare with this instead.
 */
public final class Utf8Order {
    private Utf8Order() {
    }

    public static int compare(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}

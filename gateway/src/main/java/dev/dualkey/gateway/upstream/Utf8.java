package dev.dualkey.gateway.upstream;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** S3's key order: unsigned UTF-8 bytes (not Java's UTF-16 {@code compareTo}). */
final class Utf8 {
    private Utf8() {
    }

    static int compare(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}

package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Table#scanRawReverse}: the same bounded range as a forward scan, last key first (issue 18's audit page). */
class ReverseScanTest {
    private static final List<ColumnFamilySpec> FAMILIES = List.of(ColumnFamilySpec.of("test.r", "string :- long"));

    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> keys(KvIterator<String, Long> it) {
        List<String> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(e -> out.add(e.key()));
        }
        return out;
    }

    @Test
    void reverseHonoursBothBoundsAndTheFamily() {
        try (RocksDatabase db = RocksDatabase.open(dir, FAMILIES,
                new RocksDatabase.Settings(1 << 20, Duration.ofSeconds(5), 8 << 20, 0))) {
            Table<String, Long> t = db.table("test.r", Codecs.UTF8, Codecs.LONG);
            for (String k : List.of("a", "b", "c", "d", "e")) {
                t.put(k, 1L);
            }
            assertEquals(List.of("e", "d", "c", "b", "a"), keys(t.scanRawReverse(null, null)));
            assertEquals(List.of("c", "b"), keys(t.scanRawReverse(b("b"), b("d"))), "lower inclusive, upper exclusive");
            assertEquals(List.of("e", "d"), keys(t.scanRawReverse(b("cc"), null)));
            assertEquals(List.of("b", "a"), keys(t.scanRawReverse(null, b("bb"))));
            assertEquals(List.of(), keys(t.scanRawReverse(b("x"), null)));
            List<String> forward = keys(t.scanRaw(b("b"), b("e")));
            java.util.Collections.reverse(forward);
            assertEquals(forward, keys(t.scanRawReverse(b("b"), b("e"))));
        }
    }
}

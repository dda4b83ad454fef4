package dev.dualkey.storage.rocks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The child JVM of {@link NativeLibraryTest}: opens a RocksDatabase at {@code args[0]} (loading RocksJava's native
 * library the way the server does), writes and reads a key, prints each line of {@code /proc/self/maps} that maps
 * the library, then stops without running shutdown hooks ({@code Runtime.halt}), as a killed server would.
 */
public final class NativeLibraryChild {
    private NativeLibraryChild() {
    }

    public static void main(String[] args) throws Exception {
        List<ColumnFamilySpec> families = List.of(ColumnFamilySpec.of("test.kv", "k :- bytes"));
        try (RocksDatabase db = RocksDatabase.open(Path.of(args[0]), families)) {
            Table<String, byte[]> t = db.table("test.kv", Codecs.UTF8, Codecs.BYTES);
            t.put("k", "v".getBytes(StandardCharsets.UTF_8));
            System.out.println("READ " + new String(t.get("k").orElseThrow(), StandardCharsets.UTF_8));
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.contains("rocksdbjni")) {
                System.out.println("MAP " + line);
            }
        }
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}

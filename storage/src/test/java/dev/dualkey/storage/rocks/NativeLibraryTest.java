package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process that loaded RocksJava's native library and then died leaves no copy of it behind ({@link NativeLibrary}):
 * RocksJava alone left a 15 MB file in {@code java.io.tmpdir} after every abnormal exit.
 */
class NativeLibraryTest {
    @TempDir
    Path dir;

    @Test
    void aProcessThatDiesAfterLoadingTheLibraryLeavesNoCopyOfIt() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx128m", "-Djava.io.tmpdir=" + tmp,
                "-cp", System.getProperty("java.class.path"), NativeLibraryChild.class.getName(),
                dir.resolve("db").toString())
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not finish");
        assertEquals(0, child.exitValue(), out);
        assertTrue(out.contains("READ v"), "the library works: " + out);

        List<String> maps = out.lines().filter(l -> l.startsWith("MAP ")).toList();
        assertFalse(maps.isEmpty(), "the library was mapped from a file: " + out);
        for (String m : maps) {
            assertTrue(m.endsWith("(deleted)"), "its file was unlinked once loaded: " + m);
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "nothing left in the child's java.io.tmpdir after Runtime.halt");
        }
    }
}

package dev.dualkey.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Looking for bytes in the files a store wrote: the tests that prove where a value went (a blob file, an SST) or
 * that a secret or a plaintext body appears in no file of a data directory all walk a tree and search each file's
 * raw bytes. One copy of that scan, so that each test says only which files and which bytes. Files are read whole:
 * these are test data directories of a few MiB.
 */
public final class DataFiles {
    private DataFiles() {
    }

    /** Every regular file under {@code root}, at any depth. */
    public static List<Path> regularFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    /** The files under {@code root} whose bytes contain {@code needle}, relative to {@code root}. */
    public static List<Path> filesContaining(Path root, byte[] needle) throws IOException {
        List<Path> hits = new ArrayList<>();
        for (Path p : regularFiles(root)) {
            if (contains(Files.readAllBytes(p), needle)) {
                hits.add(root.relativize(p));
            }
        }
        return hits;
    }

    /** Whether {@code needle} occurs in {@code hay}. */
    public static boolean contains(byte[] hay, byte[] needle) {
        return indexOf(hay, needle) >= 0;
    }

    /** Where {@code needle} first occurs in {@code hay}, or -1. A plain scan: the needles are a few dozen bytes. */
    public static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

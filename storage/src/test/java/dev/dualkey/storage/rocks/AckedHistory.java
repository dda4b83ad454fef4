package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.model.ListVersionsPage;
import dev.dualkey.storage.model.ListVersionsQuery;
import dev.dualkey.storage.model.ObjectVersion;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a {@link CrashWriter} child acknowledged before it was killed, and the check of a reopened store against
 * it: every acknowledged PUT is there with its ETag, every acknowledged DELETE marker is there and so is the
 * record written deferring its sync just before it ({@link CrashWriter#DEFERRED}), at most the one
 * write in flight at the kill exists beyond them, every listed version reads back whole with a matching MD5
 * (nothing half-visible), and no temp or orphan blob file remains after reopen.
 */
final class AckedHistory {
    /** Called once, right after the child was killed and reaped, before the rest of its output is drained. */
    interface AfterKill {
        void run() throws Exception;
    }

    private final Map<String, String> putEtags = new HashMap<>();   // versionId -> etag
    private final Set<String> deleteMarkers = new HashSet<>();
    private final Map<String, String> deferredBeforeDelete = new HashMap<>(); // del-<n> -> key

    int size() {
        return putEtags.size() + deleteMarkers.size();
    }

    /**
     * Starts {@link CrashWriter} on {@code dataDir}, SIGKILLs it once {@code killAfter} acknowledgements were
     * read, runs {@code afterKill}, then drains the lines still in the pipe (acknowledged too; a torn last line
     * does not parse and is not counted).
     */
    static AckedHistory runAndKill(Path dataDir, long seed, int killAfter, AfterKill afterKill) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path stderr = Files.createTempFile("crash-writer", ".err");
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CrashWriter.class.getName(), dataDir.toString(), Long.toString(seed))
                .redirectError(stderr.toFile()).start();
        AckedHistory h = new AckedHistory();
        int acks = 0;
        boolean killed = false;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (h.accept(line)) {
                    acks++;
                }
                if (acks == killAfter && !killed) {
                    // SIGKILL in the middle of a later write; Process.destroy would also close our end of the pipe
                    new ProcessBuilder("kill", "-9", Long.toString(child.pid())).start().waitFor();
                    assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
                    killed = true;
                    afterKill.run();
                }
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        String err = Files.readString(stderr);
        Files.delete(stderr);
        assertTrue(killed, "child wrote only " + acks + " acknowledged mutations before exiting: " + err);
        return h;
    }

    private boolean accept(String line) {
        String[] f = line.split(" ");
        if (f[0].equals("PUT") && f.length == 5 && f[2].length() == 32 && f[3].length() == 32) {
            putEtags.put(f[2], f[3]);
            return true;
        }
        if (f[0].equals("DEL") && f.length == 4 && f[2].length() == 32) {
            deleteMarkers.add(f[2]);
            deferredBeforeDelete.put("del-" + f[3], f[1]);
            return true;
        }
        return false;
    }

    /** Reopens the store in {@code dataDir} and checks it against this history (see the class comment). */
    void verifyReopened(Path dataDir) throws Exception {
        try (StorageEngine engine = StorageEngine.open(dataDir, List.of(CrashWriter.DEFERRED))) {
            ObjectStore store = engine.objectStore();
            Table<String, String> deferred = engine.database().table(CrashWriter.DEFERRED.name(), Codecs.UTF8,
                    Codecs.UTF8);
            for (Map.Entry<String, String> e : deferredBeforeDelete.entrySet()) {
                assertEquals(e.getValue(), deferred.get(e.getKey()).orElse(null),
                        "a write deferring its sync, followed by an acknowledged (synced) delete, was lost: "
                                + e.getKey());
            }
            assertTrue(store.listBuckets(CrashWriter.OWNER).stream().anyMatch(b -> b.name().equals("crash")),
                    "the bucket created (synced) before the first acknowledgement is lost");
            List<ObjectVersion> all = listAll(store);
            Map<String, ObjectVersion> byId = new HashMap<>();
            for (ObjectVersion v : all) {
                byId.put(v.versionId(), v);
            }
            for (Map.Entry<String, String> e : putEtags.entrySet()) {
                ObjectVersion v = byId.get(e.getKey());
                assertTrue(v != null && !v.deleteMarker(), "acknowledged PUT lost: " + e.getKey());
                assertEquals(e.getValue(), v.etag());
            }
            for (String m : deleteMarkers) {
                assertTrue(byId.containsKey(m) && byId.get(m).deleteMarker(), "acknowledged DELETE lost: " + m);
            }
            assertTrue(all.size() - size() <= 1, "unexpected extra versions: " + (all.size() - size()));
            for (ObjectVersion v : all) {
                if (v.deleteMarker()) {
                    continue;
                }
                try (ObjectReader r = store.openObject("crash", v.key(), v.versionId());
                     InputStream in = r.openStream()) {
                    byte[] data = in.readAllBytes();
                    assertEquals(v.size(), data.length, "size of " + v.versionId());
                    assertEquals(v.etag(), HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data)),
                            "bytes of " + v.versionId());
                }
            }
            Path blobs = dataDir.resolve("blobs");
            assertEquals(0, countFiles(blobs.resolve("tmp")), "temp files of the interrupted write are collected");
            int threshold = RocksObjectStore.Settings.defaults().inlineThreshold();
            long referenced = all.stream().filter(v -> !v.deleteMarker() && v.size() > threshold).count();
            assertEquals(referenced, countFiles(blobs), "no orphan blob files after reopen");
        }
    }

    private static List<ObjectVersion> listAll(ObjectStore store) {
        List<ObjectVersion> all = new ArrayList<>();
        String km = null;
        String vm = null;
        while (true) {
            ListVersionsPage page = store.listObjectVersions("crash", new ListVersionsQuery("", null, km, vm, 1000));
            all.addAll(page.versions());
            if (!page.truncated()) {
                return all;
            }
            km = page.nextKeyMarker();
            vm = page.nextVersionIdMarker();
        }
    }

    private static long countFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }
}

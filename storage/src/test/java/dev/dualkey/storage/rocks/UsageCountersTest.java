package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.PartWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.model.CompletedPart;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;
import dev.dualkey.storage.usage.BucketUsage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usage counters ({@link UsageLedger}): exact after a mix of PUTs, overwrites, delete markers, version deletes
 * and multipart; computed once for a store written before them; consistent with the versions after kill -9.
 */
class UsageCountersTest {
    private static final String OWNER = "111122223333";

    @TempDir
    Path dir;

    @Test
    void countersAreExactAfterAMixOfWrites() {
        try (StorageEngine engine = StorageEngine.open(dir, List.of())) {
            RocksObjectStore store = (RocksObjectStore) engine.objectStore();
            store.createBucket("plain", OWNER, "us-east-1");
            store.createBucket("vers", OWNER, "us-east-1");
            store.updateBucket("vers", c -> c.withVersioning(VersioningState.ENABLED));
            assertEquals(BucketUsage.empty("plain"), store.bucketUsage("plain"));

            put(store, "plain", "a", 100);
            put(store, "plain", "a", 40);        // replaces the null version
            put(store, "plain", "b", 200_000);   // a blob
            assertEquals(new BucketUsage("plain", 2, 2, 0, 200_040, 200_040), store.bucketUsage("plain"));
            store.deleteObject("plain", "b", null);
            assertEquals(new BucketUsage("plain", 1, 1, 0, 40, 40), store.bucketUsage("plain"));

            ObjectVersion v1 = put(store, "vers", "x", 10);
            ObjectVersion v2 = put(store, "vers", "x", 30);
            put(store, "vers", "y", 5);
            assertEquals(new BucketUsage("vers", 2, 3, 0, 45, 35), store.bucketUsage("vers"));
            String marker = store.deleteObject("vers", "x", null).versionId(); // marker: x is no longer listed
            assertEquals(new BucketUsage("vers", 1, 3, 1, 45, 5), store.bucketUsage("vers"));
            store.deleteObject("vers", "x", marker);  // removing the marker promotes v2 again
            assertEquals(new BucketUsage("vers", 2, 3, 0, 45, 35), store.bucketUsage("vers"));
            store.deleteObject("vers", "x", v2.versionId()); // deleting the newest promotes v1
            assertEquals(new BucketUsage("vers", 2, 2, 0, 15, 15), store.bucketUsage("vers"));
            store.deleteObject("vers", "x", v1.versionId());
            assertEquals(new BucketUsage("vers", 1, 1, 0, 5, 5), store.bucketUsage("vers"));

            // multipart: parts of an unfinished upload are not counted; the completed object is
            String uploadId = store.createMultipartUpload("vers", "mp", ObjectMetadata.empty(),
                    WriteOptions.defaults()).uploadId();
            String e1 = part(store, "vers", "mp", uploadId, 1, 5 * 1024 * 1024);
            String e2 = part(store, "vers", "mp", uploadId, 2, 1000);
            assertEquals(new BucketUsage("vers", 1, 1, 0, 5, 5), store.bucketUsage("vers"));
            store.completeMultipartUpload("vers", "mp", uploadId,
                    List.of(new CompletedPart(1, e1), new CompletedPart(2, e2)));
            long mp = 5 * 1024 * 1024 + 1000;
            assertEquals(new BucketUsage("vers", 2, 2, 0, 5 + mp, 5 + mp), store.bucketUsage("vers"));

            // suspended versioning: a null marker replaces the null version of the key, older versions stay
            store.updateBucket("vers", c -> c.withVersioning(VersioningState.SUSPENDED));
            put(store, "vers", "y", 7);           // null version on top of y's versioned one
            assertEquals(new BucketUsage("vers", 2, 3, 0, 12 + mp, 7 + mp), store.bucketUsage("vers"));
            store.deleteObject("vers", "y", null); // null marker replaces the null version
            assertEquals(new BucketUsage("vers", 1, 2, 1, 5 + mp, mp), store.bucketUsage("vers"));

            for (String b : List.of("plain", "vers")) {
                assertEquals(store.recountUsage(b), store.bucketUsage(b), b);
            }
            BucketUsage plain = store.bucketUsage("plain");
            BucketUsage vers = store.bucketUsage("vers");
            assertEquals(new BucketUsage(BucketUsage.TOTAL, plain.objects() + vers.objects(),
                    plain.versions() + vers.versions(), plain.deleteMarkers() + vers.deleteMarkers(),
                    plain.bytes() + vers.bytes(), plain.currentBytes() + vers.currentBytes()), store.totalUsage());
            assertEquals(List.of(plain, vers), store.listBucketUsage(null, 10));
            assertEquals(List.of(vers), store.listBucketUsage("plain", 10));
            assertEquals(List.of(plain), store.listBucketUsage(null, 1));

            store.deleteObject("plain", "a", null);
            store.deleteBucket("plain");
            assertEquals(List.of(vers), store.listBucketUsage(null, 10));
            assertEquals(vers.objects(), store.totalUsage().objects());
        }
    }

    @Test
    void aStoreWrittenBeforeTheCountersGetsThemComputedOnce() throws Exception {
        BucketUsage expected;
        try (StorageEngine engine = StorageEngine.open(dir, List.of())) {
            RocksObjectStore store = (RocksObjectStore) engine.objectStore();
            store.createBucket("old", OWNER, "us-east-1");
            store.updateBucket("old", c -> c.withVersioning(VersioningState.ENABLED));
            put(store, "old", "a", 10);
            put(store, "old", "a", 20);
            put(store, "old", "b", 150_000);
            store.deleteObject("old", "b", null);
            expected = store.bucketUsage("old");
            assertEquals(new BucketUsage("old", 1, 3, 1, 150_030, 20), expected);
            // As a store written by an earlier release: no counters, no backfill mark.
            Table<byte[], byte[]> usage = engine.database().table(Schema.USAGE, Codecs.BYTES, Codecs.BYTES);
            engine.database().write(b -> {
                try (KvIterator<byte[], byte[]> it = usage.scanRaw(null, null)) {
                    while (it.hasNext()) {
                        usage.delete(b, it.next().key());
                    }
                }
            });
            assertEquals(BucketUsage.empty("old"), store.bucketUsage("old"));
        }
        try (StorageEngine engine = StorageEngine.open(dir, List.of())) {
            RocksObjectStore store = (RocksObjectStore) engine.objectStore();
            assertEquals(expected, store.bucketUsage("old"));
            assertEquals(expected.bytes(), store.totalUsage().bytes());
            assertTrue(store.usageLedger().backfilled());
            put(store, "old", "c", 1);
            assertEquals(expected.versions() + 1, store.bucketUsage("old").versions());
        }
        try (StorageEngine engine = StorageEngine.open(dir, List.of())) { // the mark: never counted again
            RocksObjectStore store = (RocksObjectStore) engine.objectStore();
            assertEquals(-1, store.usageLedger().backfillIfNeeded(null, null));
            assertEquals(expected.versions() + 1, store.bucketUsage("old").versions());
        }
    }

    @Test
    @Timeout(180) // hang detector only
    void countersAgreeWithTheVersionsAfterKill9() throws Exception {
        for (int round = 0; round < 2; round++) { // the second round writes on over a recovered store
            runAndKill(dir, 7 + round, 150 + 100 * round);
            try (StorageEngine engine = StorageEngine.open(dir, List.of())) {
                RocksObjectStore store = (RocksObjectStore) engine.objectStore();
                long objects = 0;
                long bytes = 0;
                for (String b : List.of("vers", "plain")) {
                    BucketUsage counted = store.recountUsage(b);
                    assertEquals(counted, store.bucketUsage(b), "round " + round + " bucket " + b);
                    objects += counted.objects();
                    bytes += counted.bytes();
                }
                assertTrue(objects > 0, "the writer stored objects");
                assertEquals(objects, store.totalUsage().objects());
                assertEquals(bytes, store.totalUsage().bytes());
            }
        }
    }

    private static void runAndKill(Path dataDir, long seed, int killAfter) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path stderr = Files.createTempFile("usage-writer", ".err");
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                UsageCrashWriter.class.getName(), dataDir.toString(), Long.toString(seed))
                .redirectError(stderr.toFile()).start();
        int acks = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("ACK ") && ++acks == killAfter) {
                    // SIGKILL in the middle of a later write
                    new ProcessBuilder("kill", "-9", Long.toString(child.pid())).start().waitFor();
                    assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
                    break;
                }
            }
        } finally {
            child.destroyForcibly();
        }
        assertEquals(killAfter, acks, () -> {
            try {
                return "writer died early: " + Files.readString(stderr);
            } catch (java.io.IOException e) {
                return "writer died early";
            }
        });
    }

    private static ObjectVersion put(RocksObjectStore store, String bucket, String key, int size) {
        try (ObjectWriter w = store.newObjectWriter(bucket, key, ObjectMetadata.empty(), WriteOptions.defaults())) {
            w.write(ByteBuffer.wrap(new byte[size]));
            return w.commit(Expectations.none());
        }
    }

    private static String part(RocksObjectStore store, String bucket, String key, String uploadId, int n, int size) {
        try (PartWriter w = store.newPartWriter(bucket, key, uploadId, n)) {
            w.write(ByteBuffer.wrap(new byte[size]));
            return w.commit(Expectations.none()).etag();
        }
    }
}

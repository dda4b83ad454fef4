package dev.dualkey.storage.rocks;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Child process of {@link CrashRecoveryTest}: writes objects forever (inline and blob sizes, deletes too) and
 * prints one {@code ACK} line per acknowledged mutation, flushed, so the parent knows what must survive a kill.
 * Usage: {@code CrashWriter <dataDir> <seed>}.
 */
public final class CrashWriter {
    static final String OWNER = "111122223333";
    /**
     * Records written with {@link RocksDatabase#writeDeferringSync} right before each delete, as the MFA
     * verifier writes a consumed code before the delete it authorizes: the delete's synced write must make them
     * durable too. Key {@code del-<n>} (n = the mutation's index), value the deleted key.
     */
    static final ColumnFamilySpec DEFERRED = ColumnFamilySpec.of("test.deferred", "del-<n> :- key");

    private CrashWriter() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        Random rnd = new Random(Long.parseLong(args[1]));
        PrintStream out = new PrintStream(System.out, false);
        StorageEngine engine = StorageEngine.open(dir, List.of(DEFERRED));
        Table<String, String> deferred = engine.database().table(DEFERRED.name(), Codecs.UTF8, Codecs.UTF8);
        ObjectStore store = engine.objectStore();
        store.createBucket("crash", OWNER, "us-east-1");
        store.updateBucket("crash", c -> c.withVersioning(VersioningState.ENABLED));
        out.println("READY");
        out.flush();
        for (long i = 0; ; i++) {
            String key = "k" + (i % 50);
            if (i % 7 == 6) {
                long n = i;
                engine.database().writeDeferringSync(b -> deferred.put(b, "del-" + n, key));
                var d = store.deleteObject("crash", key, null);
                out.println("DEL " + key + " " + d.versionId() + " " + n);
            } else {
                int size = rnd.nextInt(5) == 0 ? 200_000 + rnd.nextInt(300_000) : rnd.nextInt(4096);
                byte[] data = new byte[size];
                rnd.nextBytes(data);
                try (ObjectWriter w = store.newObjectWriter("crash", key, ObjectMetadata.empty(),
                        WriteOptions.defaults())) {
                    w.write(ByteBuffer.wrap(data));
                    ObjectVersion v = w.commit(Expectations.none());
                    out.println("PUT " + key + " " + v.versionId() + " " + v.etag() + " " + size);
                }
            }
            out.flush();
        }
    }
}

package dev.dualkey.storage.rocks;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.error.StorageException;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Child process of {@link UsageCountersTest}: writes a mix that moves every usage counter (PUTs inline and blob,
 * overwrites of null versions, delete markers, deletes of versions that promote an older one) into a versioned and
 * an unversioned bucket until killed, printing {@code ACK} after each. Usage: {@code UsageCrashWriter <dir> <seed>}.
 */
public final class UsageCrashWriter {
    private UsageCrashWriter() {
    }

    public static void main(String[] args) {
        Random rnd = new Random(Long.parseLong(args[1]));
        StorageEngine engine = StorageEngine.open(Path.of(args[0]), List.of());
        ObjectStore store = engine.objectStore();
        for (String b : List.of("vers", "plain")) {
            if (store.listBuckets("111122223333").stream().noneMatch(i -> i.name().equals(b))) {
                store.createBucket(b, "111122223333", "us-east-1");
            }
        }
        store.updateBucket("vers", c -> c.withVersioning(VersioningState.ENABLED));
        PrintStream out = new PrintStream(System.out, false);
        out.println("READY");
        out.flush();
        List<String> versionIds = new ArrayList<>();
        for (long i = 0; ; i++) {
            String bucket = rnd.nextBoolean() ? "vers" : "plain";
            String key = "k" + rnd.nextInt(20);
            int op = rnd.nextInt(10);
            try {
                if (op < 6) {
                    int size = rnd.nextInt(8) == 0 ? 150_000 + rnd.nextInt(100_000) : rnd.nextInt(3000);
                    byte[] data = new byte[size];
                    rnd.nextBytes(data);
                    try (ObjectWriter w = store.newObjectWriter(bucket, key, ObjectMetadata.empty(),
                            WriteOptions.defaults())) {
                        w.write(ByteBuffer.wrap(data));
                        ObjectVersion v = w.commit(Expectations.none());
                        if (bucket.equals("vers")) {
                            versionIds.add(key + " " + v.versionId());
                        }
                    }
                } else if (op < 8 || versionIds.isEmpty()) {
                    store.deleteObject(bucket, key, null);
                } else {
                    String[] kv = versionIds.remove(rnd.nextInt(versionIds.size())).split(" ");
                    store.deleteObject("vers", kv[0], kv[1]);
                }
            } catch (StorageException e) {
                // a delete of a key that is gone: nothing changed
            }
            out.println("ACK " + i);
            out.flush();
        }
    }
}

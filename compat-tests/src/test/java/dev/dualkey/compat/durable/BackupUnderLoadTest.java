package dev.dualkey.compat.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dualkey.compat.Clients;
import dev.dualkey.storage.rocks.StoreBackup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code dualkey admin backup} of a running server while an SDK v2 client keeps writing: the CLI goes through the
 * admin channel (online), and a second server started on the backup ({@code serve --data-dir DEST}, with the
 * master key the backup carried) has exactly every object acknowledged before the backup began, plus possibly
 * later ones, each whole (bytes hash to the ETag acknowledged for them), and accepts new writes.
 */
class BackupUnderLoadTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(180) // hang detector only
    void aBackupTakenUnderLoadHoldsEveryWriteAcknowledgedBeforeItEachWhole() throws Exception {
        Path source = dir.resolve("source");
        Path dest = dir.resolve("backup");
        Map<String, String> acked = new ConcurrentHashMap<>(); // key -> etag
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailed = new AtomicReference<>();
        Map<String, String> before;
        JsonNode result;
        try (ServeProcess a = ServeProcess.start(source, Map.of()); S3Client s3 = Clients.v2(a.endpoint())) {
            s3.createBucket(b -> b.bucket("load"));
            Thread writer = new Thread(() -> {
                Random rnd = new Random(5);
                try {
                    for (int i = 0; !stop.get(); i++) {
                        byte[] data = new byte[i % 4 == 0 ? 150_000 + rnd.nextInt(100_000) : rnd.nextInt(4000)];
                        rnd.nextBytes(data);
                        String key = "k" + i;
                        String etag = s3.putObject(p -> p.bucket("load").key(key), RequestBody.fromBytes(data))
                                .eTag().replace("\"", "");
                        acked.put(key, etag);
                    }
                } catch (Throwable t) {
                    writerFailed.set(t);
                }
            }, "backup-load-writer");
            writer.start();
            while (acked.size() < 40 && writer.isAlive()) {
                Thread.sleep(20);
            }
            before = new HashMap<>(acked); // acknowledged before the backup began
            AdminCli backup = AdminCli.run("admin", "backup", "--data-dir", source.toString(), "--to",
                    dest.toString(), "--with-master-key", "--json");
            assertEquals(0, backup.exitCode(), backup.err());
            result = backup.json();
            int atBackupEnd = acked.size();
            while (acked.size() < atBackupEnd + 10 && writer.isAlive()) {
                Thread.sleep(20); // writes go on after the backup too
            }
            stop.set(true);
            writer.join();
            assertEquals(null, writerFailed.get(), "the writer failed while the backup ran: " + writerFailed.get());
        }
        assertEquals("server", result.path("through").asText(), "a running server backs up through its channel");
        assertEquals("copied", result.path("masterKey").asText());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dest.resolve("master.key"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dest)));
        assertTrue(Files.notExists(dest.resolve(StoreBackup.INCOMPLETE)));
        // the backup holds data encrypted at rest (the server's default) and the key to it: an offline scrub of the
        // backup decrypts every version with the master key it carried, checks every tag and ETag, skips none
        AdminCli scrub = AdminCli.run("admin", "scrub", "--data-dir", dest.toString(), "--rate", "0", "--json");
        assertEquals(0, scrub.exitCode(), scrub.err() + scrub.out());
        assertEquals("offline", scrub.json().path("through").asText());
        assertEquals(0, scrub.json().path("unverifiable").asLong(), scrub.out());
        assertTrue(scrub.json().path("versions").asLong() >= before.size(), scrub.out());

        try (ServeProcess b = ServeProcess.start(dest, Map.of()); S3Client s3 = Clients.v2(b.endpoint())) {
            Map<String, String> restored = new HashMap<>();
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket("load")).contents()) {
                restored.put(o.key(), o.eTag().replace("\"", ""));
            }
            for (Map.Entry<String, String> e : before.entrySet()) {
                assertEquals(e.getValue(), restored.get(e.getKey()), "acknowledged before the backup: " + e.getKey());
            }
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            for (Map.Entry<String, String> e : restored.entrySet()) {
                assertEquals(acked.get(e.getKey()), e.getValue(), "a later write in the backup is one acknowledged");
                byte[] body = s3.getObjectAsBytes(g -> g.bucket("load").key(e.getKey())).asByteArray();
                assertEquals(e.getValue(), HexFormat.of().formatHex(md5.digest(body)), "whole: " + e.getKey());
            }
            assertTrue(restored.size() >= before.size());
            s3.putObject(p -> p.bucket("load").key("after-restore"), RequestBody.fromString("new"));
        }
    }
}

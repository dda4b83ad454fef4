package dev.dualkey.compat.durable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dualkey.compat.Clients;
import dev.dualkey.gateway.rotate.RotationState;
import dev.dualkey.mfa.secret.MasterKey;
import dev.dualkey.storage.rocks.DataKeyRewrapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code kill -9} of {@code dualkey admin rotate-master-key} (offline, a child JVM, killed once its cursor file shows
 * it is half-way through the blob files): a server started on the directory right after the kill reads every object
 * (both keys are configured), the command run again resumes from the cursor and finishes, and a server holding the
 * new key only then authenticates the root key (its secret was re-sealed) and reads every object whole; the scrub
 * finds nothing.
 */
class KillDuringRotationTest {
    private static final String BUCKET = "rotated";

    @TempDir
    Path dir;

    private static Map<String, String> populate(Path data) {
        Map<String, String> md5s = new TreeMap<>();
        try (ServeProcess s = ServeProcess.start(data, Map.of()); S3Client s3 = Clients.v2(s.endpoint())) {
            s3.createBucket(b -> b.bucket(BUCKET));
            Random rnd = new Random(5);
            for (int i = 0; i < 48; i++) {
                byte[] body = new byte[i % 4 == 3 ? 1_500 : 130_000 + rnd.nextInt(10_000)]; // blobs and inline values
                rnd.nextBytes(body);
                String key = "o" + i;
                md5s.put(key, s3.putObject(p -> p.bucket(BUCKET).key(key), RequestBody.fromBytes(body)).eTag()
                        .replace("\"", ""));
            }
        }
        return md5s;
    }

    private static Optional<Properties> cursor(Path data) {
        Path f = data.resolve(RotationState.FILE_NAME);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
            return Optional.of(p);
        } catch (Exception e) {
            return Optional.empty(); // being replaced
        }
    }

    private static void assertAllReadable(Path data, Map<String, String> md5s) throws Exception {
        try (ServeProcess s = ServeProcess.start(data, Map.of()); S3Client s3 = Clients.v2(s.endpoint())) {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            for (Map.Entry<String, String> e : md5s.entrySet()) {
                byte[] body = s3.getObjectAsBytes(g -> g.bucket(BUCKET).key(e.getKey())).asByteArray();
                assertEquals(e.getValue(), HexFormat.of().formatHex(md5.digest(body)), e.getKey());
            }
        }
    }

    @Test
    @Timeout(300) // hang detector only
    void aRotationKilledHalfWayResumesAndLeavesNothingUnreadable() throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> md5s = populate(data);
        byte[] oldKey = Files.readAllBytes(data.resolve(MasterKey.FILE_NAME));

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.dualkey.gateway.cli.DualkeyCli", "admin", "rotate-master-key", "--data-dir", data.toString(),
                "--rate", "0.5", "--progress", "never"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        Properties atKill = null;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline && p.isAlive()) {
                Optional<Properties> c = cursor(data);
                if (c.isPresent() && DataKeyRewrapper.Phase.BLOBS.name().equals(c.get().getProperty("phase"))
                        && c.get().getProperty("after") != null) {
                    atKill = c.get();
                    break;
                }
                Thread.sleep(20);
            }
        } finally {
            new ProcessBuilder("kill", "-9", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        assertTrue(atKill != null, "the rotation was killed half-way through the blob files");
        assertFalse(Arrays.equals(oldKey, Files.readAllBytes(data.resolve(MasterKey.FILE_NAME))),
                "a new key was introduced");
        assertArrayEquals(oldKey, Files.readAllBytes(data.resolve(MasterKey.PREVIOUS_FILE_NAME)));

        assertAllReadable(data, md5s); // mid-rotation, both keys configured: nothing unreadable

        AdminCli resumed = AdminCli.run("admin", "rotate-master-key", "--data-dir", data.toString(), "--retire",
                "--json");
        assertEquals(0, resumed.exitCode(), resumed.out() + resumed.err());
        JsonNode r = resumed.json();
        assertTrue(r.path("data").path("resumed").asBoolean(), r.toString());
        assertFalse(r.path("introduced").asBoolean(), "the rotation under way is finished, no third key");
        assertTrue(r.path("data").path("rewrapped").asLong() > 0, r.toString());
        assertTrue(r.path("data").path("rewrapped").asLong() < md5s.size(), "resumed, not restarted: " + r);
        assertTrue(r.path("complete").asBoolean() && r.path("retired").asBoolean(), r.toString());
        assertFalse(Files.exists(data.resolve(MasterKey.PREVIOUS_FILE_NAME)));

        assertAllReadable(data, md5s); // the new key alone: root's secret and every data key moved
        AdminCli scrub = AdminCli.run("admin", "scrub", "--data-dir", data.toString(), "--rate", "0", "--json");
        assertEquals(0, scrub.exitCode(), scrub.out() + scrub.err());
        assertEquals(0, scrub.json().path("unverifiable").asLong(), scrub.out());
    }
}

package dev.dualkey.compat.durable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dualkey.compat.Clients;
import dev.dualkey.mfa.secret.MasterKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code dualkey admin rotate-master-key} through a running {@code serve}'s admin socket: the server switches to the
 * new key at once and goes on serving (old and new objects, SDK v2 signed with the root key whose secret was just
 * re-sealed); {@code --retire} then removes the old key file, and the restarted server, holding the new key only,
 * reads everything.
 */
class RotateMasterKeyOnlineTest {
    private static final String BUCKET = "online";

    @TempDir
    Path dir;

    @Test
    @Timeout(240) // hang detector only
    void aRunningServerRotatesAndKeepsServingThenRetiresTheOldKey() throws Exception {
        Path data = dir.resolve("data");
        Map<String, byte[]> bodies = new TreeMap<>();
        byte[] oldKey;
        try (ServeProcess s = ServeProcess.start(data, Map.of()); S3Client s3 = Clients.v2(s.endpoint())) {
            s3.createBucket(b -> b.bucket(BUCKET));
            Random rnd = new Random(8);
            for (int size : new int[] {10, 2_000, 150_000, 700_000}) {
                byte[] body = new byte[size];
                rnd.nextBytes(body);
                bodies.put("o" + size, body);
                s3.putObject(p -> p.bucket(BUCKET).key("o" + size), RequestBody.fromBytes(body));
            }
            oldKey = Files.readAllBytes(data.resolve(MasterKey.FILE_NAME));

            AdminCli rotated = AdminCli.run("admin", "rotate-master-key", "--data-dir", data.toString(), "--json");
            assertEquals(0, rotated.exitCode(), rotated.out() + rotated.err());
            JsonNode r = rotated.json();
            assertEquals("server", r.path("through").asText(), r.toString());
            assertTrue(r.path("introduced").asBoolean() && r.path("complete").asBoolean(), r.toString());
            assertEquals(4, r.path("data").path("rewrapped").asLong(), r.toString());
            assertTrue(r.path("secrets").path("resealed").asLong() >= 1, "root's access key secret: " + r);
            assertFalse(Arrays.equals(oldKey, Files.readAllBytes(data.resolve(MasterKey.FILE_NAME))));

            for (Map.Entry<String, byte[]> e : bodies.entrySet()) { // same process, new key, same requests
                assertArrayEquals(e.getValue(), s3.getObjectAsBytes(g -> g.bucket(BUCKET).key(e.getKey()))
                        .asByteArray(), e.getKey());
            }
            byte[] later = "written under the new key".getBytes();
            s3.putObject(p -> p.bucket(BUCKET).key("later"), RequestBody.fromBytes(later));
            bodies.put("later", later);

            AdminCli retired = AdminCli.run("admin", "rotate-master-key", "--data-dir", data.toString(), "--retire",
                    "--json");
            assertEquals(0, retired.exitCode(), retired.out() + retired.err());
            assertTrue(retired.json().path("retired").asBoolean(), retired.out());
            assertEquals(0, retired.json().path("data").path("rewrapped").asLong(), retired.out());
            assertFalse(Files.exists(data.resolve(MasterKey.PREVIOUS_FILE_NAME)));
        }
        try (ServeProcess s = ServeProcess.start(data, Map.of()); S3Client s3 = Clients.v2(s.endpoint())) {
            for (Map.Entry<String, byte[]> e : bodies.entrySet()) {
                assertArrayEquals(e.getValue(), s3.getObjectAsBytes(g -> g.bucket(BUCKET).key(e.getKey()))
                        .asByteArray(), e.getKey());
            }
        }
    }
}

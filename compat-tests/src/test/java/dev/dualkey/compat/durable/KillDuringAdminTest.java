package dev.dualkey.compat.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Clients;
import dev.dualkey.storage.rocks.StoreBackup;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code kill -9} of {@code dualkey admin scrub} and {@code dualkey admin backup} (offline, in a child JVM, killed
 * once its progress bar shows it is working) leaves the data directory as good as before: an offline scrub,
 * which only reads, leaves every file byte for byte as it was; after a killed backup a server starts on the
 * directory with every object whole and a scrub finds nothing, and the half-written destination either is a
 * complete backup or carries the unfinished marker that makes {@code serve} refuse it.
 */
class KillDuringAdminTest {
    @TempDir
    Path dir;

    private Map<String, String> populate(Path data) {
        Map<String, String> etags = new TreeMap<>();
        try (ServeProcess s = ServeProcess.start(data, Map.of()); S3Client s3 = Clients.v2(s.endpoint())) {
            s3.createBucket(b -> b.bucket("killed"));
            Random rnd = new Random(11);
            for (int i = 0; i < 30; i++) {
                byte[] body = new byte[i % 2 == 0 ? 140_000 + rnd.nextInt(20_000) : 2_000];
                rnd.nextBytes(body);
                String key = "o" + i;
                etags.put(key, s3.putObject(p -> p.bucket("killed").key(key), RequestBody.fromBytes(body)).eTag()
                        .replace("\"", ""));
            }
        }
        return etags;
    }

    /** Path -> SHA-256 of every file below {@code root} (the socket file excluded: it is not data). */
    private static Map<String, String> fingerprint(Path root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(),
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return out;
    }

    /** Starts {@code dualkey args...} in a child JVM, waits until stderr shows {@code marker}, SIGKILLs it. */
    private static boolean killOnce(String marker, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), "dev.dualkey.gateway.cli.DualkeyCli"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        boolean sawMarker = false;
        try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(),
                StandardCharsets.UTF_8))) {
            StringBuilder seen = new StringBuilder();
            int c;
            while ((c = err.read()) >= 0) {
                seen.append((char) c);
                if (seen.indexOf(marker) >= 0) {
                    sawMarker = true;
                    break;
                }
            }
        } finally {
            new ProcessBuilder("kill", "-9", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        return sawMarker;
    }

    @Test
    @Timeout(180) // hang detector only
    void killedScrubAndBackupLeaveTheDataDirectoryAsGoodAsBefore() throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> etags = populate(data);
        Map<String, String> before = fingerprint(data);
        assertTrue(killOnce("scrub [", "admin", "scrub", "--data-dir", data.toString(), "--rate", "0.5",
                "--progress", "always"), "the scrub was killed while it ran");
        assertEquals(before, fingerprint(data), "an offline scrub reads only");

        Path dest = dir.resolve("backup");
        killOnce("backup [", "admin", "backup", "--data-dir", data.toString(), "--to", dest.toString(),
                "--progress", "always");
        if (Files.exists(dest.resolve(StoreBackup.INCOMPLETE))) {
            AdminCli refused = AdminCli.run("serve", "--data-dir", dest.toString(), "--address", "127.0.0.1:0",
                    "--console-address", "127.0.0.1:0");
            assertEquals(2, refused.exitCode());
            assertTrue(refused.err().contains("unfinished backup"), refused.err());
        }
        try (ServeProcess s = ServeProcess.start(data, Map.of()); S3Client s3 = Clients.v2(s.endpoint())) {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            List<S3Object> listed = s3.listObjectsV2Paginator(r -> r.bucket("killed")).contents().stream().toList();
            assertEquals(etags.keySet(), new java.util.TreeSet<>(listed.stream().map(S3Object::key).toList()));
            for (Map.Entry<String, String> e : etags.entrySet()) {
                byte[] body = s3.getObjectAsBytes(g -> g.bucket("killed").key(e.getKey())).asByteArray();
                assertEquals(e.getValue(), HexFormat.of().formatHex(md5.digest(body)), e.getKey());
            }
            AdminCli scrub = AdminCli.run("admin", "scrub", "--data-dir", data.toString(), "--rate", "0", "--json");
            assertEquals(0, scrub.exitCode(), scrub.out() + scrub.err());
        }
    }
}

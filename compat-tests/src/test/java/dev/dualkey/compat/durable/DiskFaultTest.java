package dev.dualkey.compat.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dualkey.compat.Clients;
import dev.dualkey.storage.disk.Shell;
import dev.dualkey.testkit.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Disk faults under load, injected into the server process ({@code dualkey serve} in a child JVM) with the
 * {@code faultfs} preload ({@code src/test/c/faultfs.c}: EIO or ENOSPC from read/write/fsync/rename/sendfile of
 * files under the data directory only, switched at run time). For each fault, while SDK v2 requests run:
 * <ul>
 * <li>every affected request is answered 500 InternalError or 503 (SlowDown / ServiceUnavailable), or, for a
 *     GET whose body had started, cut short: never a 200 with wrong bytes;</li>
 * <li>no write is acknowledged while the fault makes it impossible to make durable (with fsync or write
 *     failing, not one PUT gets a 200);</li>
 * <li>requests the fault does not touch keep being served (GETs while writes fail; small PUTs while renames
 *     fail);</li>
 * <li>once the fault stops, writes succeed again on the same process (RocksDB reopened after its background
 *     error: the Resume() RocksJava lacks);</li>
 * <li>the log has one line per failed request and no stack trace.</li>
 * </ul>
 * Finally the server is restarted without faults: every acknowledged write is there, whole. Needs gcc to build
 * the preload (fails under CI=true, skipped elsewhere).
 */
class DiskFaultTest {
    private static final int SMALL = 2_000;
    private static final int LARGE = 200_000;

    @TempDir
    Path dir;
    private Path preload;
    private Path ctl;
    private Path faultLog;
    private final Random rnd = new Random(21);
    private final Map<String, String> acked = new HashMap<>(); // key -> md5
    private final Map<String, byte[]> existing = new HashMap<>();
    private int counter;

    @BeforeEach
    void buildPreload() {
        Path gcc = Prerequisites.requireCommand("DiskFaultTest", "gcc", "apt-get install gcc");
        preload = dir.resolve("faultfs.so");
        Shell.run(gcc.toString(), "-shared", "-fPIC", "-O2", "-o", preload.toString(),
                Path.of("src/test/c/faultfs.c").toAbsolutePath().toString(), "-ldl");
        ctl = dir.resolve("faults.ctl");
        faultLog = dir.resolve("faults.log");
    }

    private void faults(String spec) throws Exception {
        Path tmp = dir.resolve("faults.tmp");
        Files.writeString(tmp, spec);
        Files.move(tmp, ctl, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Thread.sleep(50); // the preload looks at the control file at most every 10 ms
    }

    private long injected() throws Exception {
        return Files.exists(faultLog) ? Files.readAllLines(faultLog).size() : 0;
    }

    private static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    /** PUT a new object: true when acknowledged (recorded), false when refused with 500/503 (anything else fails). */
    private boolean put(S3Client s3, int size) throws Exception {
        byte[] data = new byte[size];
        rnd.nextBytes(data);
        String key = "k" + (counter++);
        try {
            String etag = s3.putObject(p -> p.bucket("faults").key(key), RequestBody.fromBytes(data)).eTag()
                    .replace("\"", "");
            assertEquals(md5(data), etag);
            acked.put(key, etag);
            return true;
        } catch (S3Exception e) {
            assertRefusal(e);
            return false;
        }
    }

    private static void assertRefusal(S3Exception e) {
        String code = e.awsErrorDetails().errorCode();
        assertTrue((e.statusCode() == 500 && code.equals("InternalError"))
                || (e.statusCode() == 503 && (code.equals("SlowDown") || code.equals("ServiceUnavailable"))),
                "a disk fault must be answered 500 InternalError or 503, got " + e.statusCode() + " " + code);
    }

    /** GET an existing object: true when served whole, false when refused or cut short; wrong bytes fail. */
    private boolean get(S3Client s3, String key) throws Exception {
        try {
            byte[] body = s3.getObjectAsBytes(g -> g.bucket("faults").key(key)).asByteArray();
            assertEquals(md5(existing.get(key)), md5(body), "a GET answered 200 with wrong bytes: " + key);
            return true;
        } catch (S3Exception e) {
            assertRefusal(e);
            return false;
        } catch (SdkClientException cut) {
            return false; // the body had started: the connection was aborted, the client saw a short body
        }
    }

    private void recovers(S3Client s3) throws Exception {
        faults("");
        int attempts = 0;
        while (!put(s3, SMALL)) {
            attempts++;
            if (attempts > 100) {
                fail("writes did not recover after the fault stopped");
            }
            Thread.sleep(50);
        }
        for (int i = 0; i < 4; i++) {
            assertTrue(put(s3, i % 2 == 0 ? SMALL : LARGE), "a write failed after recovery");
        }
    }

    @Test
    @Timeout(240) // hang detector only
    void diskFaultsAreRefusedCleanlyAndRecoveredFromWithoutARestart() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        faults("");
        Map<String, String> env = Map.of("LD_PRELOAD", preload.toString(),
                "DUALKEY_FAULT_DIR", data.toAbsolutePath() + "/",
                "DUALKEY_FAULT_CTL", ctl.toString(), "DUALKEY_FAULT_LOG", faultLog.toString());
        String log;
        try (ServeProcess s = ServeProcess.start(data, env); S3Client s3 = Clients.v2(s.endpoint())) {
            try {
                log = underFaults(s, s3);
            } catch (Throwable t) {
                t.addSuppressed(new AssertionError("server log:\n" + s.log()));
                throw t;
            }
        }
        assertFalse(log.contains("\tat "), "a failing disk must not fill the log with stack traces:\n" + log);
        long failureLines = log.lines().filter(l -> l.contains("storage failure")).count();
        assertTrue(failureLines > 0, "each failed request is logged:\n" + log);

        try (ServeProcess s = ServeProcess.start(data, Map.of()); S3Client s3 = Clients.v2(s.endpoint())) {
            for (Map.Entry<String, String> e : acked.entrySet()) {
                byte[] body = s3.getObjectAsBytes(g -> g.bucket("faults").key(e.getKey())).asByteArray();
                assertEquals(e.getValue(), md5(body), "acknowledged write after restart: " + e.getKey());
            }
        }
    }

    /** The faults, one after another, on the running server; returns its log. */
    private String underFaults(ServeProcess s, S3Client s3) throws Exception {
        s3.createBucket(b -> b.bucket("faults"));
        for (int i = 0; i < 6; i++) {
            byte[] body = new byte[i < 3 ? SMALL : LARGE];
            rnd.nextBytes(body);
            String key = "existing" + i;
            s3.putObject(p -> p.bucket("faults").key(key), RequestBody.fromBytes(body));
            existing.put(key, body);
        }
        List<String> keys = List.copyOf(existing.keySet());

        // "fsync 28" right after "write 28" is the order that found issue 17's deadlock: RocksDB's out-of-space
        // recovery thread of the instance closed by the reopen after "write 28" deadlocked the next instance's
        // first ENOSPC, and the hung PUT's keep-alive connection was then closed without an answer by the slow-
        // client guard. Both are fixed (RocksDatabase#openDb, SlowClientGuard); keep the two adjacent.
        for (String spec : List.of("write 5", "fsync 5", "write 28", "fsync 28")) {
            long before = injected();
            faults(spec);
            for (int i = 0; i < 6; i++) {
                assertFalse(put(s3, i % 2 == 0 ? SMALL : LARGE),
                        "a PUT was acknowledged while every " + spec + " failed: not durable");
                assertTrue(get(s3, keys.get(i % keys.size())), "reads must go on while writes fail (" + spec + ")");
            }
            assertTrue(injected() > before, "the fault was injected: " + spec);
            recovers(s3);
        }

        long before = injected();
        faults("rename 5");
        for (int i = 0; i < 4; i++) {
            assertFalse(put(s3, LARGE), "a blob is published by a rename, which fails");
            assertTrue(put(s3, SMALL), "small objects need no rename: they are still accepted");
        }
        assertTrue(injected() > before);
        recovers(s3);

        before = injected();
        faults("read,sendfile 5");
        int refused = 0;
        for (int i = 0; i < 12; i++) {
            if (!get(s3, keys.get(i % keys.size()))) {
                refused++;
            }
        }
        assertTrue(refused > 0 && injected() > before, "reads of blobs failed while reads fail");
        faults("");
        for (String k : keys) {
            assertTrue(get(s3, k), "reads recover: " + k);
        }
        assertTrue(put(s3, SMALL));
        return s.log();
    }
}

package dev.dualkey.compat.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Clients;
import dev.dualkey.compat.PatternStream;
import dev.dualkey.compat.durable.ServeProcess;
import dev.dualkey.testkit.MotoServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Upstream mode keeps single-node mode's memory bound: a 256 MiB object goes up and comes back down through the real
 * {@code serve --upstream} (over moto) in a JVM of {@code -Xmx256m} that exits on OutOfMemoryError, so no whole
 * object is ever held (bodies pass through a bounded pipe up, a bounded read-ahead down). The payload is generated
 * on the fly and its MD5 computed as it is read back, so the test holds no object either. The body is not staged
 * on the gateway's disk either (what the store-and-forward version did): the gateway process writes less than
 * 16 MiB to storage during the PUT ({@code /proc/PID/io}).
 * {@code -Ddualkey.upstream.heapTestMiB=N} changes the size (1024 is the long variant, run by hand).
 */
class UpstreamHeapBoundTest {
    private static final long SIZE = Long.getLong("dualkey.upstream.heapTestMiB", 256) * 1024 * 1024 + 99;

    @Test
    void a256MiBObjectUpAndDownThroughA256MiBHeapGateway() throws Exception {
        MotoServer moto = MotoServer.shared(getClass().getSimpleName());
        moto.reset();
        try (ServeProcess serve = ServeProcess.startInTempDir(List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"),
                Map.of("DUALKEY_UPSTREAM_ACCESS_KEY", "test", "DUALKEY_UPSTREAM_SECRET_KEY", "test"),
                "--upstream", moto.endpoint().toString(), "--upstream-region", "us-east-1");
             S3Client s3 = Clients.v2(serve.endpoint())) {
            String bucket = "heap-bound";
            s3.createBucket(b -> b.bucket(bucket));
            String md5 = md5(new PatternStream(SIZE));
            long writtenBefore = diskWrites(serve.pid());
            String versionless = s3.putObject(b -> b.bucket(bucket).key("big"),
                    RequestBody.fromContentProvider(() -> new PatternStream(SIZE), SIZE, "application/octet-stream"))
                    .eTag();
            assertEquals('"' + md5 + '"', versionless, "the ETag of a plain PUT: its MD5");
            long written = diskWrites(serve.pid()) - writtenBefore;
            System.out.println("UpstreamHeapBoundTest: the gateway wrote " + written + " bytes to its disks during a "
                    + SIZE + "-byte PUT");
            assertTrue(written < 16L * 1024 * 1024, "the body passed through, never staged on the gateway's disk: "
                    + written + " bytes written");
            try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key("big"))) {
                assertEquals(SIZE, in.response().contentLength());
                assertEquals(md5, md5(in), "MD5 of the downloaded object");
            } catch (IOException e) {
                throw new IOException(e.getMessage() + "; gateway log:\n" + serve.log(), e);
            }
            assertTrue(serve.isAlive(), () -> "the gateway died (out of memory?):\n" + serve.log());
            s3.deleteObject(b -> b.bucket(bucket).key("big"));
            s3.deleteBucket(b -> b.bucket(bucket));
        }
    }

    /** Bytes the process caused to be written to storage ({@code write_bytes} of {@code /proc/PID/io}, Linux). */
    private static long diskWrites(long pid) throws IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/io"))) {
            if (line.startsWith("write_bytes:")) {
                return Long.parseLong(line.substring("write_bytes:".length()).trim());
            }
        }
        throw new IllegalStateException("no write_bytes in /proc/" + pid + "/io");
    }

    private static String md5(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("MD5");
        try (DigestInputStream d = new DigestInputStream(in, md)) {
            d.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}

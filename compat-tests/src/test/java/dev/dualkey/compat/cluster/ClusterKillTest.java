package dev.dualkey.compat.cluster;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Clients;
import dev.dualkey.compat.durable.ServeProcess;
import dev.dualkey.testkit.EtcdServer;
import dev.dualkey.testkit.MotoServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Three real {@code dualkey serve --upstream URL --state etcd://...} processes (cluster mode as an operator runs it)
 * over one etcd and one moto: a gateway killed with SIGKILL during a 256 MiB upload leaves no visible partial
 * object (no key, no version, nothing readable, no upload listed) at the other two, which keep serving. Killed
 * twice: while the client is still sending the body, and while the gateway writes it upstream (an upstream
 * multipart upload open).
 */
class ClusterKillTest {
    private static final long SIZE = 256L << 20;
    private static final int CHUNK = 1 << 20;

    @TempDir
    Path dir;
    private EtcdServer etcd;
    private MotoServer moto;
    private final List<ServeProcess> gateways = new ArrayList<>();
    private final List<S3Client> clients = new ArrayList<>();
    private S3Client direct;
    private Map<String, String> env;
    private String[] flags;

    @BeforeEach
    void start() throws Exception {
        etcd = EtcdServer.start("ClusterKillTest", dir.resolve("etcd"));
        moto = MotoServer.shared("ClusterKillTest");
        moto.reset();
        byte[] master = new byte[32];
        new java.security.SecureRandom().nextBytes(master);
        env = Map.of("DUALKEY_MASTER_KEY", Base64.getEncoder().encodeToString(master),
                "DUALKEY_UPSTREAM_ACCESS_KEY", "test", "DUALKEY_UPSTREAM_SECRET_KEY", "test");
        flags = new String[] {"--upstream", moto.endpoint().toString(), "--state", etcd.stateUrl()};
        for (int g = 0; g < 3; g++) {
            gateways.add(ServeProcess.start(dir.resolve("gw" + g), env, flags));
            clients.add(Clients.v2(gateways.get(g).endpoint()));
        }
        direct = S3Client.builder().endpointOverride(moto.endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(S3Client::close);
        if (direct != null) {
            direct.close();
        }
        gateways.forEach(ServeProcess::close);
        if (etcd != null) {
            etcd.close();
        }
    }

    /**
     * Streams {@code SIZE} bytes to a presigned PUT URL of gateway {@code g} in the background; {@code sent}
     * completes once {@code stopAfter} bytes are written (or the connection broke), the result is the HTTP status
     * or -1 when the gateway died under the upload.
     */
    private CompletableFuture<Integer> upload(int g, String bucket, String key, long stopAfter,
                                              CompletableFuture<Long> sent) throws Exception {
        URL url;
        try (S3Presigner p = Clients.presigner(gateways.get(g).endpoint())) {
            url = p.presignPutObject(r -> r.signatureDuration(Duration.ofMinutes(10))
                    .putObjectRequest(o -> o.bucket(bucket).key(key))).url();
        }
        return CompletableFuture.supplyAsync(() -> {
            long written = 0;
            try {
                HttpURLConnection c = (HttpURLConnection) url.openConnection();
                c.setRequestMethod("PUT");
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(SIZE);
                c.setReadTimeout(120_000);
                byte[] chunk = new byte[CHUNK];
                new java.util.Random(7).nextBytes(chunk);
                try (OutputStream out = c.getOutputStream()) {
                    while (written < SIZE) {
                        out.write(chunk);
                        written += CHUNK;
                        if (written == stopAfter) {
                            sent.complete(written);
                        }
                    }
                }
                sent.complete(written);
                return c.getResponseCode();
            } catch (IOException e) {
                sent.complete(written); // the gateway died under the upload: what the test wants
                return -1;
            }
        });
    }

    private void assertNothingVisible(String bucket, String key, int killed) {
        for (int g = 0; g < 3; g++) {
            if (g == killed) {
                continue;
            }
            S3Client s3 = clients.get(g);
            assertTrue(s3.listObjectVersions(b -> b.bucket(bucket)).versions().stream()
                    .noneMatch(v -> v.key().equals(key)), "gateway " + g + " lists no version of " + key);
            assertTrue(s3.listObjectsV2(b -> b.bucket(bucket)).contents().stream()
                    .noneMatch(o -> o.key().equals(key)), "gateway " + g + " lists no " + key);
            assertS3Error(404, "NoSuchKey", () -> s3.getObject(b -> b.bucket(bucket).key(key)));
            assertTrue(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads().isEmpty(),
                    "a client PUT is no multipart upload of the client's");
            // and they keep serving: a write through one, read through the other
            String small = "after-kill-" + g;
            s3.putObject(b -> b.bucket(bucket).key(small), RequestBody.fromString(small));
            assertEquals(small, clients.get(3 - g - killed).getObjectAsBytes(b -> b.bucket(bucket).key(small))
                    .asUtf8String());
        }
    }

    @Test
    void aGatewayKilledDuringA256MiBUploadLeavesNoVisiblePartialObject() throws Exception {
        S3Client s3 = clients.get(1);
        s3.createBucket(b -> b.bucket("killed"));
        s3.putBucketVersioning(b -> b.bucket("killed").versioningConfiguration(v -> v.status("Enabled")));

        // 1. killed while the client sends the body (half of it written)
        CompletableFuture<Long> half = new CompletableFuture<>();
        CompletableFuture<Integer> first = upload(0, "killed", "big", SIZE / 2, half);
        assertEquals(SIZE / 2, half.get(300, TimeUnit.SECONDS));
        gateways.get(0).kill9();
        assertEquals(-1, first.get(120, TimeUnit.SECONDS), "the upload did not complete");
        assertNothingVisible("killed", "big", 0);

        // the killed gateway rejoins the cluster on its data directory
        clients.get(0).close();
        gateways.set(0, ServeProcess.start(dir.resolve("gw0"), env, flags));
        clients.set(0, Clients.v2(gateways.get(0).endpoint()));

        // 2. killed while its upstream multipart upload is open (with bodies staged until verified, as now: after
        //    the whole body was sent; with pass-through streaming it would be while the body is still arriving)
        CompletableFuture<Long> all = new CompletableFuture<>();
        CompletableFuture<Integer> second = upload(2, "killed", "big2", SIZE, all);
        String upstreamBucket = "killed"; // no --upstream-bucket-prefix
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (direct.listMultipartUploads(b -> b.bucket(upstreamBucket)).uploads().stream()
                .noneMatch(u -> u.key().equals("big2"))) {
            assertTrue(!second.isDone(), "the upload finished before the gateway wrote upstream: status "
                    + second.getNow(null));
            assertTrue(System.nanoTime() < deadline, "no upstream multipart upload within 120 s; log:\n"
                    + gateways.get(2).log());
            Thread.sleep(20);
        }
        gateways.get(2).kill9();
        assertEquals(-1, second.get(120, TimeUnit.SECONDS), "the upload did not complete");
        assertNothingVisible("killed", "big2", 2);
    }
}

package dev.dualkey.compat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.durable.AdminCli;
import dev.dualkey.compat.durable.ServeProcess;
import dev.dualkey.testkit.EtcdServer;
import dev.dualkey.testkit.MotoServer;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code dualkey admin sweep-orphans} through the real CLI against a real cluster-mode {@code serve} (etcd + moto):
 * it reaches the gateway's sweeper through the admin socket, lists an orphan (an upstream version no index entry
 * names, as a gateway killed mid-PUT leaves) with the time its grace ends, removes neither it (young) nor the
 * referenced version; {@code --orphan-grace} below 30 minutes is refused at start; without a running gateway the
 * command is refused (exit 2). The removal after the grace is covered by gateway {@code upstream.SweepOrphansTest}
 * with a clock.
 */
class SweepOrphansCliTest {
    @TempDir
    Path dir;

    @Test
    void theCommandReachesTheRunningGatewaysSweeper() throws Exception {
        MotoServer moto = MotoServer.shared("SweepOrphansCliTest");
        moto.reset();
        byte[] master = new byte[32];
        new java.security.SecureRandom().nextBytes(master);
        Map<String, String> env = Map.of("DUALKEY_MASTER_KEY", Base64.getEncoder().encodeToString(master),
                "DUALKEY_UPSTREAM_ACCESS_KEY", "test", "DUALKEY_UPSTREAM_SECRET_KEY", "test");
        Path data = dir.resolve("gw");
        try (EtcdServer etcd = EtcdServer.start("SweepOrphansCliTest", dir.resolve("etcd"));
             S3Client direct = S3Client.builder().endpointOverride(moto.endpoint()).forcePathStyle(true)
                     .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                             AwsBasicCredentials.create("test", "test"))).build()) {
            String[] base = {"--upstream", moto.endpoint().toString(), "--state", etcd.stateUrl()};
            IllegalStateException tooShort = assertThrows(IllegalStateException.class,
                    () -> ServeProcess.start(dir.resolve("short"), env, concat(base, "--orphan-grace", "29m")));
            assertTrue(tooShort.getMessage().contains("--orphan-grace must be at least 30m"), tooShort.getMessage());

            try (ServeProcess gw = ServeProcess.start(data, env, concat(base, "--orphan-grace", "45m"));
                 S3Client s3 = Clients.v2(gw.endpoint())) {
                s3.createBucket(b -> b.bucket("sweepcli"));
                s3.putBucketVersioning(b -> b.bucket("sweepcli").versioningConfiguration(v -> v.status("Enabled")));
                String kept = s3.putObject(b -> b.bucket("sweepcli").key("kept"), RequestBody.fromString("kept"))
                        .versionId();
                String orphan = direct.putObject(b -> b.bucket("sweepcli").key("lost"), RequestBody.fromString("x"))
                        .versionId();

                AdminCli dry = AdminCli.run("admin", "sweep-orphans", "--data-dir", data.toString(), "--dry-run",
                        "--json");
                assertEquals(0, dry.exitCode(), dry.out() + dry.err());
                JsonNode r = dry.json();
                assertEquals("server", r.path("through").asText(), r.toString());
                assertTrue(r.path("dryRun").asBoolean(), r.toString());
                assertEquals(45 * 60, r.path("graceSeconds").asLong(), r.toString());
                assertEquals(2, r.path("versionsSeen").asInt(), r.toString());
                assertEquals(0, r.path("versionsRemoved").asInt(), r.toString());
                assertEquals(1, r.path("items").size(), r.toString());
                assertEquals(orphan, r.path("items").get(0).path("id").asText(), r.toString());
                assertFalse(r.path("items").get(0).path("removed").asBoolean(), r.toString());

                AdminCli real = AdminCli.run("admin", "sweep-orphans", "--data-dir", data.toString());
                assertEquals(0, real.exitCode(), real.out() + real.err());
                assertTrue(real.out().contains("Swept: 2 upstream versions seen, 0 orphan versions removed"),
                        real.out());
                assertTrue(real.out().contains("waiting version sweepcli/lost " + orphan), real.out());
                assertEquals("kept", s3.getObjectAsBytes(b -> b.bucket("sweepcli").key("kept").versionId(kept))
                        .asUtf8String());
                assertEquals("x", direct.getObjectAsBytes(b -> b.bucket("sweepcli").key("lost").versionId(orphan))
                        .asUtf8String(), "young: not removed");
            }
            AdminCli offline = AdminCli.run("admin", "sweep-orphans", "--data-dir", data.toString());
            assertEquals(2, offline.exitCode(), offline.out() + offline.err());
            assertTrue(offline.err().contains("no gateway runs"), offline.err());
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

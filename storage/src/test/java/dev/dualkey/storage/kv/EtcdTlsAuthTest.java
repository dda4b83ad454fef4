package dev.dualkey.storage.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.testkit.EtcdServer;
import dev.dualkey.testkit.Prerequisites;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The etcd connection options of {@code serve --state} (issue 20: "TLS and auth options as etcd's") against a real
 * etcd run as production etcds are: TLS with client certificates ({@code --client-cert-auth}) and etcd's own
 * authentication enabled. A client with the CA, its certificate and the user's password reads and writes; without a
 * certificate, with a certificate from another CA, without the password or with a wrong one it is refused, and
 * the refusal surfaces as {@link KvStateUnavailableException} (a gateway answers 503, never serves without state).
 * Certificates come from the {@code openssl} command, made fresh per run.
 */
class EtcdTlsAuthTest {
    private static final String USER = "dualkey";
    private static final String PASSWORD = "correct horse battery staple";
    private static final String SPACE = "tls.test";

    @TempDir
    static Path dir;
    private static EtcdServer etcd;
    private static Path pki;

    @BeforeAll
    static void start() throws Exception {
        Prerequisites.require("EtcdTlsAuthTest", Files.isExecutable(Path.of("/usr/bin/openssl")),
                "/usr/bin/openssl (apt-get install openssl)");
        pki = Files.createDirectories(dir.resolve("pki"));
        ca("ca");
        ca("other-ca");
        signed("server", "ca", "subjectAltName=IP:127.0.0.1");
        signed("client", "ca", "extendedKeyUsage=clientAuth"); // CN dualkey-gateway: no etcd user of that name
        signed("stranger", "other-ca", "extendedKeyUsage=clientAuth");
        etcd = EtcdServer.startTls("EtcdTlsAuthTest", dir.resolve("etcd"), pki.resolve("server.pem"),
                pki.resolve("server.key"), pki.resolve("ca.pem"));
        enableAuth();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void theCaTheClientCertificateAndThePasswordReadAndWrite() {
        try (EtcdKvStore kv = EtcdKvStore.connect(settings("client", USER, PASSWORD))) {
            byte[] key = "k".getBytes(StandardCharsets.UTF_8);
            byte[] value = "over TLS, authenticated".getBytes(StandardCharsets.UTF_8);
            assertTrue(kv.commit(new KvTxn().expectAbsent(SPACE, key).put(SPACE, key, value)));
            assertArrayEquals(value, kv.get(SPACE, key).orElseThrow());
        }
    }

    @Test
    void aWrongOrMissingPasswordIsRefused() {
        assertTrue(refused(settings("client", USER, "wrong password")).getMessage().contains("UNAUTHENTICATED"));
        // the certificate alone authenticates only as the user named by its CN, which etcd does not know
        assertTrue(refused(settings("client", null, null)).getMessage().contains("PERMISSION_DENIED"));
    }

    @Test
    void withoutAClientCertificateOrWithAnotherCasOneTheHandshakeFails() {
        refused(new EtcdKvStore.Settings(List.of(etcd.endpoint()), pki.resolve("ca.pem").toFile(), null, null, USER,
                PASSWORD, null, Duration.ofSeconds(3)));
        refused(settings("stranger", USER, PASSWORD));
    }

    @Test
    void aPlainHttpClientGetsNothing() {
        refused(new EtcdKvStore.Settings(List.of(java.net.URI.create(etcd.endpoint().toString()
                .replace("https://", "http://"))), null, null, null, USER, PASSWORD, null, Duration.ofSeconds(3)));
    }

    /** The refusal, as the gateway sees it (its message names etcd's reason, for the operator's log). */
    private static KvStateUnavailableException refused(EtcdKvStore.Settings s) {
        try (EtcdKvStore kv = EtcdKvStore.connect(s)) {
            KvStateUnavailableException e = assertThrows(KvStateUnavailableException.class,
                    () -> kv.get(SPACE, "k".getBytes(StandardCharsets.UTF_8)));
            return e;
        } catch (IllegalArgumentException e) {
            throw new AssertionError("settings rejected before reaching etcd: " + e.getMessage(), e);
        }
    }

    private static EtcdKvStore.Settings settings(String cert, String user, String password) {
        return new EtcdKvStore.Settings(List.of(etcd.endpoint()), pki.resolve("ca.pem").toFile(),
                pki.resolve(cert + ".pem").toFile(), pki.resolve(cert + ".key").toFile(), user, password, null,
                Duration.ofSeconds(3));
    }

    /** etcd's documented order: a root user with the root role, then auth enable; then the gateway's user. */
    private static void enableAuth() throws Exception {
        try (Client admin = Client.builder().endpoints(etcd.endpoint())
                .sslContext(ssl -> ssl.trustManager(pki.resolve("ca.pem").toFile())
                        .keyManager(pki.resolve("client.pem").toFile(), pki.resolve("client.key").toFile()))
                .build()) {
            var auth = admin.getAuthClient();
            auth.userAdd(bytes("root"), bytes("root password")).get(30, TimeUnit.SECONDS);
            auth.roleAdd(bytes("root")).get(30, TimeUnit.SECONDS);
            auth.userGrantRole(bytes("root"), bytes("root")).get(30, TimeUnit.SECONDS);
            auth.userAdd(bytes(USER), bytes(PASSWORD)).get(30, TimeUnit.SECONDS);
            auth.userGrantRole(bytes(USER), bytes("root")).get(30, TimeUnit.SECONDS);
            auth.authEnable().get(30, TimeUnit.SECONDS);
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static void ca(String name) throws IOException, InterruptedException {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", name + ".key", "-out", name + ".pem", "-days", "2", "-subj", "/CN=" + name);
    }

    private static void signed(String name, String ca, String extension) throws IOException, InterruptedException {
        String cn = name.equals("client") ? "dualkey-gateway" : name;
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key",
                "-out", name + ".csr", "-subj", "/CN=" + cn);
        Files.writeString(pki.resolve(name + ".ext"), extension + "\n");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
                "-CAcreateserial", "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(pki.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed:\n" + out);
        }
    }

}

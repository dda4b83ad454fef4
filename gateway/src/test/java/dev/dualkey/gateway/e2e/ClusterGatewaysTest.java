package dev.dualkey.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dualkey.gateway.GatewayServer;
import dev.dualkey.gateway.health.HealthEndpoint;
import dev.dualkey.gateway.identity.IdentitySetup;
import dev.dualkey.gateway.identity.IdentityStore;
import dev.dualkey.gateway.identity.MutableClock;
import dev.dualkey.mfa.audit.Actor;
import dev.dualkey.mfa.device.CreatedVirtualDevice;
import dev.dualkey.mfa.identity.AccessKeyStatus;
import dev.dualkey.mfa.identity.NewAccessKey;
import dev.dualkey.mfa.otp.Base32;
import dev.dualkey.mfa.otp.TotpGenerator;
import dev.dualkey.mfa.secret.MasterKey;
import dev.dualkey.mfa.secret.PasswordHasher;
import dev.dualkey.storage.kv.EtcdKvStore;
import dev.dualkey.storage.rocks.StorageEngine;
import dev.dualkey.testkit.EtcdServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three gateways in one JVM over one etcd (cluster mode, issue 20), driven over HTTP with SigV4 as an SDK
 * signs. Identity and MFA state are shared through etcd; object data stays in each gateway's own data directory,
 * so each gateway has its own bucket {@code bkt} with the same name, versioning and MFA Delete: a code spent on one
 * gateway's bucket is spent for all. {@link ClusterUpstreamGatewaysTest} runs the same tests with the objects in one
 * upstream too (full cluster mode).
 */
class ClusterGatewaysTest {
    private static final String AK = "AKIADUALKEYCLUSTER01";
    private static final String SK = "dualkeyClusterRootSecretKey0000000000001";
    private static final int ROUNDS = Integer.getInteger("dualkey.cluster.httpRounds", 12);

    @TempDir
    Path dir;
    EtcdServer etcd;
    final MutableClock totp = new MutableClock(Instant.parse("2026-12-01T00:00:10Z"));
    private final List<StorageEngine> engines = new ArrayList<>();
    final List<EtcdKvStore> states = new ArrayList<>();
    private final List<IdentitySetup.Wired> wired = new ArrayList<>();
    final List<GatewayServer> servers = new ArrayList<>();
    final List<dev.dualkey.storage.ObjectStore> objectStores = new ArrayList<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final ExecutorService pool = Executors.newFixedThreadPool(2);
    private String account;
    private String serial;
    private byte[] seed;

    /**
     * Gateway {@code g}'s object store: its own data directory's here; the shared upstream store in
     * {@link ClusterUpstreamGatewaysTest}.
     */
    dev.dualkey.storage.ObjectStore objectStore(int g, StorageEngine engine, EtcdKvStore state) {
        return engine.objectStore();
    }

    /** Whether every gateway serves the same buckets (then {@code bkt} is created once). */
    boolean sharedObjects() {
        return false;
    }

    @BeforeEach
    void start() throws Exception {
        etcd = EtcdServer.start(getClass().getSimpleName(), dir.resolve("etcd"));
        byte[] master = new byte[32];
        new java.security.SecureRandom().nextBytes(master);
        Map<String, String> env = Map.of(MasterKey.ENV, Base64.getEncoder().encodeToString(master),
                IdentitySetup.ROOT_ACCESS_KEY_ENV, AK, IdentitySetup.ROOT_SECRET_KEY_ENV, SK);
        for (int g = 0; g < 3; g++) {
            Path data = dir.resolve("gw" + g);
            StorageEngine engine = StorageEngine.open(data, IdentityStore.FAMILIES);
            engines.add(engine);
            EtcdKvStore state = EtcdKvStore.connect(EtcdKvStore.Settings.of(List.of(etcd.endpoint()))
                    .withTimeout(Duration.ofSeconds(2)));
            states.add(state);
            awaitAvailable(state);
            dev.dualkey.storage.ObjectStore objects = objectStore(g, engine, state);
            objectStores.add(objects);
            IdentitySetup.Wired w = IdentitySetup.fromEnvironment(env).totpClock(totp)
                    .passwordHashing(PasswordHasher.Params.forTests())
                    .encryptObjectData(objects == engine.objectStore())
                    .wire(state, data, objects, Clock.systemUTC());
            wired.add(w);
            servers.add(GatewayServer.builder().objectStore(objects)
                    .credentialProvider(w.credentials()).authorizer(w.authorizer())
                    .endpoint(w.iamEndpoint()).endpoint(w.stsEndpoint())
                    .endpoint(new HealthEndpoint(state::available))
                    .mfa(w.store().verifier(), w.store().audit())
                    .policyClock(totp)
                    .s3Address(new InetSocketAddress("127.0.0.1", 0)).start());
        }
        account = wired.get(0).store().identity().bootstrapAccount().orElseThrow().accountId();
        assertEquals(account, wired.get(2).store().identity().bootstrapAccount().orElseThrow().accountId(),
                "one bootstrap account for the cluster");
        CreatedVirtualDevice d = wired.get(1).store().devices().createVirtualDevice(Actor.operator(), account, null,
                "root-mfa", null, null);
        serial = d.device().serialNumber();
        seed = Base32.decode(d.base32StringSeed());
        wired.get(2).store().devices().enable(Actor.operator(), account, "root", serial, code(-1), code(0));
        for (int g = 0; g < (sharedObjects() ? 1 : 3); g++) {
            totp.advance(Duration.ofSeconds(30));
            assertEquals(200, send(g, "PUT", "/bkt", "").statusCode());
            HttpResponse<byte[]> v = send(g, "PUT", "/bkt?versioning", "<VersioningConfiguration><Status>Enabled"
                    + "</Status><MfaDelete>Enabled</MfaDelete></VersioningConfiguration>", "x-amz-mfa", mfa(0));
            assertEquals(200, v.statusCode(), () -> GatewayEndToEndTest.text(v));
        }
    }

    @AfterEach
    void stop() throws Exception {
        pool.shutdownNow();
        servers.forEach(GatewayServer::close);
        for (int g = 0; g < objectStores.size(); g++) {
            if (objectStores.get(g) != engines.get(g).objectStore()) {
                objectStores.get(g).close();
            }
        }
        states.forEach(EtcdKvStore::close);
        engines.forEach(StorageEngine::close);
        if (etcd != null) {
            etcd.close();
        }
    }

    /** The first call of a new client connects (slow on a loaded machine): readiness polling, bounded. */
    static void awaitAvailable(EtcdKvStore kv) throws InterruptedException {
        for (int i = 0; i < 20 && !kv.available(); i++) {
            Thread.sleep(100);
        }
        assertEquals(true, kv.available(), "etcd reachable");
    }

    String code(int offset) {
        return TotpGenerator.code(seed, TotpGenerator.stepOf(totp.instant()) + offset);
    }

    /** A well-formed code of none of the steps near now (so never a replay either): a guess that misses. */
    String wrongCode() {
        java.util.Set<String> near = new java.util.HashSet<>();
        for (int o = -25; o <= 25; o++) {
            near.add(code(o));
        }
        for (int i = 0; ; i++) {
            String c = String.format("%06d", (i * 7919) % 1_000_000);
            if (!near.contains(c)) {
                return c;
            }
        }
    }

    String mfa(int offset) {
        return serial + " " + code(offset);
    }

    HttpResponse<byte[]> send(int g, String method, String path, String body, String... headers) {
        return sendAs(g, AK, SK, method, path, body, headers);
    }

    private HttpResponse<byte[]> sendAs(int g, String ak, String sk, String method, String path, String body,
                                        String... headers) {
        return GatewayEndToEndTest.send(servers.get(g), http, method, path, body.getBytes(StandardCharsets.UTF_8),
                ak, sk, Instant.now(), headers);
    }

    String putVersion(int g, String key) {
        HttpResponse<byte[]> r = send(g, "PUT", "/bkt/" + key, "data");
        assertEquals(200, r.statusCode(), () -> GatewayEndToEndTest.text(r));
        return r.headers().firstValue("x-amz-version-id").orElseThrow();
    }

    int health(int g, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(servers.get(g).s3Endpoint() + path)).GET()
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** DELETE of one version at gateway a and one at gateway b, same x-amz-mfa, at once: the 204 count. */
    int race(int a, int b, String mfaHeader) throws Exception {
        String va = putVersion(a, "k");
        String vb = putVersion(b, "k");
        CyclicBarrier go = new CyclicBarrier(2);
        List<Future<HttpResponse<byte[]>>> fs = new ArrayList<>();
        for (String[] gv : new String[][] {{Integer.toString(a), va}, {Integer.toString(b), vb}}) {
            fs.add(pool.submit(() -> {
                go.await(30, TimeUnit.SECONDS);
                return send(Integer.parseInt(gv[0]), "DELETE", "/bkt/k?versionId=" + gv[1], "", "x-amz-mfa",
                        mfaHeader);
            }));
        }
        int deleted = 0;
        for (Future<HttpResponse<byte[]>> f : fs) {
            HttpResponse<byte[]> r = f.get(60, TimeUnit.SECONDS);
            if (r.statusCode() == 204) {
                deleted++;
            } else {
                // a spent (or wrong) code: 400 InvalidArgument naming x-amz-mfa, as S3 answers
                assertEquals(400, r.statusCode(), () -> GatewayEndToEndTest.text(r));
                assertEquals("InvalidArgument", GatewayEndToEndTest.errorCode(r));
            }
        }
        return deleted;
    }

    @Test
    void theSameCodeAtTwoGatewaysAtOnceDeletesExactlyOneVersion() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            totp.advance(Duration.ofSeconds(30));
            int a = round % 3;
            int b = (round + 1) % 3;
            assertEquals(1, race(a, b, mfa(0)), "round " + round + ": gateways " + a + " and " + b);
        }
    }

    @Test
    void aDeviceThrottledAtOneGatewayIsThrottledAtAll() {
        String v = putVersion(0, "t");
        String wrong = wrongCode();
        for (int i = 0; i < 5; i++) {
            HttpResponse<byte[]> r = send(i % 3, "DELETE", "/bkt/t?versionId=" + v, "", "x-amz-mfa",
                    serial + " " + wrong);
            assertEquals(400, r.statusCode());
            assertEquals("InvalidArgument", GatewayEndToEndTest.errorCode(r));
        }
        for (int g = 0; g < 3; g++) {
            String vg = putVersion(g, "t");
            HttpResponse<byte[]> r = send(g, "DELETE", "/bkt/t?versionId=" + vg, "", "x-amz-mfa", mfa(0));
            assertEquals(400, r.statusCode(), "gateway " + g + " refuses a right code while the device is locked");
            assertEquals("InvalidArgument", GatewayEndToEndTest.errorCode(r));
        }
        totp.advance(Duration.ofSeconds(61));
        String vg = putVersion(2, "t");
        assertEquals(204, send(2, "DELETE", "/bkt/t?versionId=" + vg, "", "x-amz-mfa", mfa(0)).statusCode());
    }

    /** Every request re-reads the key record (linearizable): the bound is the next request, at any gateway. */
    @Test
    void anAccessKeyDeactivatedThroughOneGatewayIsRefusedByTheOthersAtOnce() {
        NewAccessKey k = wired.get(0).store().identity().createAccessKey(Actor.operator(), account, "root");
        for (int g = 0; g < 3; g++) {
            assertEquals(200, sendAs(g, k.accessKeyId(), k.secretAccessKey(), "GET", "/", "").statusCode());
        }
        // deactivated through gateway 1's identity service (what its IAM UpdateAccessKey calls)
        wired.get(1).store().identity().updateAccessKey(Actor.operator(), account, "root", k.accessKeyId(),
                AccessKeyStatus.Inactive);
        for (int g : new int[] {0, 2, 1}) {
            HttpResponse<byte[]> r = sendAs(g, k.accessKeyId(), k.secretAccessKey(), "GET", "/", "");
            assertEquals(403, r.statusCode(), "gateway " + g);
            assertEquals("InvalidAccessKeyId", GatewayEndToEndTest.errorCode(r), "gateway " + g);
        }
    }

    /**
     * Etcd away: requests needing state answer 503 ServiceUnavailable, readiness is 503, liveness 200. Back: the
     * code presented during the outage deletes exactly one version, and a code spent before it stays spent.
     */
    @Test
    void etcdAwayAnswers503AndNoCodeIsAcceptedTwiceAfterItReturns() throws Exception {
        totp.advance(Duration.ofSeconds(30));
        String before = mfa(0);
        String v0 = putVersion(0, "e");
        assertEquals(204, send(0, "DELETE", "/bkt/e?versionId=" + v0, "", "x-amz-mfa", before).statusCode());
        String[] pending = {putVersion(1, "e"), putVersion(2, "e")};
        for (int g = 0; g < 3; g++) {
            assertEquals(200, health(g, HealthEndpoint.READY));
        }
        etcd.stop();
        totp.advance(Duration.ofSeconds(30));
        String during = mfa(0);
        for (int g = 0; g < 3; g++) {
            assertEquals(200, health(g, HealthEndpoint.LIVE), "gateway " + g + " lives");
            assertEquals(503, health(g, HealthEndpoint.READY), "gateway " + g + " is not ready");
            HttpResponse<byte[]> list = send(g, "GET", "/", "");
            assertEquals(503, list.statusCode(), () -> GatewayEndToEndTest.text(list));
            assertEquals("ServiceUnavailable", GatewayEndToEndTest.errorCode(list));
        }
        etcd.restart();
        for (EtcdKvStore state : states) {
            awaitAvailable(state);
        }
        for (int g = 0; g < 3; g++) {
            assertEquals(200, health(g, HealthEndpoint.READY), "gateway " + g + " ready again");
        }
        HttpResponse<byte[]> replay = send(1, "DELETE", "/bkt/e?versionId=" + pending[0], "", "x-amz-mfa", before);
        assertEquals(400, replay.statusCode(), "a code spent before the outage stays spent");
        assertEquals("InvalidArgument", GatewayEndToEndTest.errorCode(replay));
        assertEquals(1, race(1, 2, during));
    }
}

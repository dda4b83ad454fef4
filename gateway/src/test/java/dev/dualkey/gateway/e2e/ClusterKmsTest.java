package dev.dualkey.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.GatewayServer;
import dev.dualkey.gateway.identity.IdentitySetup;
import dev.dualkey.gateway.identity.IdentityStore;
import dev.dualkey.gateway.kms.KmsException;
import dev.dualkey.gateway.kms.KmsKey;
import dev.dualkey.gateway.kms.KmsRegistry;
import dev.dualkey.mfa.secret.MasterKey;
import dev.dualkey.mfa.secret.PasswordHasher;
import dev.dualkey.storage.kv.EtcdKvStore;
import dev.dualkey.storage.rocks.StorageEngine;
import dev.dualkey.testkit.EtcdServer;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
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
 * SSE-KMS in cluster mode (issue 16 with issue 20): two gateways over one etcd share the key registry. A key created
 * through one is usable on the other, by id and by an alias created through the other; disabling it or scheduling
 * its deletion through one is refused by the other at its very next request (no gateway caches a key: the bound is
 * zero); two gateways creating the same alias, or the account's {@code alias/aws/s3}, at once end with one.
 */
class ClusterKmsTest {
    private static final String AK = "AKIADUALKEYCLUSTKMS1";
    private static final String SK = "dualkeyClusterKmsRootSecretKey00000000001";

    @TempDir
    Path dir;
    private EtcdServer etcd;
    private final List<StorageEngine> engines = new ArrayList<>();
    private final List<EtcdKvStore> states = new ArrayList<>();
    private final List<KmsRegistry> registries = new ArrayList<>();
    private final List<GatewayServer> servers = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private String account;

    @BeforeEach
    void start() throws Exception {
        etcd = EtcdServer.start("ClusterKmsTest", dir.resolve("etcd"));
        byte[] master = new byte[32];
        new java.security.SecureRandom().nextBytes(master);
        Map<String, String> env = Map.of(MasterKey.ENV, Base64.getEncoder().encodeToString(master),
                IdentitySetup.ROOT_ACCESS_KEY_ENV, AK, IdentitySetup.ROOT_SECRET_KEY_ENV, SK);
        for (int g = 0; g < 2; g++) {
            Path data = dir.resolve("gw" + g);
            StorageEngine engine = StorageEngine.open(data, IdentityStore.FAMILIES);
            engines.add(engine);
            EtcdKvStore state = EtcdKvStore.connect(EtcdKvStore.Settings.of(List.of(etcd.endpoint()))
                    .withTimeout(Duration.ofSeconds(5)));
            states.add(state);
            for (int i = 0; i < 50 && !state.available(); i++) {
                Thread.sleep(100);
            }
            assertTrue(state.available(), "etcd reachable");
            IdentitySetup.Wired w = IdentitySetup.fromEnvironment(env)
                    .passwordHashing(PasswordHasher.Params.forTests())
                    .wire(state, data, engine.objectStore(), Clock.systemUTC());
            KmsRegistry kms = w.store().kms("us-east-1", Clock.systemUTC());
            registries.add(kms);
            servers.add(GatewayServer.builder().objectStore(engine.objectStore())
                    .credentialProvider(w.credentials()).authorizer(w.authorizer())
                    .mfa(w.store().verifier(), w.store().audit())
                    .kms(kms)
                    .s3Address(new InetSocketAddress("127.0.0.1", 0)).start());
            if (g == 0) {
                account = w.store().identity().bootstrapAccount().orElseThrow().accountId();
            }
            assertEquals(200, send(g, "PUT", "/bkt", "").statusCode()); // each gateway's own data, same name
        }
    }

    @AfterEach
    void stop() throws Exception {
        pool.shutdownNow();
        servers.forEach(GatewayServer::close);
        states.forEach(EtcdKvStore::close);
        engines.forEach(StorageEngine::close);
        if (etcd != null) {
            etcd.close();
        }
    }

    private HttpResponse<byte[]> send(int g, String method, String path, String body, String... headers) {
        return GatewayEndToEndTest.send(servers.get(g), http, method, path, body.getBytes(StandardCharsets.UTF_8),
                AK, SK, Instant.now(), headers);
    }

    private HttpResponse<byte[]> putKms(int g, String key, String keySpec) {
        return send(g, "PUT", "/bkt/" + key, "secret data", "x-amz-server-side-encryption", "aws:kms",
                "x-amz-server-side-encryption-aws-kms-key-id", keySpec);
    }

    private static void assertRefused(HttpResponse<byte[]> r, String code) {
        String text = GatewayEndToEndTest.text(r);
        assertEquals(400, r.statusCode(), text);
        assertTrue(text.contains("<Code>" + code + "</Code>"), text);
    }

    @Test
    void aKeyCreatedThroughOneGatewayIsUsableOnTheOtherAndItsDisablingOrDeletionHoldsEverywhereAtOnce() {
        KmsKey k = registries.get(0).createKey(account, "shared by the cluster");
        HttpResponse<byte[]> put = putKms(1, "o", k.keyId());
        assertEquals(200, put.statusCode(), () -> GatewayEndToEndTest.text(put));
        assertEquals(k.arn(), put.headers().firstValue("x-amz-server-side-encryption-aws-kms-key-id").orElseThrow());
        HttpResponse<byte[]> get = send(1, "GET", "/bkt/o", "");
        assertEquals(200, get.statusCode(), () -> GatewayEndToEndTest.text(get));
        assertEquals("secret data", new String(get.body(), StandardCharsets.UTF_8));

        registries.get(1).createAlias(account, "alias/app", k.keyId());
        HttpResponse<byte[]> byAlias = putKms(0, "o", "alias/app");
        assertEquals(200, byAlias.statusCode(), () -> GatewayEndToEndTest.text(byAlias));

        registries.get(0).disable(account, k.keyId());
        assertRefused(putKms(1, "o2", k.keyId()), "KMS.DisabledException"); // the very next request
        assertRefused(send(1, "GET", "/bkt/o", ""), "KMS.DisabledException");
        assertRefused(putKms(0, "o2", "alias/app"), "KMS.DisabledException");

        registries.get(1).enable(account, k.keyId());
        assertEquals(200, send(0, "GET", "/bkt/o", "").statusCode());
        registries.get(1).scheduleDeletion(account, k.keyId(), 7);
        assertRefused(putKms(0, "o3", k.keyId()), "KMS.KMSInvalidStateException");
        assertRefused(send(0, "GET", "/bkt/o", ""), "KMS.KMSInvalidStateException");
        KmsException again = org.junit.jupiter.api.Assertions.assertThrows(KmsException.class,
                () -> registries.get(0).disable(account, k.keyId()), "gateway 0 sees the pending deletion");
        assertTrue(again.getMessage().contains("pending deletion"), again.getMessage());
        registries.get(0).cancelDeletion(account, k.keyId());
        assertEquals("DISABLED", registries.get(1).describe(account, k.keyId()).state().name());
    }

    @Test
    void racingGatewaysEndWithOneAliasAndOneAwsManagedKey() throws Exception {
        KmsKey a = registries.get(0).createKey(account, "a");
        KmsKey b = registries.get(1).createKey(account, "b");
        for (int round = 0; round < 5; round++) {
            String alias = "alias/race" + round;
            CyclicBarrier go = new CyclicBarrier(2);
            List<Future<Boolean>> fs = new ArrayList<>();
            for (int g = 0; g < 2; g++) {
                int gw = g;
                fs.add(pool.submit(() -> {
                    go.await(30, TimeUnit.SECONDS);
                    try {
                        registries.get(gw).createAlias(account, alias, (gw == 0 ? a : b).keyId());
                        return true;
                    } catch (KmsException e) {
                        assertEquals("AlreadyExistsException", e.code());
                        return false;
                    }
                }));
            }
            int won = 0;
            for (Future<Boolean> f : fs) {
                won += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(1, won, "exactly one CreateAlias of " + alias + " wins");
        }
        CyclicBarrier go = new CyclicBarrier(2);
        List<Future<String>> managed = new ArrayList<>();
        for (int g = 0; g < 2; g++) {
            int gw = g;
            managed.add(pool.submit(() -> {
                go.await(30, TimeUnit.SECONDS);
                return registries.get(gw).awsManagedKey(account).keyId();
            }));
        }
        String m0 = managed.get(0).get(60, TimeUnit.SECONDS);
        assertEquals(m0, managed.get(1).get(60, TimeUnit.SECONDS), "one alias/aws/s3 key for the account");
        assertEquals(m0, registries.get(1).resolve(account, "alias/aws/s3", false).keyId());
        long managedKeys = registries.get(0).listKeys(account).stream().filter(KmsKey::awsManaged).count();
        assertEquals(1, managedKeys, "the loser's key was removed unused");
    }
}

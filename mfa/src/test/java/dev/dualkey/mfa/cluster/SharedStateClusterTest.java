package dev.dualkey.mfa.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.mfa.MfaConfig;
import dev.dualkey.mfa.MfaServices;
import dev.dualkey.mfa.audit.Actor;
import dev.dualkey.mfa.audit.AuditContext;
import dev.dualkey.mfa.device.CreatedVirtualDevice;
import dev.dualkey.mfa.device.DeviceThrottle;
import dev.dualkey.mfa.device.Purpose;
import dev.dualkey.mfa.device.VerifyOutcome;
import dev.dualkey.mfa.device.VerifyResult;
import dev.dualkey.mfa.identity.AccessKeyStatus;
import dev.dualkey.mfa.identity.NewAccessKey;
import dev.dualkey.mfa.secret.MasterKey;
import dev.dualkey.mfa.secret.PasswordHasher;
import dev.dualkey.mfa.signin.SignInResult;
import dev.dualkey.mfa.testing.MfaFixture;
import dev.dualkey.mfa.testing.MutableClock;
import dev.dualkey.mfa.otp.TotpGenerator;
import dev.dualkey.mfa.store.MfaSchema;
import dev.dualkey.storage.kv.EtcdKvStore;
import dev.dualkey.storage.kv.KvStateUnavailableException;
import dev.dualkey.storage.rocks.RocksDatabase;
import dev.dualkey.storage.rocks.WriteRide;
import dev.dualkey.testkit.EtcdServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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
 * Three "gateways" (three independent mfa layers, each with its own etcd client, locks and caches, as three
 * processes would have) over one etcd: what must hold across gateways, which in-process locks cannot give.
 */
class SharedStateClusterTest {
    private static final int ROUNDS = Integer.getInteger("dualkey.cluster.rounds", 40);
    private static final Actor ACTOR = MfaFixture.ACTOR;
    private static final String ROOT_PASSWORD = "Cluster-Test-Passw0rd!";

    @TempDir
    Path dir;
    private EtcdServer etcd;
    private final MutableClock clock = new MutableClock(MfaFixture.START);
    private final List<EtcdKvStore> clients = new ArrayList<>();
    private final List<MfaServices> gw = new ArrayList<>();
    private ExecutorService pool;
    private RocksDatabase objectsDb;
    private String acct;
    private String serial;
    private byte[] seed;

    @BeforeEach
    void start() throws Exception {
        etcd = EtcdServer.start("SharedStateClusterTest", dir.resolve("etcd"));
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        Map<String, String> env = Map.of(MasterKey.ENV, Base64.getEncoder().encodeToString(key));
        MfaConfig config = MfaConfig.defaults(clock).withEnvironment(env)
                .withPasswordParams(PasswordHasher.Params.forTests());
        for (int i = 0; i < 3; i++) {
            EtcdKvStore kv = EtcdKvStore.connect(EtcdKvStore.Settings.of(List.of(etcd.endpoint()))
                    .withTimeout(Duration.ofSeconds(3)));
            clients.add(kv);
            awaitAvailable(kv);
            gw.add(MfaServices.open(kv, dir.resolve("gw" + i), config));
        }
        pool = Executors.newFixedThreadPool(3);
        objectsDb = RocksDatabase.open(dir.resolve("objects-db"), MfaSchema.FAMILIES); // a gateway's own database
        acct = gw.get(0).identity().bootstrap(null, null, ROOT_PASSWORD).account().accountId();
        assertEquals(acct, gw.get(1).identity().bootstrap(null, null, null).account().accountId(),
                "a second gateway finds the first one's bootstrap account");
        CreatedVirtualDevice d = gw.get(1).devices().createVirtualDevice(ACTOR, acct, null, "root-mfa", null, null);
        serial = d.device().serialNumber();
        seed = MfaFixture.seedOf(d);
        gw.get(2).devices().enable(ACTOR, acct, "root", serial, code(-1), code(0));
        clock.advance(Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() throws Exception {
        if (pool != null) {
            pool.shutdownNow();
        }
        clients.forEach(EtcdKvStore::close);
        if (objectsDb != null) {
            objectsDb.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    /** The first call of a new client connects (slow on a loaded machine): readiness polling, bounded. */
    static void awaitAvailable(EtcdKvStore kv) throws InterruptedException {
        for (int i = 0; i < 20 && !kv.available(); i++) {
            Thread.sleep(100);
        }
        assertTrue(kv.available(), "etcd reachable");
    }

    private String code(int offset) {
        return TotpGenerator.code(seed, TotpGenerator.stepOf(clock.instant()) + offset);
    }

    /** A well-formed code of none of the steps near now: a guess that misses. */
    private String wrongCode() {
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

    private VerifyResult verifyAt(int g, String c) {
        return gw.get(g).verifier().verify(acct, "root", serial, c, Purpose.S3_MFA_DELETE);
    }

    /** Presents {@code c} at gateways {@code a} and {@code b} at the same moment; returns how many accepted. */
    private int race(int a, int b, String c, boolean deletePath) throws Exception {
        CyclicBarrier go = new CyclicBarrier(2);
        List<Future<VerifyResult>> fs = new ArrayList<>();
        for (int g : new int[] {a, b}) {
            Callable<VerifyResult> task = () -> {
                go.await(30, TimeUnit.SECONDS);
                if (deletePath) {
                    // as ProtectedOperations would if it were wired to ride (it is not over etcd): nothing rides
                    WriteRide ride = new WriteRide(objectsDb);
                    try {
                        VerifyResult r = gw.get(g).verifier().verifyRiding(acct, "root", serial, c,
                                Purpose.S3_MFA_DELETE, AuditContext.none(), ride);
                        assertFalse(ride.pending(), "state in etcd: the outcome is committed before the delete");
                        return r;
                    } finally {
                        ride.settle();
                    }
                }
                return verifyAt(g, c);
            };
            fs.add(pool.submit(task));
        }
        int accepted = 0;
        for (Future<VerifyResult> f : fs) {
            VerifyResult r = f.get(60, TimeUnit.SECONDS);
            if (r.accepted()) {
                accepted++;
            } else {
                assertEquals(VerifyOutcome.INVALID, r.outcome(), "the loser sees a replay, never a lockout");
            }
        }
        return accepted;
    }

    /**
     * Issue 19 (SECURITY.md Q4): with the state in etcd a delete's code can never ride in the object store's
     * WriteBatch; the delete path's check commits the spent code to etcd before it returns, so every gateway refuses
     * it before the delete begins.
     */
    @Test
    void overEtcdADeleteCodeIsSpentInEtcdBeforeTheDeleteBegins() {
        assertFalse(gw.get(0).verifier().canRideIn(objectsDb), "etcd state never rides in a RocksDB batch");
        String c = code(0);
        WriteRide ride = new WriteRide(objectsDb);
        try {
            assertTrue(gw.get(0).verifier().verifyRiding(acct, "root", serial, c, Purpose.S3_MFA_DELETE,
                    AuditContext.none(), ride).accepted());
            assertFalse(ride.pending(), "nothing rides: the spend is in etcd already");
            assertEquals(VerifyOutcome.INVALID, verifyAt(1, c).outcome(), "another gateway sees it spent at once");
        } finally {
            ride.settle();
        }
        assertEquals(VerifyOutcome.INVALID, verifyAt(2, c).outcome());
    }

    @Test
    void theSameCodeAtTwoGatewaysAtOnceIsAcceptedExactlyOnce() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            clock.advance(Duration.ofSeconds(30));
            String c = code(0);
            int a = round % 3;
            int b = (round + 1) % 3;
            assertEquals(1, race(a, b, c, round % 2 == 0), "round " + round + ": gateways " + a + " and " + b);
            assertEquals(VerifyOutcome.INVALID, verifyAt((round + 2) % 3, c).outcome(), "third gateway: replay");
        }
        // replays were not counted as guesses anywhere
        var d = gw.get(0).store().devices().get(serial).orElseThrow();
        assertEquals(0, DeviceThrottle.failuresInWindow(d, DeviceThrottle.Lane.API, clock.instant()));
    }

    @Test
    void aDeviceThrottledAtOneGatewayIsThrottledAtAll() {
        String wrong = wrongCode();
        for (int i = 0; i < DeviceThrottle.MAX_FAILURES_PER_STEP; i++) {
            assertEquals(VerifyOutcome.INVALID, verifyAt(i % 3, wrong).outcome());
        }
        String right = code(0);
        for (int g = 0; g < 3; g++) {
            assertEquals(VerifyOutcome.THROTTLED, verifyAt(g, right).outcome(), "gateway " + g);
        }
        clock.advance(Duration.ofSeconds(DeviceThrottle.BASE_LOCK_SECONDS + 1));
        assertTrue(verifyAt(1, code(0)).accepted(), "open again after the lockout, at any gateway");
    }

    /** The key record is read on every lookup (a linearizable etcd read): the bound is the next request. */
    @Test
    void anAccessKeyDeactivatedAtOneGatewayIsRefusedAtTheOthersOnTheirNextLookup() {
        gw.get(0).identity().createUser(ACTOR, acct, "/", "alice", Map.of());
        NewAccessKey k = gw.get(0).identity().createAccessKey(ACTOR, acct, "alice");
        for (int g = 0; g < 3; g++) {
            assertEquals(AccessKeyStatus.Active, gw.get(g).identity().findAccessKey(k.accessKeyId()).orElseThrow()
                    .status());
        }
        // a LastUsedDate write racing the deactivation must not bring the key back (conditional write)
        clock.advance(Duration.ofMinutes(5));
        gw.get(1).identity().updateAccessKey(ACTOR, acct, "alice", k.accessKeyId(), AccessKeyStatus.Inactive);
        gw.get(2).identity().recordAccessKeyUse(k.accessKeyId());
        for (int g = 0; g < 3; g++) {
            assertEquals(AccessKeyStatus.Inactive, gw.get(g).identity().findAccessKey(k.accessKeyId())
                    .orElseThrow().status(), "gateway " + g);
        }
        gw.get(2).identity().deleteAccessKey(ACTOR, acct, "alice", k.accessKeyId());
        for (int g = 0; g < 3; g++) {
            assertTrue(gw.get(g).identity().findAccessKey(k.accessKeyId()).isEmpty(), "gateway " + g);
        }
    }

    /**
     * A console session is one record in etcd: signed in through one gateway it works at all; its challenge
     * yields one session only; signed out at one it is gone at all, and no later touch brings it back.
     */
    @Test
    void aConsoleSessionIsSharedAndEndsEverywhere() {
        SignInResult first = gw.get(0).signIn().signInWithPassword(acct, "root", ROOT_PASSWORD, "127.0.0.1");
        assertEquals(SignInResult.Status.MFA_REQUIRED, first.status());
        clock.advance(Duration.ofSeconds(30));
        SignInResult in = gw.get(1).signIn().signInWithCode(first.token(), serial, code(0), "127.0.0.1");
        assertEquals(SignInResult.Status.SIGNED_IN, in.status());
        clock.advance(Duration.ofSeconds(30));
        assertNotEquals(SignInResult.Status.SIGNED_IN,
                gw.get(2).signIn().signInWithCode(first.token(), serial, code(0), "127.0.0.1").status(),
                "the challenge was consumed by the first session");
        for (int g = 0; g < 3; g++) {
            assertTrue(gw.get(g).signIn().session(in.token()).isPresent(), "gateway " + g);
        }
        clock.advance(Duration.ofMinutes(2)); // the next look would touch the session
        gw.get(2).signIn().signOut(in.token());
        for (int g = 0; g < 3; g++) {
            assertTrue(gw.get(g).signIn().session(in.token()).isEmpty(), "gateway " + g);
        }
    }

    /**
     * Etcd away: checks fail as unavailable (the gateway answers 503), none is accepted; back: a code accepted
     * before the outage stays spent, and a code presented during it is accepted exactly once afterwards.
     */
    @Test
    void etcdAwayRefusesChecksAndNoCodeIsAcceptedTwiceAfterItReturns() throws Exception {
        String before = code(0);
        assertTrue(verifyAt(0, before).accepted());
        etcd.stop();
        clock.advance(Duration.ofSeconds(30));
        String during = code(0);
        for (int g = 0; g < 3; g++) {
            int gg = g;
            assertThrows(KvStateUnavailableException.class, () -> verifyAt(gg, during), "gateway " + g);
            assertTrue(!clients.get(g).available());
        }
        etcd.restart();
        for (EtcdKvStore kv : clients) {
            awaitAvailable(kv);
        }
        assertEquals(VerifyOutcome.INVALID, verifyAt(2, before).outcome(), "spent before the outage");
        assertEquals(1, race(1, 2, during, false));
        assertEquals(VerifyOutcome.INVALID, verifyAt(0, during).outcome());
    }
}

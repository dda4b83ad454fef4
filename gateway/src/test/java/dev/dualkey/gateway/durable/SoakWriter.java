package dev.dualkey.gateway.durable;

import dev.dualkey.gateway.identity.IdentityStore;
import dev.dualkey.mfa.audit.Actor;
import dev.dualkey.mfa.audit.AuditContext;
import dev.dualkey.mfa.device.CreatedVirtualDevice;
import dev.dualkey.mfa.device.MfaVerifier;
import dev.dualkey.mfa.device.Purpose;
import dev.dualkey.mfa.identity.BootstrapResult;
import dev.dualkey.mfa.otp.Base32;
import dev.dualkey.mfa.otp.TotpGenerator;
import dev.dualkey.mfa.secret.PasswordHasher;
import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.PartWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.model.CompletedPart;
import dev.dualkey.storage.model.DeleteOutcome;
import dev.dualkey.storage.model.ListVersionsPage;
import dev.dualkey.storage.model.ListVersionsQuery;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.MultipartUpload;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.PartInfo;
import dev.dualkey.storage.model.VersioningState;
import dev.dualkey.storage.rocks.RocksDatabase;
import dev.dualkey.storage.rocks.RocksObjectStore;
import dev.dualkey.storage.rocks.WriteRide;
import dev.dualkey.storage.retention.RetentionBypass;
import dev.dualkey.mfa.device.VerifyResult;
import dev.dualkey.storage.rocks.StorageEngine;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Child process of {@link PowerCutSoakTest}: the storage engine and the mfa identity store over one data
 * directory, as {@code serve} opens them, running a mixed workload for ever and printing one line per
 * acknowledged operation (flushed) so the parent knows what must survive the power cut. Usage:
 * {@code SoakWriter <dataDir> <seed> <firstStep> [<serial> <base32 seed>]}.
 *
 * <p>Operations (all acknowledged exactly as the gateway acknowledges them): small (inline) and large (blob)
 * PUTs, multipart completions, delete markers, permanent version deletes authorized by an MFA code (the code is
 * checked with {@link MfaVerifier#verifyRiding} inside the delete, the spent code written in the delete's own
 * WriteBatch, the ride settled before the ack, as {@code ProtectedOperations} does), versioning changes, IAM changes (CreateUser). Lines:
 * <pre>
 * SETUP &lt;accountId&gt; &lt;serial&gt; &lt;base32 seed&gt;   (first run only, after the set-up is durable)
 * READY
 * PUT &lt;bucket&gt; &lt;key&gt; &lt;versionId&gt; &lt;etag&gt; &lt;size&gt; &lt;md5&gt;
 * DEL &lt;bucket&gt; &lt;key&gt; &lt;markerVersionId&gt;
 * VDEL &lt;bucket&gt; &lt;key&gt; &lt;versionId&gt; &lt;step&gt;        (code of this TOTP step accepted, version gone)
 * VDEL-BEGIN &lt;bucket&gt; &lt;key&gt; &lt;versionId&gt;         (not an ack: this version may be gone after a cut)
 * VERS-BEGIN &lt;state&gt; / VERS &lt;state&gt;          (versioning of the second bucket; BEGIN is not an ack)
 * USER &lt;name&gt;
 * </pre>
 * The TOTP clock is a step counter (one step per MFA delete, from {@code firstStep}), so that every code is fresh
 * and no test waits for wall-clock steps.
 */
public final class SoakWriter {
    static final String MAIN = "soak";
    static final String TOGGLED = "soak-toggled";
    static final String ROOT_KEY = "AKIASOAKROOT00000001";
    static final String ROOT_SECRET = "soak-root-secret-key-000000000000000000000";
    static final RocksObjectStore.Settings STORE = new RocksObjectStore.Settings(128 * 1024, 64 * 1024,
            Duration.ofSeconds(30));
    /** Small reserve: the soak's image is small and nearly empty. */
    static final RocksDatabase.Settings DB = new RocksDatabase.Settings(8L << 20, Duration.ofSeconds(10), 8L << 20,
            1L << 20);

    private SoakWriter() {
    }

    /** A clock at the middle of TOTP step {@code step.get()}. */
    static Clock stepClock(AtomicLong step) {
        return new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochSecond(step.get() * TotpGenerator.STEP_SECONDS + 15);
            }
        };
    }

    static StorageEngine open(Path dataDir, Clock clock) {
        return StorageEngine.open(dataDir, IdentityStore.FAMILIES, clock, DB, STORE);
    }

    static IdentityStore identity(StorageEngine engine, Path dataDir, Clock clock) {
        return IdentityStore.open(engine.database(), dataDir, Map.of(), clock, PasswordHasher.Params.forTests());
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Random rnd = new Random(Long.parseLong(args[1]));
        AtomicLong step = new AtomicLong(Long.parseLong(args[2]));
        Clock clock = stepClock(step);
        PrintStream out = new PrintStream(System.out, false);
        StorageEngine engine = open(dir, clock);
        IdentityStore id = identity(engine, dir, clock);
        ObjectStore store = engine.objectStore();
        String serial;
        byte[] seed;
        BootstrapResult boot = id.identity().bootstrap(ROOT_KEY, ROOT_SECRET, "soak-root-password-1");
        String account = boot.account().accountId();
        if (args.length < 5) {
            CreatedVirtualDevice dev = id.devices().createVirtualDevice(Actor.operator(), account, "/", "soak",
                    Map.of(), null);
            serial = dev.device().serialNumber();
            seed = Base32.decode(dev.base32StringSeed());
            long s = step.get();
            id.devices().enable(Actor.operator(), account, "root", serial, TotpGenerator.code(seed, s - 1),
                    TotpGenerator.code(seed, s));
            store.createBucket(MAIN, account, "us-east-1");
            store.updateBucket(MAIN, c -> c.withVersioning(VersioningState.ENABLED)
                    .withMfaDelete(MfaDeleteState.ENABLED));
            store.createBucket(TOGGLED, account, "us-east-1");
            out.println("SETUP " + account + " " + serial + " " + dev.base32StringSeed());
        } else {
            serial = args[3];
            seed = Base32.decode(args[4]);
        }
        List<String[]> live = liveVersions(store); // {key, versionId} of MAIN
        out.println("READY");
        out.flush();
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        long users = System.nanoTime() % 1_000_000; // a name space per run; names only need to be unique
        for (long i = 0; ; i++) {
            int op = rnd.nextInt(100);
            if (op < 34) {
                put(store, out, md5, MAIN, "s" + rnd.nextInt(40), rnd.nextInt(4096), rnd, live);
            } else if (op < 42) {
                put(store, out, md5, MAIN, "l" + rnd.nextInt(10), 130 * 1024 + rnd.nextInt(130 * 1024), rnd, live);
            } else if (op < 47) {
                multipart(store, out, md5, "m" + rnd.nextInt(5), rnd, live);
            } else if (op < 72) {
                if (live.isEmpty()) {
                    continue;
                }
                String[] v = live.remove(rnd.nextInt(Math.min(live.size(), 8))); // the oldest few: bounded growth
                long s = step.incrementAndGet();
                out.println("VDEL-BEGIN " + MAIN + " " + v[0] + " " + v[1]);
                out.flush();
                RocksObjectStore rocks = (RocksObjectStore) store;
                if (!id.verifier().canRideIn(rocks.database())) {
                    throw new IllegalStateException("the soak's state is not in the store's database");
                }
                WriteRide ride = new WriteRide(rocks.database());
                try {
                    // as ProtectedOperations does: the check inside the delete, the spent code in its WriteBatch
                    rocks.deleteObject(MAIN, v[0], v[1], RetentionBypass.NONE, b -> {
                        VerifyResult checked = id.verifier().verifyRiding(account, "root", serial,
                                TotpGenerator.code(seed, s), Purpose.S3_MFA_DELETE, AuditContext.none(), ride);
                        if (!checked.accepted()) {
                            throw new IllegalStateException("fresh code of step " + s + " refused: " + checked);
                        }
                    }, null, ride);
                } finally {
                    ride.settle();
                }
                out.println("VDEL " + MAIN + " " + v[0] + " " + v[1] + " " + s);
            } else if (op < 80) {
                String key = "s" + rnd.nextInt(40);
                DeleteOutcome d = store.deleteObject(MAIN, key, null);
                out.println("DEL " + MAIN + " " + key + " " + d.versionId());
                live.add(new String[] {key, d.versionId()});
            } else if (op < 88) {
                put(store, out, md5, TOGGLED, "t" + rnd.nextInt(10), rnd.nextInt(2048), rnd, null);
            } else if (op < 94) {
                VersioningState next = rnd.nextBoolean() ? VersioningState.ENABLED : VersioningState.SUSPENDED;
                out.println("VERS-BEGIN " + next);
                out.flush();
                store.updateBucket(TOGGLED, c -> c.withVersioning(next));
                out.println("VERS " + next);
            } else {
                String name = "u" + users + "-" + i;
                id.identity().createUser(Actor.operator(), account, "/", name, Map.of());
                out.println("USER " + name);
            }
            out.flush();
        }
    }

    private static void put(ObjectStore store, PrintStream out, MessageDigest md5, String bucket, String key,
                            int size, Random rnd, List<String[]> live) {
        byte[] data = new byte[size];
        rnd.nextBytes(data);
        try (ObjectWriter w = store.newObjectWriter(bucket, key, ObjectMetadata.empty(), WriteOptions.defaults())) {
            w.write(ByteBuffer.wrap(data));
            ObjectVersion v = w.commit(Expectations.none());
            out.println("PUT " + bucket + " " + key + " " + v.versionId() + " " + v.etag() + " " + size + " "
                    + HexFormat.of().formatHex(md5.digest(data)));
            if (live != null) {
                live.add(new String[] {key, v.versionId()});
            }
        }
    }

    private static void multipart(ObjectStore store, PrintStream out, MessageDigest md5, String key, Random rnd,
                                  List<String[]> live) {
        MultipartUpload u = store.createMultipartUpload(MAIN, key, ObjectMetadata.empty(), WriteOptions.defaults());
        List<CompletedPart> parts = new ArrayList<>();
        int[] sizes = {64 * 1024 + rnd.nextInt(1024), 1 + rnd.nextInt(8192)};
        for (int n = 0; n < sizes.length; n++) {
            byte[] data = new byte[sizes[n]];
            rnd.nextBytes(data);
            md5.update(data);
            try (PartWriter w = store.newPartWriter(MAIN, key, u.uploadId(), n + 1)) {
                w.write(ByteBuffer.wrap(data));
                PartInfo p = w.commit(Expectations.none());
                parts.add(new CompletedPart(n + 1, p.etag()));
            }
        }
        ObjectVersion v = store.completeMultipartUpload(MAIN, key, u.uploadId(), parts);
        out.println("PUT " + MAIN + " " + key + " " + v.versionId() + " " + v.etag() + " " + (sizes[0] + sizes[1])
                + " " + HexFormat.of().formatHex(md5.digest()));
        live.add(new String[] {key, v.versionId()});
    }

    static List<String[]> liveVersions(ObjectStore store) {
        List<String[]> all = new ArrayList<>();
        String km = null;
        String vm = null;
        while (true) {
            ListVersionsPage page = store.listObjectVersions(MAIN, new ListVersionsQuery("", null, km, vm, 1000));
            for (ObjectVersion v : page.versions()) {
                all.add(new String[] {v.key(), v.versionId()});
            }
            if (!page.truncated()) {
                return all;
            }
            km = page.nextKeyMarker();
            vm = page.nextVersionIdMarker();
        }
    }
}

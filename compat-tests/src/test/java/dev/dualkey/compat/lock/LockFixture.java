package dev.dualkey.compat.lock;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.compat.mfadelete.MfaDevice;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.CreateAccessKeyResponse;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One server for a test class: root's S3 and IAM clients, root's MFA device, and helpers to make lock buckets and
 * IAM users with a given policy.
 */
public final class LockFixture implements AutoCloseable {
    private static final AtomicInteger NAMES = new AtomicInteger();

    public final StoreClock storeClock = new StoreClock();
    public final MfaDeleteServer server;
    public final GatewayEndpoint gw;
    public final IamClient rootIam;
    public final S3Client root;
    private MfaDevice rootDevice;

    public LockFixture() {
        this(false);
    }

    private static LockFixture shared;

    /**
     * One server for every Object Lock test class that needs no console (test classes run one after another in one
     * JVM; starting a server with its identity store costs seconds). Tests compute dates from {@link #storeClock},
     * which only moves forward, and use fresh buckets, so they do not disturb each other. Closed at JVM exit.
     */
    public static synchronized LockFixture shared() {
        if (shared == null) {
            LockFixture f = new LockFixture(false);
            Runtime.getRuntime().addShutdownHook(new Thread(f::close, "lock-fixture-close"));
            shared = f;
        }
        return shared;
    }

    /** @param withConsole also run the web console (over the same store, on the same clock) */
    public LockFixture(boolean withConsole) {
        server = withConsole ? MfaDeleteServer.loopbackWithConsole(storeClock) : MfaDeleteServer.loopback(storeClock);
        gw = server.endpoint();
        rootIam = Iam.client(gw, gw.root());
        root = Clients.v2(gw);
    }

    /** Root's MFA device (created on first use). */
    public synchronized MfaDevice rootDevice() {
        if (rootDevice == null) {
            rootDevice = MfaDevice.virtual(rootIam, server.clock(), "root-lock-mfa", "root");
        }
        return rootDevice;
    }

    public static String name(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
    }

    /** CreateBucket with {@code x-amz-bucket-object-lock-enabled: true}. */
    public String lockBucket() {
        String b = name("lock");
        root.createBucket(r -> r.bucket(b).objectLockEnabledForBucket(true));
        return b;
    }

    /** A lock bucket with MFA Delete Enabled (root's code). */
    public String lockBucketWithMfaDelete() {
        String b = lockBucket();
        root.putBucketVersioning(r -> r.bucket(b).mfa(rootDevice().header())
                .versioningConfiguration(v -> v.status("Enabled").mfaDelete("Enabled")));
        return b;
    }

    public String plainBucket() {
        String b = name("plain");
        root.createBucket(r -> r.bucket(b));
        return b;
    }

    /** PutObject of {@code text}; returns the version id. */
    public String put(String bucket, String key, String text) {
        return root.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString(text)).versionId();
    }

    /** An IAM user with the inline policy {@code policyJson}; returns its access key. */
    public AccessKey user(String policyJson) {
        String name = name("u");
        rootIam.createUser(b -> b.userName(name));
        rootIam.putUserPolicy(b -> b.userName(name).policyName("p").policyDocument(policyJson));
        CreateAccessKeyResponse key = rootIam.createAccessKey(b -> b.userName(name));
        return new AccessKey(key.accessKey().accessKeyId(), key.accessKey().secretAccessKey());
    }

    /** {@link #user} that may also sign in to the console with {@code password}; returns its name. */
    public String consoleUser(String policyJson, String password) {
        String name = name("c");
        rootIam.createUser(b -> b.userName(name));
        rootIam.putUserPolicy(b -> b.userName(name).policyName("p").policyDocument(policyJson));
        rootIam.createLoginProfile(b -> b.userName(name).password(password));
        return name;
    }

    /** The policy "s3:* on everything" that a stolen administrator key would carry. */
    public static final String S3_ALL = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}""";

    /** s3:* but an explicit Deny of s3:BypassGovernanceRetention. */
    public static final String S3_ALL_NO_BYPASS = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},
            {"Effect":"Deny","Action":"s3:BypassGovernanceRetention","Resource":"*"}]}""";

    @Override
    public void close() {
        root.close();
        rootIam.close();
        server.close();
    }
}

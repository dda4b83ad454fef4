package dev.dualkey.compat.bench;

import dev.dualkey.compat.mfadelete.Authenticator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamAsyncClient;
import software.amazon.awssdk.services.iam.model.VirtualMFADevice;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.MFADelete;
import software.amazon.awssdk.services.s3.model.MFADeleteStatus;
import software.amazon.awssdk.services.sts.StsAsyncClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * DeleteObject of a specific version (a permanent delete), one request in flight, 4 KiB versions created first
 * (not measured): {@code delete_version} in a versioned bucket without MFA Delete, and, on Dualkey,
 * {@code delete_version_mfa} with a real TOTP code in {@code x-amz-mfa} on a bucket with MFA Delete Enabled.
 *
 * <p>The two are measured <em>interleaved</em> (plain, MFA, MFA, plain, ... the order flips every pair), both in
 * the same account, with the same key pattern and object size, so that the noise of a shared 2-core machine falls
 * on both alike and their p50s can be compared. Each server code is accepted once and a later step invalidates
 * earlier ones ({@link VirtualMfaDevice}), so one device yields about one code per 30-second step: the workload
 * uses several accounts (made offline before the server starts) with {@value #DEVICES_PER_ROOT} devices on each
 * root, and waits (unmeasured) for the next step when every code is spent.
 *
 * <p>Nothing is measured blindly: every delete must answer 204 with the version id it named, a delete without
 * {@code x-amz-mfa} on the MFA Delete bucket must answer 403, and after each run ListObjectVersions must show
 * exactly the versions that were not deleted. Any failure fails the rows.
 */
final class VersionDeletes {
    /** IAM's quota of MFA devices per user (MfaDeviceService.MAX_DEVICES_PER_USER). */
    static final int DEVICES_PER_ROOT = 8;

    /**
     * Diagnostic ({@code BENCH_PLAIN_WITH_MFA_HEADER=1}): the plain deletes carry an {@code x-amz-mfa} header too
     * (a wrong code, which a bucket without MFA Delete ignores unread), to tell the header's cost (signing,
     * parsing) from the code check's.
     */
    private static final boolean HEADER_ON_PLAIN = "1".equals(System.getenv("BENCH_PLAIN_WITH_MFA_HEADER"));

    /**
     * Diagnostic ({@code BENCH_DELETE_SLOW_MS=N}): every measured delete that took more than N ms is logged with
     * its wall-clock end (epoch ms) and the server CPU around it (sampled on Dualkey with MFA Delete set up), to
     * line the rows' p99 up with GC or safepoint logs
     * ({@code -Xlog:gc,safepoint:file=...:time,uptime}) of the server and of this client.
     */
    private static final long SLOW_LOG_MICROS = System.getenv("BENCH_DELETE_SLOW_MS") == null ? -1
            : Long.parseLong(System.getenv("BENCH_DELETE_SLOW_MS")) * 1000;

    private final BenchConfig config;
    private final ServerUnderTest server;
    private final S3AsyncClient s3;
    private final String rowPrefix;
    private final ByteBuffer body = S3Workloads.randomBytes(4 * 1024);
    private final List<MfaRoot> roots = new ArrayList<>();
    private boolean mfa;

    /**
     * @param rowPrefix before the rows' names: "" for the main table, {@code cluster_} for the cluster rows
     */
    VersionDeletes(BenchConfig config, ServerUnderTest server, S3AsyncClient s3, String rowPrefix) {
        this.rowPrefix = rowPrefix;
        this.config = config;
        this.server = server;
        this.s3 = s3;
    }

    /** Peers (and Dualkey when MFA Delete cannot be set up): plain deletes only, in the benchmark's account. */
    void preparePlain() {
        RootKeys keys = new RootKeys(Servers.ACCESS_KEY, Servers.SECRET_KEY);
        String plain = "bench-del-0-plain";
        createVersionedBucket(keys, plain);
        roots.add(new MfaRoot(keys, List.of(), plain, null));
        mfa = false;
    }

    /**
     * Dualkey: on each account's root, {@value #DEVICES_PER_ROOT} virtual MFA devices (IAM CreateVirtualMFADevice
     * and EnableMFADevice through the IAM Query API on the S3 port), a versioned bucket and a versioned bucket
     * with MFA Delete Enabled (PutBucketVersioning with {@code x-amz-mfa}). Called right after the server starts,
     * so that the devices rest (and gather codes) while the other workloads run.
     *
     * <p>The first device is enabled with the root's access key; the others from an STS GetSessionToken session
     * that proved a code of the first: while root has a device, another root device is a second key to MFA Delete
     * and takes a recent MFA session to enable (IamContext.requireRecentMfa, since commit e822090).
     */
    void prepareMfa(List<RootKeys> accounts) throws InterruptedException {
        roots.clear();
        try (IamAsyncClient iam = IamAsyncClient.builder()
                .endpointOverride(server.endpoint())
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(accounts.get(0).provider())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .build();
             StsAsyncClient sts = StsAsyncClient.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(accounts.get(0).provider())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .build()) {
            for (int a = 0; a < accounts.size(); a++) {
                RootKeys keys = accounts.get(a);
                List<VirtualMfaDevice> devices = new ArrayList<>();
                devices.add(enableDevice(iam, keys.provider(), "bench-mfa-0"));
                AwsCredentialsProvider session = mfaSession(sts, keys, devices.get(0));
                for (int d = 1; d < DEVICES_PER_ROOT; d++) {
                    devices.add(enableDevice(iam, session, "bench-mfa-" + d));
                }
                String plain = "bench-del-" + a + "-plain";
                String protectedBucket = "bench-del-" + a + "-mfa";
                createVersionedBucket(keys, plain);
                s3.createBucket(b -> b.bucket(protectedBucket).overrideConfiguration(o -> o.credentialsProvider(
                        keys.provider()))).join();
                MfaRoot root = new MfaRoot(keys, devices, plain, protectedBucket);
                String header = root.nextHeader(VirtualMfaDevice.wallStepAwayFromBoundary());
                s3.putBucketVersioning(b -> b.bucket(protectedBucket).mfa(header)
                        .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)
                                .mfaDelete(MFADelete.ENABLED))
                        .overrideConfiguration(o -> o.credentialsProvider(keys.provider()))).join();
                MFADeleteStatus state = s3.getBucketVersioning(b -> b.bucket(protectedBucket)
                        .overrideConfiguration(o -> o.credentialsProvider(keys.provider()))).join().mfaDelete();
                if (state != MFADeleteStatus.ENABLED) {
                    throw new IllegalStateException("GetBucketVersioning of " + protectedBucket
                            + " says MfaDelete " + state + " after enabling it");
                }
                roots.add(root);
            }
        } catch (CompletionException e) {
            throw new IllegalStateException("MFA Delete set-up failed: " + Errors.describe(e), e);
        }
        mfa = true;
    }

    /** CreateVirtualMFADevice and EnableMFADevice for {@code root}, signed by {@code caller}. */
    private static VirtualMfaDevice enableDevice(IamAsyncClient iam, AwsCredentialsProvider caller, String name)
            throws InterruptedException {
        VirtualMFADevice created = iam.createVirtualMFADevice(b -> b.virtualMFADeviceName(name)
                .overrideConfiguration(o -> o.credentialsProvider(caller))).join().virtualMFADevice();
        VirtualMfaDevice device = new VirtualMfaDevice(created.serialNumber(),
                Authenticator.ofBase32(created.base32StringSeed().asString(StandardCharsets.US_ASCII)));
        long step = VirtualMfaDevice.wallStepAwayFromBoundary();
        String[] codes = device.enableCodes(step);
        iam.enableMFADevice(b -> b.userName("root").serialNumber(device.serial())
                .authenticationCode1(codes[0]).authenticationCode2(codes[1])
                .overrideConfiguration(o -> o.credentialsProvider(caller))).join();
        device.enabled(step);
        return device;
    }

    /** Root's temporary credentials from STS GetSessionToken with a code of {@code device} (spent here). */
    private static AwsCredentialsProvider mfaSession(StsAsyncClient sts, RootKeys keys, VirtualMfaDevice device)
            throws InterruptedException {
        long wallStep = VirtualMfaDevice.wallStepAwayFromBoundary();
        String code = device.consumeCode(device.usableStep(wallStep));
        Credentials c = sts.getSessionToken(b -> b.durationSeconds(900).serialNumber(device.serial()).tokenCode(code)
                .overrideConfiguration(o -> o.credentialsProvider(keys.provider()))).join().credentials();
        return StaticCredentialsProvider.create(
                AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
    }

    boolean withMfa() {
        return mfa;
    }

    private void createVersionedBucket(RootKeys keys, String bucket) {
        s3.createBucket(b -> b.bucket(bucket).overrideConfiguration(o -> o.credentialsProvider(keys.provider())))
                .join();
        s3.putBucketVersioning(b -> b.bucket(bucket)
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED))
                .overrideConfiguration(o -> o.credentialsProvider(keys.provider()))).join();
    }

    /**
     * Runs the workload {@code config.runs()} times and returns {@code delete_version} and, after MFA set-up,
     * {@code delete_version_mfa}.
     */
    List<Measurement> run() throws Exception {
        Measurement plain = new Measurement(rowPrefix + "delete_version", server.name(), "ops/s");
        Measurement protectedDeletes = mfa
                ? new Measurement(rowPrefix + "delete_version_mfa", server.name(), "ops/s") : null;
        int warm = mfa ? config.mfaWarmupPairs() : (int) Math.min(config.smallOps() / 40, 200);
        int measured = mfa ? config.mfaPairs() : (int) Math.min(config.smallOps() / 4, 2000) - warm;
        double cpuBoth = 0;
        Histogram plainCpu = new Histogram(3);
        Histogram mfaCpu = new Histogram(3);
        long steps = 0;
        long waited = 0;
        for (int run = 0; run < config.runs(); run++) {
            RunState state = prepareRun(run, warm + measured);
            ProcessTree tree = server.tree();
            Sample plainRun = new Sample(plainCpu);
            Sample mfaRun = new Sample(mfaCpu);
            double cpu0 = 0;
            SyscallCounter syncs = null;
            for (int i = 0; i < warm + measured; i++) {
                if (i == warm) {
                    syncs = run == 0 ? SyscallCounter.startIfAsked(server,
                            config.workDir().resolve("strace-deletes-" + server.name() + ".txt")) : null;
                    tree.resetPeakRss();
                    cpu0 = tree.cpuSeconds();
                }
                long wallStep = 0;
                MfaRoot root;
                if (mfa) {
                    wallStep = VirtualMfaDevice.wallStepAwayFromBoundary();
                    root = richestRoot(wallStep);
                    while (root == null) {
                        // Every code is spent: the next step brings one per device. Not measured.
                        long t = System.nanoTime();
                        wallStep = VirtualMfaDevice.awaitNextStep();
                        waited += System.nanoTime() - t;
                        steps++;
                        root = richestRoot(wallStep);
                    }
                } else {
                    root = roots.get(i % roots.size());
                }
                boolean record = i >= warm;
                DeleteObjectRequest plainDelete = state.next(root.plainBucket(), root, mfa && HEADER_ON_PLAIN
                        ? root.devices().get(0).serial() + " 000000" : null);
                DeleteObjectRequest mfaDelete = mfa
                        ? state.next(root.mfaBucket(), root, root.nextHeader(wallStep)) : null;
                if (mfaDelete != null && i % 2 == 1) {
                    delete(mfaDelete, record ? mfaRun : null, protectedDeletes, state);
                    delete(plainDelete, record ? plainRun : null, plain, state);
                } else {
                    delete(plainDelete, record ? plainRun : null, plain, state);
                    if (mfaDelete != null) {
                        delete(mfaDelete, record ? mfaRun : null, protectedDeletes, state);
                    }
                }
            }
            double cpu = tree.cpuSeconds() - cpu0;
            long peak = tree.peakRssKib();
            if (syncs != null) {
                syncs.close();
                BenchMain.log("strace counted the WAL syncs of " + plainRun.count() + " plain and " + mfaRun.count()
                        + " MFA deletes (plus failures: " + (plain.errors + (mfa ? protectedDeletes.errors : 0))
                        + ") into " + config.workDir().resolve("strace-deletes-" + server.name() + ".txt"));
            }
            state.verify(plain, protectedDeletes);
            plainRun.addTo(plain, peak, mfa);
            if (mfa) {
                mfaRun.addTo(protectedDeletes, peak, true);
                cpuBoth += cpu;
            } else {
                // one kind of request: the phase's CPU is all its own (and includes threads that ended, which
                // the per-request schedstat sums lose, e.g. moto's thread per request)
                plain.cpuSeconds += cpu;
            }
        }
        String layout = "4 KiB versions, one request in flight, " + warm + (mfa ? " warm-up pairs" : " warm-up deletes")
                + " per run excluded; value = 1 / mean latency";
        if (!mfa) {
            plain.notes.add(layout);
            return List.of(failIfErrors(plain));
        }
        addCpuNote(plain, plainCpu);
        long devices = roots.stream().mapToLong(r -> r.devices().size()).sum();
        String shared = String.format(Locale.ROOT, "interleaved with %s (order flips every pair), same accounts, "
                + "keys and sizes; %s; %d accounts x %d devices on root, %d waits for a fresh 30-s step (%.0f s, "
                + "not measured); CPU-s/1k = server CPU per request from /proc/PID/task/*/schedstat read around each delete; "
                + "all server CPU over the phase (both rows, incl. background): %.2f s per 1000 deletes", "%s", layout,
                roots.size(), DEVICES_PER_ROOT, steps, waited / 1e9, cpuBoth * 1000 / (plain.ops + protectedDeletes.ops));
        plain.notes.add(String.format(Locale.ROOT, shared, protectedDeletes.workload));
        protectedDeletes.notes.add(String.format(Locale.ROOT, shared, plain.workload));
        addCpuNote(protectedDeletes, mfaCpu);
        if (plain.latencyMicros.getTotalCount() > 0 && protectedDeletes.latencyMicros.getTotalCount() > 0) {
            protectedDeletes.notes.add(String.format(Locale.ROOT, "p50 %.2fx delete_version's (%d vs %d samples)",
                    (double) protectedDeletes.latencyMicros(50) / plain.latencyMicros(50),
                    protectedDeletes.latencyMicros.getTotalCount(), plain.latencyMicros.getTotalCount()));
        }
        protectedDeletes.notes.add("real TOTP codes (RFC 6238) from " + devices
                + " virtual devices; delete without x-amz-mfa answered 403 (checked each run)");
        return List.of(failIfErrors(plain), failIfErrors(protectedDeletes));
    }

    private static void addCpuNote(Measurement m, Histogram cpu) {
        if (cpu.getTotalCount() > 0) {
            m.notes.add(String.format(Locale.ROOT, "server CPU per delete p50 %d us, p90 %d us, mean %.0f us",
                    cpu.getValueAtPercentile(50), cpu.getValueAtPercentile(90), cpu.getMean()));
        }
    }

    /** A row with any failed or unexpected answer reports no figure: its latencies would be of errors. */
    private static Measurement failIfErrors(Measurement m) {
        if (m.errors > 0) {
            m.failure = "failed: " + m.errors + " errors (" + m.firstError + ")";
        }
        return m;
    }

    /** The root with the most usable codes now (spreads the codes over accounts), or null when none has one. */
    private MfaRoot richestRoot(long wallStep) {
        MfaRoot best = null;
        int most = 0;
        for (MfaRoot r : roots) {
            int n = r.usableCodes(wallStep);
            if (n > most) {
                most = n;
                best = r;
            }
        }
        return best;
    }

    /** One delete, timed from the call to its answer; a non-204 answer or another version id is an error. */
    private void delete(DeleteObjectRequest request, Sample sample, Measurement m, RunState state) {
        long cpu0 = sample != null && mfa ? server.tree().cpuNanos() : -1;
        long t0 = System.nanoTime();
        try {
            DeleteObjectResponse r = s3.deleteObject(request).join();
            long micros = Math.max(1, (System.nanoTime() - t0) / 1000);
            // read after the answer, outside the timed span; work the server does after answering counts to
            // the next request (the same for both kinds)
            long cpu = cpu0 >= 0 ? server.tree().cpuNanos() - cpu0 : -1;
            int status = r.sdkHttpResponse().statusCode();
            if (status != 204 || !request.versionId().equals(r.versionId())) {
                m.recordError(1, new IllegalStateException("DeleteObject answered " + status + " for version "
                        + r.versionId() + ", expected 204 for " + request.versionId()));
                return;
            }
            state.deleted(request.bucket(), request.versionId());
            if (sample != null) {
                sample.record(micros, cpu);
                if (SLOW_LOG_MICROS >= 0 && micros > SLOW_LOG_MICROS) {
                    System.err.printf(Locale.ROOT, "[bench]   slow %s delete: %d us, server CPU %s, ended at %d%n",
                            m.workload, micros, cpu >= 0 ? cpu / 1000 + " us" : "not sampled",
                            System.currentTimeMillis());
                }
            }
        } catch (CompletionException e) {
            m.recordError(1, e);
        }
    }

    /**
     * Creates the run's versions (not measured): {@code perBucket} 4 KiB versions of {@code del/rRUN/J} in each
     * bucket of each root (the roots are drawn by their codes, so any one may serve every pair), and checks on each
     * MFA Delete bucket that a delete without {@code x-amz-mfa} is refused with 403 (that version must survive).
     */
    private RunState prepareRun(int run, int perBucket) throws InterruptedException {
        RunState state = new RunState("del/r" + run + "/");
        for (MfaRoot root : roots) {
            for (String bucket : root.mfaBucket() == null ? List.of(root.plainBucket())
                    : List.of(root.plainBucket(), root.mfaBucket())) {
                state.create(root, bucket, perBucket);
            }
            if (root.mfaBucket() != null) {
                state.checkRefusedWithoutCode(root);
            }
        }
        return state;
    }

    /** The versions of one run: what is left to delete, what was deleted, and what must survive. */
    private final class RunState {
        private final String prefix;
        private final Map<String, ArrayDeque<String[]>> toDelete = new HashMap<>();
        private final Map<String, Integer> created = new HashMap<>();
        private final Map<String, Set<String>> deleted = new HashMap<>();
        private final Map<String, RootKeys> owners = new HashMap<>();

        RunState(String prefix) {
            this.prefix = prefix;
        }

        void create(MfaRoot root, String bucket, int count) throws InterruptedException {
            String[][] versions = new String[count][];
            ClosedLoop.Outcome o = ClosedLoop.run(config.inFlight(), count, Duration.ofMinutes(5), i -> s3.putObject(
                    b -> b.bucket(bucket).key(prefix + i)
                            .overrideConfiguration(c -> c.credentialsProvider(root.keys().provider())),
                    AsyncRequestBody.fromByteBufferUnsafe(body.duplicate()))
                    .thenAccept(r -> versions[(int) i] = new String[] {prefix + i, r.versionId()}));
            if (o.errors() > 0 || o.ops() != count) {
                throw new IllegalStateException("creating " + count + " versions in " + bucket + " failed: "
                        + o.errors() + " errors (" + Errors.describe(o.firstError()) + ")");
            }
            ArrayDeque<String[]> queue = new ArrayDeque<>();
            for (String[] v : versions) {
                if (v[1] == null || v[1].equals("null")) {
                    throw new IllegalStateException(bucket + " is not versioned: PUT returned version id " + v[1]);
                }
                queue.add(v);
            }
            toDelete.put(bucket, queue);
            created.put(bucket, count);
            deleted.put(bucket, new HashSet<>());
            owners.put(bucket, root.keys());
        }

        /** Deleting a version without {@code x-amz-mfa} on an MFA Delete bucket must answer 403 (and keep it). */
        void checkRefusedWithoutCode(MfaRoot root) {
            String[] target = toDelete.get(root.mfaBucket()).peekLast();
            try {
                s3.deleteObject(b -> b.bucket(root.mfaBucket()).key(target[0]).versionId(target[1])
                        .overrideConfiguration(o -> o.credentialsProvider(root.keys().provider()))).join();
                throw new IllegalStateException("a version delete without x-amz-mfa on " + root.mfaBucket()
                        + " (MFA Delete Enabled) succeeded; expected 403");
            } catch (CompletionException e) {
                Throwable cause = Errors.unwrap(e);
                if (!(cause instanceof AwsServiceException s) || s.statusCode() != 403) {
                    throw new IllegalStateException("a version delete without x-amz-mfa on " + root.mfaBucket()
                            + " answered " + Errors.describe(e) + "; expected HTTP 403 AccessDenied", e);
                }
            }
        }

        DeleteObjectRequest next(String bucket, MfaRoot root, String mfaHeader) {
            String[] v = toDelete.get(bucket).poll();
            if (v == null) {
                throw new IllegalStateException("no version left to delete in " + bucket);
            }
            DeleteObjectRequest.Builder b = DeleteObjectRequest.builder().bucket(bucket).key(v[0]).versionId(v[1])
                    .overrideConfiguration(o -> o.credentialsProvider(root.keys().provider()));
            if (mfaHeader != null) {
                b.mfa(mfaHeader);
            }
            return b.build();
        }

        void deleted(String bucket, String versionId) {
            deleted.get(bucket).add(versionId);
        }

        /**
         * ListObjectVersions of the run's prefix in every bucket: exactly the versions not deleted must remain.
         * A mismatch is an error of the bucket's row.
         */
        void verify(Measurement plain, Measurement protectedDeletes) {
            for (MfaRoot root : roots) {
                for (String bucket : root.mfaBucket() == null ? List.of(root.plainBucket())
                        : List.of(root.plainBucket(), root.mfaBucket())) {
                    Measurement m = bucket.equals(root.plainBucket()) ? plain : protectedDeletes;
                    Set<String> gone = deleted.get(bucket);
                    AtomicLong remaining = new AtomicLong();
                    AtomicLong resurrected = new AtomicLong();
                    s3.listObjectVersionsPaginator(b -> b.bucket(bucket).prefix(prefix).maxKeys(1000)
                                    .overrideConfiguration(o -> o.credentialsProvider(owners.get(bucket).provider())))
                            .subscribe(r -> {
                                remaining.addAndGet(r.versions().size() + r.deleteMarkers().size());
                                resurrected.addAndGet(r.versions().stream().filter(v -> gone.contains(v.versionId()))
                                        .count());
                            }).join();
                    long expected = created.get(bucket) - gone.size();
                    if (remaining.get() != expected || resurrected.get() > 0) {
                        m.recordError(1, new IllegalStateException(String.format(Locale.ROOT,
                                "%s: %d versions listed after %d of %d were deleted (expected %d; %d deleted ones "
                                        + "still listed)", bucket, remaining.get(), gone.size(), created.get(bucket),
                                expected, resurrected.get())));
                    }
                }
            }
        }
    }

    /** The latencies of one kind of delete in one run. */
    private static final class Sample {
        private final Histogram micros = new Histogram(3);
        private long sumMicros;
        private final Histogram cpuMicros;
        private long cpuNanos;
        private boolean cpuKnown = true;

        /** @param cpuMicros where each request's server CPU also goes (spans the runs) */
        Sample(Histogram cpuMicros) {
            this.cpuMicros = cpuMicros;
        }

        void record(long latency, long serverCpuNanos) {
            micros.recordValue(latency);
            sumMicros += latency;
            if (serverCpuNanos < 0) {
                cpuKnown = false; // not measured, or a server thread ended meanwhile
            } else {
                cpuMicros.recordValue(Math.max(1, serverCpuNanos / 1000));
            }
            cpuNanos += Math.max(0, serverCpuNanos);
        }

        long count() {
            return micros.getTotalCount();
        }

        void addTo(Measurement m, long peakRssKib, boolean perRequestCpu) {
            long n = micros.getTotalCount();
            m.latencyMicros.add(micros);
            m.ops += n;
            if (perRequestCpu) {
                // a thread that ended between the two readings makes a request's figure unknown
                m.cpuSeconds = cpuKnown && !Double.isNaN(m.cpuSeconds) ? m.cpuSeconds + cpuNanos / 1e9 : Double.NaN;
            }
            m.peakRssKib = Math.max(m.peakRssKib, peakRssKib);
            if (n > 0) {
                m.values.add(n * 1e6 / sumMicros);
            }
        }
    }
}

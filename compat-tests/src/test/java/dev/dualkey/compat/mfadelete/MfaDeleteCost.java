package dev.dualkey.compat.mfadelete;

import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;

/**
 * The cost of a version delete with {@code x-amz-mfa} next to the same delete without it (issue 19's
 * {@code delete_version} / {@code delete_version_mfa} rows), run by hand, never in CI:
 *
 * <pre>
 *   mvn -B -o -q -pl compat-tests -am test-compile
 *   mvn -B -o -q -pl compat-tests org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
 *       -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test
 *   # cp.txt names the dualkey jars in ~/.m2: put the reactor's target/classes (and storage's
 *   # target/test-classes for its tests jar) in their place, then
 *   java -Xmx512m -cp compat-tests/target/test-classes:...:DEPS dev.dualkey.compat.mfadelete.MfaDeleteCost \
 *       [PAIRS [WARMUP_DELETES [ROUNDS]]]          # defaults 300 3000 1
 * </pre>
 *
 * Why a driver of its own and not {@code run.sh}: the benchmark can spend about one code per device per 30-second
 * step, so it measures a few hundred MFA deletes per run at about 2 per second. This one boots the gateway in
 * process ({@link MfaDeleteServer#loopback()}, wired as {@code dualkey serve} wires it) with the TOTP clock injected,
 * so every MFA delete spends a real, fresh code of one virtual device of root's (the clock moves two steps per code)
 * and nothing waits for wall time. The server verifies each code exactly as in production: the one thing the clock
 * changes is which step is "now".
 *
 * <p>What it mirrors of the benchmark: the shared request path (SigV4, routing, the store's delete) is warmed first
 * by {@code WARMUP_DELETES} plain PUT + version delete pairs (the benchmark's earlier workloads and warm-up do the
 * same), while the MFA-only code (the gate, the verifier, the seed's AES-GCM, the TOTP HMACs) runs only as often as
 * the benchmark runs it: {@code PAIRS} per round. One request in flight, interleaved plain, MFA, MFA, plain, ...
 * (the order flips every pair), 4 KiB versions created first and not measured. Every delete must answer with the
 * version id it named. Prints p50 of each row and their ratio per round and per block of 100 pairs, and each
 * row's p99 (the other target for these rows: p99 at most 4x p50).
 */
public final class MfaDeleteCost {
    private MfaDeleteCost() {
    }

    public static void main(String[] args) {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        try (MfaDeleteServer server = MfaDeleteServer.loopback()) {
            GatewayEndpoint gw = server.endpoint();
            try (IamClient iam = Iam.client(gw, gw.root()); S3Client s3 = Clients.v2(gw)) {
                MfaDevice device = MfaDevice.virtual(iam, server.clock(), "cost", "root");
                String plain = "cost-plain";
                String mfa = "cost-mfa";
                s3.createBucket(b -> b.bucket(plain));
                s3.createBucket(b -> b.bucket(mfa));
                s3.putBucketVersioning(b -> b.bucket(plain).versioningConfiguration(v -> v.status("Enabled")));
                s3.putBucketVersioning(b -> b.bucket(mfa).mfa(device.header())
                        .versioningConfiguration(v -> v.status("Enabled").mfaDelete("Enabled")));
                byte[] body = new byte[4096];
                long t0 = System.nanoTime();
                for (int i = 0; i < warmup; i++) {
                    int k = i % 100;
                    String id = s3.putObject(b -> b.bucket(plain).key("w" + k), RequestBody.fromBytes(body))
                            .versionId();
                    s3.deleteObject(b -> b.bucket(plain).key("w" + k).versionId(id));
                }
                System.out.printf("warm-up: %d plain PUT + version delete pairs in %.1f s%n", warmup,
                        (System.nanoTime() - t0) / 1e9);
                for (int round = 1; round <= rounds; round++) {
                    List<String> plainIds = new ArrayList<>();
                    List<String> mfaIds = new ArrayList<>();
                    for (int i = 0; i < pairs; i++) {
                        int k = i % 100;
                        plainIds.add(s3.putObject(b -> b.bucket(plain).key("k" + k), RequestBody.fromBytes(body))
                                .versionId());
                        mfaIds.add(s3.putObject(b -> b.bucket(mfa).key("k" + k), RequestBody.fromBytes(body))
                                .versionId());
                    }
                    long[] plainNanos = new long[pairs];
                    long[] mfaNanos = new long[pairs];
                    for (int i = 0; i < pairs; i++) {
                        int k = i % 100;
                        boolean plainFirst = i % 2 == 0;
                        for (int half = 0; half < 2; half++) {
                            boolean doPlain = (half == 0) == plainFirst;
                            String id = doPlain ? plainIds.get(i) : mfaIds.get(i);
                            String header = doPlain ? null : device.header(); // the clock moves outside the timing
                            long start = System.nanoTime();
                            DeleteObjectResponse r = doPlain
                                    ? s3.deleteObject(b -> b.bucket(plain).key("k" + k).versionId(id))
                                    : s3.deleteObject(b -> b.bucket(mfa).key("k" + k).versionId(id).mfa(header));
                            long took = System.nanoTime() - start;
                            if (!id.equals(r.versionId())) {
                                throw new IllegalStateException("deleted " + r.versionId() + ", named " + id);
                            }
                            if (doPlain) {
                                plainNanos[i] = took;
                            } else {
                                mfaNanos[i] = took;
                            }
                        }
                    }
                    for (int from = 0; from < pairs; from += 100) {
                        int to = Math.min(pairs, from + 100);
                        report("round " + round + " pairs " + (from + 1) + "-" + to,
                                Arrays.copyOfRange(plainNanos, from, to), Arrays.copyOfRange(mfaNanos, from, to));
                    }
                    report("round " + round + " all", plainNanos, mfaNanos);
                }
            }
        }
    }

    private static void report(String what, long[] plain, long[] mfa) {
        double p = median(plain) / 1000.0;
        double m = median(mfa) / 1000.0;
        System.out.printf("%-28s plain p50 %7.0f us   mfa p50 %7.0f us   ratio %.3fx   p99 plain %7.0f us, mfa %7.0f us%n",
                what, p, m, m / p, percentile(plain, 99) / 1000.0, percentile(mfa, 99) / 1000.0);
    }

    /** Nearest-rank percentile; with fewer than 100 values p99 is the largest. */
    private static double percentile(long[] values, int pct) {
        long[] s = values.clone();
        Arrays.sort(s);
        return s[Math.max(0, (int) Math.ceil(pct / 100.0 * s.length) - 1)];
    }

    private static double median(long[] values) {
        long[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }
}

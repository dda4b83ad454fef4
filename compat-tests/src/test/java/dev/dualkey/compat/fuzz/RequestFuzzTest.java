package dev.dualkey.compat.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.mfadelete.Authenticator;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.CreateVirtualMfaDeviceResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.MFADelete;

/**
 * Mutated S3, IAM, STS and console requests against a server with a bucket under MFA Delete (issue 12, "done
 * means"). Each request starts from a valid template ({@link Templates}), gets 0-4 mutations (method, path, query,
 * headers such as {@code x-amz-mfa}, {@code x-amz-copy-source}, {@code x-amz-content-sha256}, {@code Range},
 * {@code Content-Length}; XML and form bodies; cookies), is signed with SigV4 over what it became (root's key or
 * an IAM user's), or left unsigned, or signed wrongly, and may be corrupted after signing. Asserted for every
 * answer: no 5xx other than 501/503, no hang; after every batch: the server still answers normal S3 and console
 * requests, and {@link StoreSnapshot#violation} finds nothing (the MFA Delete bucket only gains versions, its
 * versioning state stays, root's keys and devices change only through a successful IAM/STS call).
 *
 * <p>Properties: {@code -Dfuzz.requests=N} (default 3000), {@code -Dfuzz.seconds=S} (time bound, default 60 for
 * the default count, none when a count is given), {@code -Dfuzz.seed=N|random} (default fixed, printed),
 * {@code -Dfuzz.from=I} (start at request index I: with the seed, replays one request as the failure names it).
 */
class RequestFuzzTest {
    private static final long DEFAULT_SEED = 0x5EED_2026_1202L;
    private static final int BATCH = 250;
    private static final int TIMEOUT_MILLIS = 20_000;
    private static final List<String> METHODS = List.of("GET", "PUT", "POST", "DELETE", "HEAD", "OPTIONS", "PATCH",
            "TRACE", "CONNECT", "get", "PROPFIND", "G ET", "");
    private static final List<String> QUERY_NAMES = List.of("versionId", "uploadId", "partNumber", "versions",
            "delete", "versioning", "uploads", "list-type", "prefix", "delimiter", "max-keys", "key-marker",
            "version-id-marker", "continuation-token", "encoding-type", "acl", "tagging", "policy", "location",
            "response-content-type", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date",
            "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Security-Token", "X-Amz-Content-Sha256", "Action",
            "Version", "x-id", "");
    private static final List<String> HEADER_NAMES = List.of("x-amz-mfa", "x-amz-copy-source",
            "x-amz-content-sha256", "Range", "Content-MD5", "Content-Type", "x-amz-date", "x-amz-security-token",
            "Expect", "x-amz-decoded-content-length", "Content-Encoding", "x-amz-meta-a", "x-amz-copy-source-range",
            "If-Match", "If-None-Match", "If-Modified-Since", "x-amz-checksum-crc32", "x-amz-trailer",
            "x-amz-bypass-governance-retention", "x-amz-expected-bucket-owner", "Cookie", "Origin", "Host",
            "x-amz-acl", "x-amz-storage-class", "x-amz-server-side-encryption", "x-amz-tagging", "Authorization",
            "x-amz-copy-source-version-id", "X-Forwarded-For", "x-amz-object-lock-mode");

    @Test
    void mutatedRequestsNeverCrashTheServerNorChangeWhatMfaDeleteProtects() {
        String seedProperty = System.getProperty("fuzz.seed", Long.toString(DEFAULT_SEED));
        long seed = seedProperty.equals("random") ? new Random().nextLong() : Long.decode(seedProperty);
        int requests = Integer.getInteger("fuzz.requests", 3000);
        int from = Integer.getInteger("fuzz.from", 0);
        long seconds = Long.getLong("fuzz.seconds", System.getProperty("fuzz.requests") == null ? 60 : Long.MAX_VALUE);
        System.out.println("RequestFuzzTest: seed=" + seed + " requests=" + requests + " from=" + from
                + " (replay with -Dfuzz.seed=" + seed + " -Dfuzz.from=INDEX -Dfuzz.requests=1)");

        try (MfaDeleteServer server = MfaDeleteServer.loopbackWithConsole()) {
            GatewayEndpoint gw = server.endpoint();
            try (IamClient rootIam = Iam.client(gw, gw.root()); S3Client s3 = Clients.v2(gw)) {
                Fixture f = Fixture.create(server, gw, rootIam, s3);
                run(server, f, rootIam, s3, seed, from, requests, seconds);
            }
        }
    }

    private void run(MfaDeleteServer server, Fixture f, IamClient rootIam, S3Client s3, long seed, int from,
                     int requests, long seconds) {
        StoreSnapshot before = StoreSnapshot.take(s3, rootIam, f.ctx.mfaBucket());
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = seconds == Long.MAX_VALUE ? Long.MAX_VALUE : start + seconds * 1_000_000_000L;
        boolean iamSucceeded = false;
        int done = 0;
        for (int i = from; i < from + requests && failures.size() < 20; i++) {
            Mutator m = new Mutator(new Random(seed ^ (i * 0x9E3779B97F4A7C15L)));
            WireRequest w = build(m, f);
            RawHttp.Answer a = RawHttp.exchange(w.port, w.toBytes(), w.framingMutated, w.method.equals("HEAD"),
                    TIMEOUT_MILLIS);
            statuses.merge(a.status(), 1, Integer::sum);
            done++;
            boolean serverError = a.status() >= 500 && a.status() != 501 && a.status() != 503;
            boolean noAnswer = (a.status() == RawHttp.TIMEOUT || a.status() == RawHttp.NO_ANSWER) && !w.framingMutated;
            if (serverError || noAnswer) {
                failures.add("request " + i + " (seed " + seed + "): " + (a.status() == RawHttp.TIMEOUT ? "no answer in "
                        + TIMEOUT_MILLIS + " ms" : a.status() == RawHttp.NO_ANSWER ? "closed without an answer "
                        + a.head() : "status " + a.status()) + "\n" + w.describe() + "\n  answer: "
                        + a.head().replace("\r\n", " | ") + new String(a.body(), StandardCharsets.UTF_8));
            }
            if (a.status() / 100 == 2 && (w.kind == WireRequest.Kind.IAM || w.kind == WireRequest.Kind.STS)) {
                iamSucceeded = true;
            }
            if (done % 10_000 == 0) {
                System.out.printf(Locale.ROOT, "RequestFuzzTest: %d requests, %.0f s, statuses %s%n", done,
                        (System.nanoTime() - start) / 1e9, statuses);
            }
            boolean last = i + 1 == from + requests || System.nanoTime() > deadline;
            if ((i + 1 - from) % BATCH == 0 || last) {
                StoreSnapshot after = afterBatch(server, f, s3, rootIam);
                String violation = before.violation(after, iamSucceeded);
                if (violation != null) {
                    failures.add("batch ending at request " + i + " (seed " + seed + "): " + violation);
                }
                before = after;
                iamSucceeded = false;
                // a new TOTP day: the API lane reopens, so wrong codes are evaluated again in the next batch
                server.clock().advance(2 * 60 * 24 + 2);
            }
            if (last) {
                break;
            }
        }
        double took = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "RequestFuzzTest: %d requests in %.1f s (%.0f/s), statuses %s%n", done, took,
                done / took, statuses);
        assertTrue(failures.isEmpty(), failures.size() + " failures:\n" + String.join("\n\n", failures));
        assertTrue(done >= Math.min(requests, 500), "too few requests ran: " + done);
    }

    /** Liveness with normal requests (S3 through the SDK, the console's sign-in page), then a snapshot. */
    private static StoreSnapshot afterBatch(MfaDeleteServer server, Fixture f, S3Client s3, IamClient rootIam) {
        s3.headBucket(b -> b.bucket(f.ctx.mfaBucket()));
        RawHttp.Answer page = RawHttp.exchange(f.ctx.consolePort(), ("GET /signin HTTP/1.1\r\nHost: 127.0.0.1:"
                + f.ctx.consolePort() + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII), false,
                false, TIMEOUT_MILLIS);
        assertEquals(200, page.status(), "the console still serves its sign-in page");
        return StoreSnapshot.take(s3, rootIam, f.ctx.mfaBucket());
    }

    /** A template, mutated, signed (or not), perhaps corrupted after signing. */
    private static WireRequest build(Mutator m, Fixture f) {
        WireRequest w = Templates.any(m, f.ctx);
        int mutations = m.chance(0.1) ? 0 : 1 + m.nextInt(4);
        for (int k = 0; k < mutations; k++) {
            mutate(m, w, f);
        }
        w.setHeader("Connection", "close");
        w.finishBody();
        if (w.kind != WireRequest.Kind.CONSOLE || m.chance(0.05)) {
            sign(m, w, f);
        }
        if (m.chance(0.1)) {
            corruptAfterSigning(m, w);
        }
        if (unframed(w.method) || unframed(w.rawPath) || w.rawQuery != null && unframed(w.rawQuery)
                || w.headers.stream().anyMatch(h -> unframed(h.getKey()) || h.getKey().contains(":")
                || h.getValue().contains("\r") || h.getValue().contains("\n"))) {
            w.framingMutated = true; // the request line or a header line itself is broken
        }
        long lengths = w.headers.stream().filter(h -> h.getKey().equalsIgnoreCase("Content-Length")).count();
        String length = w.header("Content-Length");
        if (lengths > 1 || (length != null && !length.equals(Integer.toString(w.body.length)))
                || (length == null && w.body.length > 0) || w.header("Transfer-Encoding") != null) {
            w.framingMutated = true; // the body's end is not where the head says
        }
        return w;
    }

    /** Empty, or holding a character that ends a request line or header line early. */
    private static boolean unframed(String s) {
        return s.isEmpty() || s.chars().anyMatch(ch -> ch == ' ' || ch == '\r' || ch == '\n');
    }

    private static void sign(Mutator m, WireRequest w, Fixture f) {
        String service = switch (w.kind) {
            case IAM -> "iam";
            case STS -> "sts";
            default -> "s3";
        };
        if (m.chance(0.03)) {
            service = m.pick(List.of("s3", "iam", "sts", "ec2", ""));
        }
        String region = m.chance(0.03) ? m.pick(List.of("eu-west-1", "", "us-east-1 ")) : GatewayExtension.REGION;
        int who = m.nextInt(100);
        if (who < 8) {
            return; // unsigned
        }
        AccessKey key = who < 65 ? f.root : who < 85 ? f.iamUser
                : who < 92 ? new AccessKey("AKIAFUZZUNKNOWN00000", "x".repeat(40))
                : new AccessKey(f.root.accessKeyId(), f.root.secretKey() + "x");
        Instant now = m.chance(0.03) ? Instant.now().minusSeconds(3600) : Instant.now();
        WireSigner.sign(w, key, region, service, now, m.chance(0.2));
        if (m.chance(0.03)) { // a flipped signature character
            String auth = w.header("Authorization");
            w.setHeader("Authorization", auth.substring(0, auth.length() - 1) + (auth.endsWith("0") ? "1" : "0"));
        }
    }

    private static void mutate(Mutator m, WireRequest w, Fixture f) {
        switch (m.nextInt(15)) {
            case 0 -> w.method = m.chance(0.8) ? m.pick(METHODS) : m.string(w.method);
            case 1 -> w.rawPath = m.string(w.rawPath);
            case 2 -> w.query(m.pick(QUERY_NAMES), m.chance(0.5) ? m.nasty() : m.string(m.pick(f.ctx.versionIds())));
            case 3 -> {
                if (!w.query.isEmpty()) {
                    var e = w.query.get(m.nextInt(w.query.size()));
                    if (m.chance(0.8)) {
                        e.setValue(m.string(e.getValue()));
                    } else {
                        w.query.set(w.query.indexOf(e), WireRequest.entry(m.string(e.getKey()), e.getValue()));
                    }
                }
            }
            case 4 -> {
                if (!w.query.isEmpty()) {
                    w.query.remove(m.nextInt(w.query.size()));
                }
            }
            case 5 -> w.rawQuery = m.string(w.renderedQuery());
            case 6 -> w.header(m.pick(HEADER_NAMES), headerValue(m, f));
            case 7 -> {
                if (!w.headers.isEmpty()) {
                    var h = w.headers.get(m.nextInt(w.headers.size()));
                    h.setValue(m.string(h.getValue()));
                }
            }
            case 8 -> {
                if (!w.headers.isEmpty()) {
                    w.headers.remove(m.nextInt(w.headers.size()));
                }
            }
            case 9 -> {
                if (!w.headers.isEmpty()) {
                    var h = w.headers.get(m.nextInt(w.headers.size()));
                    w.header(h.getKey(), m.chance(0.5) ? h.getValue() : m.string(h.getValue()));
                }
            }
            case 10 -> mutateBody(m, w);
            case 11 -> {
                w.keepContentLength = true;
                w.framingMutated = true;
                w.setHeader("Content-Length", m.pick(List.of("-1", "0", "abc", "99999999999", "1 2", "",
                        Integer.toString(w.body.length + 1 + m.nextInt(100)),
                        Integer.toString(Math.max(0, w.body.length - 1)))));
            }
            case 12 -> {
                w.framingMutated = true;
                w.setHeader("Transfer-Encoding", m.pick(List.of("chunked", "gzip, chunked", "identity", "x")));
            }
            case 13 -> w.setHeader("x-amz-content-sha256", m.pick(List.of("UNSIGNED-PAYLOAD",
                    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                    WireSigner.sha256Hex(new byte[] {1}), m.string("e3b0c44298fc1c149afbf4c8996fb924"))));
            default -> w.header("x-amz-mfa", m.chance(0.5) ? f.ctx.rootSerial() + m.pick(List.of(" ", "\t", "%20",
                    "  ", "")) + f.ctx.wrongCode().apply(m) : m.string(f.ctx.rootSerial() + " 123456"));
        }
    }

    private static String headerValue(Mutator m, Fixture f) {
        return switch (m.nextInt(6)) {
            case 0 -> m.nasty();
            case 1 -> "/" + f.ctx.mfaBucket() + "/" + m.string(dev.dualkey.gateway.auth.AwsUriEncoding.encode(
                    m.pick(f.ctx.keys()), true)) + "?versionId="
                    + m.string(m.pick(f.ctx.versionIds()));
            case 2 -> m.string("bytes=0-10");
            case 3 -> m.huge(m.nasty());
            case 4 -> f.ctx.rootSerial() + " " + f.ctx.wrongCode().apply(m);
            default -> m.string("value");
        };
    }

    private static void mutateBody(Mutator m, WireRequest w) {
        if (w.form != null) {
            int i = w.form.isEmpty() ? -1 : m.nextInt(w.form.size());
            switch (m.nextInt(4)) {
                case 0 -> w.form(m.pick(List.of("Action", "UserName", "SerialNumber", "TokenCode",
                        "DurationSeconds", "Version", "csrf", "code", "password", "PolicyDocument", "Marker",
                        "MaxItems", "AccessKeyId", "Status")), m.nasty());
                case 1 -> {
                    if (i >= 0) {
                        w.form.get(i).setValue(m.string(w.form.get(i).getValue()));
                    }
                }
                case 2 -> {
                    if (i >= 0) {
                        w.form.remove(i);
                    }
                }
                default -> {
                    w.body = m.bytes(w.form.toString().getBytes(StandardCharsets.UTF_8));
                    w.form = null;
                }
            }
            return;
        }
        String text = new String(w.body, StandardCharsets.UTF_8);
        w.body = text.startsWith("<") ? m.xml(text).getBytes(StandardCharsets.UTF_8) : m.bytes(w.body);
    }

    /** A change after signing: the signature no longer matches (what an attacker tampering in transit sends). */
    private static void corruptAfterSigning(Mutator m, WireRequest w) {
        switch (m.nextInt(4)) {
            case 0 -> w.rawPath = m.string(w.rawPath);
            case 1 -> w.rawQuery = m.string(w.renderedQuery());
            case 2 -> {
                var h = w.headers.get(m.nextInt(w.headers.size()));
                h.setValue(m.string(h.getValue()));
            }
            default -> {
                w.body = m.bytes(w.body);
                if (!w.keepContentLength) { // framing stays right: only the signed hash and length disagree
                    w.setHeader("Content-Length", Integer.toString(w.body.length));
                }
            }
        }
    }

    /** The server-side state the fuzzer starts from, and the keys it signs with. */
    private static final class Fixture {
        final Templates.Context ctx;
        final AccessKey root;
        final AccessKey iamUser;

        private Fixture(Templates.Context ctx, AccessKey root, AccessKey iamUser) {
            this.ctx = ctx;
            this.root = root;
            this.iamUser = iamUser;
        }

        static Fixture create(MfaDeleteServer server, GatewayEndpoint gw, IamClient rootIam, S3Client s3) {
            CreateVirtualMfaDeviceResponse created = rootIam.createVirtualMFADevice(b -> b
                    .virtualMFADeviceName("root-fuzz"));
            String serial = created.virtualMFADevice().serialNumber();
            Authenticator app = Authenticator.ofBase32(created.virtualMFADevice().base32StringSeed()
                    .asString(StandardCharsets.US_ASCII));
            long step = server.clock().advance(2);
            rootIam.enableMFADevice(b -> b.userName("root").serialNumber(serial).authenticationCode1(app.code(step))
                    .authenticationCode2(app.code(step + 1)));
            String mfaBucket = "fuzz-mfa";
            String plainBucket = "fuzz-plain";
            s3.createBucket(b -> b.bucket(mfaBucket));
            s3.createBucket(b -> b.bucket(plainBucket));
            s3.putBucketVersioning(b -> b.bucket(mfaBucket).mfa(serial + " " + app.code(step + 2))
                    .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED).mfaDelete(MFADelete.ENABLED)));
            s3.putBucketVersioning(b -> b.bucket(plainBucket).versioningConfiguration(v -> v
                    .status(BucketVersioningStatus.ENABLED)));
            // the last key is one XML 1.0 cannot carry: listings must use encoding-type=url
            List<String> keys = List.of("a.txt", "dir/b.txt", "c d+e.txt", "\u00fc/\u4e2d.txt", "ctl\u0001key");
            List<String> versions = new ArrayList<>();
            for (String bucket : List.of(mfaBucket, plainBucket)) {
                for (String key : keys) {
                    for (int v = 0; v < 2; v++) {
                        versions.add(s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(key + v))
                                .versionId());
                    }
                }
            }
            versions.add("null");
            String uploadKey = "mp.bin";
            String uploadId = s3.createMultipartUpload(b -> b.bucket(mfaBucket).key(uploadKey)).uploadId();
            AccessKey user = Iam.userAllowedEverything(rootIam, "fuzzer");
            Templates.Context ctx = new Templates.Context(gw.endpoint().getPort(), server.consoleUri().getPort(),
                    server.accountId(), mfaBucket, plainBucket, keys, versions, serial, uploadKey, uploadId, "fuzzer",
                    m -> wrongCode(m, app, server));
            return new Fixture(ctx, gw.root(), user);
        }

        /** A six-digit code that none of the steps around the server's TOTP clock yields (never a valid code). */
        private static String wrongCode(Mutator m, Authenticator app, MfaDeleteServer server) {
            long now = server.clock().step();
            Set<String> valid = new HashSet<>();
            for (long s = now - 3; s <= now + 4; s++) {
                valid.add(app.code(s));
            }
            while (true) {
                String c = String.format(Locale.ROOT, "%06d", m.nextInt(1_000_000));
                if (!valid.contains(c)) {
                    return c;
                }
            }
        }
    }
}

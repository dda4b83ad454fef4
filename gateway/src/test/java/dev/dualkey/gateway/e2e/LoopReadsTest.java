package dev.dualkey.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.GatewayServer;
import dev.dualkey.gateway.http.LoopReads;
import dev.dualkey.storage.crypto.MasterKeyWrapper;
import dev.dualkey.storage.rocks.StorageEngine;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GetObject and HeadObject on the event loop (issue 19): two servers over one store, one trying reads on the loop
 * ({@code loopReads(true)}, {@code serve --loop-reads}), one running every request on the storage executor (the
 * default). Every answer of the loop server (status, every header but Date and the request ids, body bytes) must
 * equal the executor's, for the cases whose headers depend on stored state: plain, range, conditional (304, 412), checksum mode, versionId,
 * delete markers (404, 405), SSE-S3, SSE-C (with, without and with a wrong key), x-amz-expiration, Object Lock and
 * legal hold, response overrides, a missing key. The loop server's counters prove which path answered: served on the
 * loop, or fell back (a blob-file object's GET; a record only on disk).
 */
class LoopReadsTest {
    private static final Set<String> VARYING = Set.of("date", "x-amz-request-id", "x-amz-id-2");

    @TempDir
    static Path dir;
    static StorageEngine engine;
    static GatewayServer loop;
    static GatewayServer exec;
    static HttpClient http;

    @BeforeAll
    static void start() {
        engine = StorageEngine.open(dir.resolve("data"), List.of());
        loop = GatewayServer.builder().objectStore(engine.objectStore()).credentialProvider(GatewayEndToEndTest.KEYS)
                .allowMfaOverPlainHttp(true).loopReads(true).s3Address(new InetSocketAddress("127.0.0.1", 0)).start();
        exec = GatewayServer.builder().objectStore(engine.objectStore()).credentialProvider(GatewayEndToEndTest.KEYS)
                .allowMfaOverPlainHttp(true).loopReads(false).s3Address(new InetSocketAddress("127.0.0.1", 0))
                .start();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        loop.close();
        exec.close();
        engine.close();
    }

    private static HttpResponse<byte[]> send(GatewayServer s, String method, String path, byte[] body,
                                             String... headers) {
        return GatewayEndToEndTest.send(s, http, method, path, body, GatewayEndToEndTest.AK, GatewayEndToEndTest.SK,
                Instant.now(), headers);
    }

    private static HttpResponse<byte[]> put(String path, byte[] body, String... headers) {
        HttpResponse<byte[]> r = send(exec, "PUT", path, body, headers);
        assertEquals(200, r.statusCode(), () -> path + ": " + new String(r.body(), StandardCharsets.UTF_8));
        return r;
    }

    /** Status, headers but the per-request ones, body bytes (an error's RequestId and HostId blanked). */
    private static String answer(HttpResponse<byte[]> r) {
        StringBuilder b = new StringBuilder().append(r.statusCode()).append('\n');
        new TreeMap<>(r.headers().map()).forEach((k, v) -> {
            if (!VARYING.contains(k.toLowerCase())) {
                b.append(k.toLowerCase()).append(": ").append(v).append('\n');
            }
        });
        return b.append(new String(r.body(), StandardCharsets.ISO_8859_1)
                .replaceAll("<RequestId>[^<]*</RequestId>", "<RequestId/>")
                .replaceAll("<HostId>[^<]*</HostId>", "<HostId/>")).toString();
    }

    /** The same request to both servers: equal answers; returns the loop server's, and which path it took. */
    private static HttpResponse<byte[]> same(boolean servedOnLoop, int status, String method, String path,
                                             String... headers) {
        HttpResponse<byte[]> viaExecutor = send(exec, method, path, new byte[0], headers);
        LoopReads c = loop.loopReads();
        long tried = c.tried();
        long served = c.served();
        HttpResponse<byte[]> viaLoop = send(loop, method, path, new byte[0], headers);
        assertEquals(status, viaLoop.statusCode(), () -> method + " " + path + ": " + answer(viaLoop));
        assertEquals(answer(viaExecutor), answer(viaLoop), method + " " + path);
        assertEquals(tried + 1, c.tried(), "tried on the loop: " + method + " " + path);
        assertEquals(served + (servedOnLoop ? 1 : 0), c.served(), "served on the loop: " + method + " " + path);
        return viaLoop;
    }

    private static String md5(byte[] b) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(b));
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void answersEqualTheExecutorsAndComeFromTheLoop() throws Exception {
        String b = GatewayEndToEndTest.bucket();
        put("/" + b, new byte[0]);
        byte[] data = random(4096);
        put("/" + b + "/plain", data, "x-amz-checksum-crc32", crc32(data), "Content-Type", "text/x-test",
                "x-amz-meta-colour", "blue");
        HttpResponse<byte[]> got = same(true, 200, "GET", "/" + b + "/plain");
        assertArrayEquals(data, got.body());
        String etag = got.headers().firstValue("ETag").orElseThrow();
        same(true, 200, "HEAD", "/" + b + "/plain");
        same(true, 206, "GET", "/" + b + "/plain", "Range", "bytes=10-99");
        same(true, 416, "GET", "/" + b + "/plain", "Range", "bytes=5000-6000");
        same(true, 304, "GET", "/" + b + "/plain", "If-None-Match", etag);
        same(true, 412, "GET", "/" + b + "/plain", "If-Match", "\"0123\"");
        same(true, 304, "HEAD", "/" + b + "/plain", "If-Modified-Since", "Sun, 01 Jan 2090 00:00:00 GMT");
        same(true, 200, "GET", "/" + b + "/plain", "x-amz-checksum-mode", "ENABLED");
        same(true, 200, "GET", "/" + b + "/plain?response-content-type=x%2Fy&response-cache-control=no-cache");
        same(true, 404, "GET", "/" + b + "/missing");
        same(true, 404, "HEAD", "/" + b + "/missing");

        // versions and delete markers
        String v = GatewayEndToEndTest.bucket();
        put("/" + v, new byte[0]);
        byte[] versioning = ("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>")
                .getBytes(StandardCharsets.UTF_8);
        put("/" + v + "?versioning", versioning, "Content-MD5", md5(versioning));
        String v1 = put("/" + v + "/k", "one".getBytes(StandardCharsets.UTF_8)).headers()
                .firstValue("x-amz-version-id").orElseThrow();
        put("/" + v + "/k", "two".getBytes(StandardCharsets.UTF_8));
        same(true, 200, "GET", "/" + v + "/k?versionId=" + v1);
        same(true, 200, "HEAD", "/" + v + "/k?versionId=" + v1);
        same(true, 200, "GET", "/" + v + "/k");
        HttpResponse<byte[]> del = send(exec, "DELETE", "/" + v + "/k", new byte[0]);
        assertEquals(204, del.statusCode());
        String marker = del.headers().firstValue("x-amz-version-id").orElseThrow();
        same(true, 404, "GET", "/" + v + "/k");
        same(true, 404, "HEAD", "/" + v + "/k");
        same(true, 405, "GET", "/" + v + "/k?versionId=" + marker);
        same(true, 400, "GET", "/" + v + "/k?versionId=not-a-version");

        // lifecycle: x-amz-expiration
        byte[] lifecycle = ("<LifecycleConfiguration><Rule><ID>old</ID><Filter><Prefix></Prefix></Filter>"
                + "<Status>Enabled</Status><Expiration><Days>30</Days></Expiration></Rule></LifecycleConfiguration>")
                .getBytes(StandardCharsets.UTF_8);
        put("/" + b + "?lifecycle", lifecycle, "Content-MD5", md5(lifecycle));
        HttpResponse<byte[]> expiring = same(true, 200, "GET", "/" + b + "/plain");
        assertTrue(expiring.headers().firstValue("x-amz-expiration").isPresent(), "x-amz-expiration");
        same(true, 200, "HEAD", "/" + b + "/plain");

        // Object Lock retention and legal hold
        String locked = GatewayEndToEndTest.bucket();
        put("/" + locked, new byte[0], "x-amz-bucket-object-lock-enabled", "true");
        byte[] small = "locked".getBytes(StandardCharsets.UTF_8);
        put("/" + locked + "/k", small, "Content-MD5", md5(small), "x-amz-object-lock-mode", "GOVERNANCE",
                "x-amz-object-lock-retain-until-date",
                Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString(),
                "x-amz-object-lock-legal-hold", "ON");
        HttpResponse<byte[]> lockedGet = same(true, 200, "GET", "/" + locked + "/k");
        assertEquals("ON", lockedGet.headers().firstValue("x-amz-object-lock-legal-hold").orElse(null));
        same(true, 200, "HEAD", "/" + locked + "/k");

        // SSE-C: decrypted with the right key; refused without it or with another
        byte[] key = random(32);
        byte[] otherKey = key.clone();
        otherKey[0] ^= 1;
        String[] withKey = sseC(key);
        byte[] secret = random(3000);
        put("/" + b + "/sse-c", secret, withKey);
        assertArrayEquals(secret, same(true, 200, "GET", "/" + b + "/sse-c", withKey).body());
        same(true, 206, "GET", "/" + b + "/sse-c", concat(withKey, "Range", "bytes=100-199"));
        same(true, 200, "HEAD", "/" + b + "/sse-c", withKey);
        same(true, 400, "GET", "/" + b + "/sse-c");
        same(true, 403, "GET", "/" + b + "/sse-c", sseC(otherKey));

        // SSE-S3 (sealed inline values): encrypted from now on, decrypted on the loop
        engine.objectStore().encryptAtRest(MasterKeyWrapper.fromMasterKey(random(32)));
        byte[] sealed = random(4096 + 7);
        put("/" + b + "/sealed", sealed, "x-amz-server-side-encryption", "AES256");
        HttpResponse<byte[]> open = same(true, 200, "GET", "/" + b + "/sealed");
        assertArrayEquals(sealed, open.body());
        assertEquals("AES256", open.headers().firstValue("x-amz-server-side-encryption").orElse(null));
        same(true, 206, "GET", "/" + b + "/sealed", "Range", "bytes=-10");
        same(true, 200, "GET", "/" + b + "/plain"); // the clear value written before stays readable

        // a blob-file object: GET falls back to the executor, HEAD (no file read) is answered on the loop
        byte[] big = random(200 * 1024);
        put("/" + b + "/big", big);
        assertArrayEquals(big, same(false, 200, "GET", "/" + b + "/big").body());
        same(false, 206, "GET", "/" + b + "/big", "Range", "bytes=0-9");
        same(true, 200, "HEAD", "/" + b + "/big");

        // requests that are not GetObject/HeadObject are never tried on the loop
        long tried = loop.loopReads().tried();
        assertEquals(200, send(loop, "GET", "/" + b + "?list-type=2", new byte[0]).statusCode());
        assertEquals(200, send(loop, "GET", "/" + b + "/plain?tagging", new byte[0]).statusCode());
        assertEquals(tried, loop.loopReads().tried());
        // another account's GET: the same AccessDenied, decided on the loop
        HttpResponse<byte[]> denied = GatewayEndToEndTest.send(loop, http, "GET", "/" + b + "/plain", new byte[0],
                GatewayEndToEndTest.AK2, GatewayEndToEndTest.SK2, Instant.now());
        assertEquals(403, denied.statusCode());
        assertEquals("AccessDenied", GatewayEndToEndTest.errorCode(denied));
    }

    @Test
    void aRecordOnlyOnDiskFallsBackThenIsServedFromTheCache() throws Exception {
        String b = GatewayEndToEndTest.bucket();
        put("/" + b, new byte[0]);
        byte[] data = random(1000);
        put("/" + b + "/cold", data);
        same(true, 200, "GET", "/" + b + "/cold"); // bucket record and key now cached by the executor's read too
        engine.database().flushAndCompact(); // the object's record now only in an SST file, no block of it cached
        LoopReads c = loop.loopReads();
        long fellBack = c.fellBack();
        HttpResponse<byte[]> first = send(loop, "GET", "/" + b + "/cold", new byte[0]);
        assertEquals(200, first.statusCode());
        assertArrayEquals(data, first.body());
        assertEquals(fellBack + 1, c.fellBack(), "the disk read ran on the executor");
        long served = c.served();
        HttpResponse<byte[]> second = send(loop, "GET", "/" + b + "/cold", new byte[0]);
        assertArrayEquals(data, second.body());
        assertEquals(served + 1, c.served(), "the block the executor read is now cached");
    }

    /**
     * Session 13: a flushed 4 KiB object's bytes are in a RocksDB blob file (values from 1 KiB on), which only the
     * blob cache keeps in memory: after the first read (which falls back, its record block being on disk only)
     * GET and HEAD are answered on the loop, plain and SSE-C alike, with the executor's answers. Without the blob
     * cache every such GET fell back.
     */
    @Test
    void aFlushedFourKibObjectIsServedOnTheLoopFromTheBlobCache() throws Exception {
        String b = GatewayEndToEndTest.bucket();
        put("/" + b, new byte[0]);
        byte[] data = random(4096);
        put("/" + b + "/flushed", data);
        byte[] key = random(32);
        byte[] otherKey = key.clone();
        otherKey[0] ^= 1;
        String[] withKey = sseC(key);
        byte[] secret = random(4097);
        put("/" + b + "/flushed-c", secret, withKey);
        engine.database().flushAndCompact(); // records in SST files, the bytes in a blob file (and the blob cache)
        LoopReads c = loop.loopReads();
        long fellBack = c.fellBack();
        HttpResponse<byte[]> first = send(loop, "GET", "/" + b + "/flushed", new byte[0]);
        assertEquals(200, first.statusCode());
        assertArrayEquals(data, first.body());
        assertEquals(fellBack + 1, c.fellBack(), "the record's block was on disk only: the executor read it");
        assertArrayEquals(data, same(true, 200, "GET", "/" + b + "/flushed").body());
        same(true, 200, "HEAD", "/" + b + "/flushed");
        same(true, 206, "GET", "/" + b + "/flushed", "Range", "bytes=4000-");
        assertArrayEquals(secret, same(true, 200, "GET", "/" + b + "/flushed-c", withKey).body());
        same(true, 200, "HEAD", "/" + b + "/flushed-c", withKey);
        same(true, 403, "GET", "/" + b + "/flushed-c", sseC(otherKey));
    }

    private static String crc32(byte[] b) {
        java.util.zip.CRC32 c = new java.util.zip.CRC32();
        c.update(b);
        long v = c.getValue();
        return Base64.getEncoder().encodeToString(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16),
                (byte) (v >>> 8), (byte) v});
    }

    private static String[] sseC(byte[] key) throws Exception {
        return new String[] {"x-amz-server-side-encryption-customer-algorithm", "AES256",
                "x-amz-server-side-encryption-customer-key", Base64.getEncoder().encodeToString(key),
                "x-amz-server-side-encryption-customer-key-MD5", md5(key)};
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

package dev.dualkey.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.PartWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.error.BadDigestException;
import dev.dualkey.storage.error.IncompleteBodyException;
import dev.dualkey.storage.error.InvalidChecksumException;
import dev.dualkey.storage.error.NoSuchKeyException;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import dev.dualkey.storage.model.CompletedPart;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.PartInfo;
import dev.dualkey.storage.shared.MemoryKv;
import dev.dualkey.testkit.MotoServer;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Pass-through: a body whose length is declared before its first byte (every PutObject and UploadPart the gateway
 * serves) flows to the upstream as it arrives through a bounded pipe, never through the spool, and becomes an
 * upstream version only once verified. A body refused at commit (Content-MD5, checksum, length) or abandoned midway
 * leaves no upstream version and no upstream upload, so nothing unverified exists even outside the index.
 *
 * <p>Size of the large body: 24 MiB by default (five upstream parts of 5 MiB through one pipe);
 * {@code -Ddualkey.upstream.passThroughMiB=256} is the long variant (run by hand).
 */
class UpstreamPassThroughTest {
    private static final int CHUNK = 64 * 1024;
    private static final String BUCKET = "pass-through";

    @TempDir
    Path spool;

    private UpstreamObjectStore store;
    private S3Client direct;

    @BeforeEach
    void open() throws Exception {
        MotoServer moto = MotoServer.shared(getClass().getSimpleName());
        moto.reset();
        UpstreamSettings s = MotoUpstream.settings(moto, spool);
        store = UpstreamObjectStore.open(s, new MemoryKv(), Clock.systemUTC());
        store.createBucket(BUCKET, "111122223333", "us-east-1");
        store.updateBucket(BUCKET, c -> c.withVersioning(dev.dualkey.storage.model.VersioningState.ENABLED));
        direct = MotoUpstream.directClient(moto);
    }

    @AfterEach
    void close() {
        direct.close();
        store.close();
    }

    @Test
    void aDeclaredBodyFlowsThroughABoundedPipeNeverTouchingTheSpool() throws Exception {
        long size = Long.getLong("dualkey.upstream.passThroughMiB", 24) * 1024 * 1024 + 321;
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        ObjectVersion v;
        int peak;
        try (ObjectWriter w = store.newObjectWriter(BUCKET, "big", ObjectMetadata.empty(),
                WriteOptions.defaults().withChecksums(Set.of(ChecksumAlgorithm.CRC32C)))) {
            w.declareLength(size);
            Random r = new Random(7);
            byte[] buf = new byte[CHUNK];
            for (long done = 0; done < size; ) {
                int n = (int) Math.min(CHUNK, size - done);
                r.nextBytes(buf);
                md5.update(buf, 0, n);
                w.write(ByteBuffer.wrap(buf, 0, n));
                done += n;
                assertEquals(0, spoolFiles(), "a declared body is never spooled");
            }
            BodyPipe pipe = ((UpstreamBodyWriter<?>) w).pipe();
            assertNotNull(pipe, "the body went through a pipe");
            peak = pipe.peak();
            assertEquals(List.of(), upstreamVersions(), "nothing is an upstream version before commit");
            v = w.commit(Expectations.none().withContentLength(size));
        }
        assertTrue(peak <= BodyPipe.CAPACITY, "at most " + BodyPipe.CAPACITY + " bytes in flight, saw " + peak);
        assertEquals(HexFormat.of().formatHex(md5.digest()), v.etag());
        assertEquals(List.of(v.versionId()), upstreamVersions(), "the version clients see is the upstream's");
        try (ObjectReader reader = store.openObject(BUCKET, "big", null); InputStream in = reader.openStream()) {
            Random r = new Random(7);
            byte[] want = new byte[CHUNK];
            byte[] got = new byte[CHUNK];
            for (long done = 0; done < size; ) {
                int n = (int) Math.min(CHUNK, size - done);
                r.nextBytes(want);
                assertEquals(n, in.readNBytes(got, 0, n));
                if (!java.util.Arrays.equals(want, 0, n, got, 0, n)) {
                    throw new AssertionError("bytes differ in the chunk at " + done);
                }
                done += n;
            }
            assertEquals(-1, in.read());
        }
    }

    @Test
    void aBodyRefusedAtCommitLeavesNoUpstreamVersion() throws Exception {
        byte[] body = bytes(300_000, 1);
        // a wrong Content-MD5
        assertThrows(BadDigestException.class, () -> putDeclared("k", body, body.length,
                Expectations.none().withContentLength(body.length).withContentMd5(new byte[16])));
        // a wrong checksum
        assertThrows(InvalidChecksumException.class, () -> putDeclared("k", body, body.length,
                Expectations.none().withChecksum(ChecksumAlgorithm.CRC32C, "AAAAAA==")));
        // fewer bytes than declared
        assertThrows(IncompleteBodyException.class, () -> putDeclared("k", java.util.Arrays.copyOf(body, 1000),
                body.length, Expectations.none()));
        // more bytes than declared (an aws-chunked body longer than its decoded length)
        assertThrows(IncompleteBodyException.class, () -> putDeclared("k", body, body.length - 10,
                Expectations.none()));
        // bytes for a body declared empty (the upstream request would complete at once)
        assertThrows(IncompleteBodyException.class, () -> putDeclared("k", body, 0, Expectations.none()));
        awaitQuiet();
        assertEquals(List.of(), upstreamVersions(), "no refused body became an upstream version");
        assertThrows(NoSuchKeyException.class, () -> store.headObject(BUCKET, "k", null));
        // and a good one does, with the same writer path
        ObjectVersion ok = putDeclared("k", body, body.length, Expectations.none().withContentLength(body.length)
                .withContentMd5(MessageDigest.getInstance("MD5").digest(body)));
        assertEquals(List.of(ok.versionId()), upstreamVersions());
    }

    @Test
    void aBodyAbandonedMidwayLeavesNoUpstreamVersionNorUpload() throws Exception {
        long declared = 12L * 1024 * 1024;
        ObjectWriter w = store.newObjectWriter(BUCKET, "gone", ObjectMetadata.empty(), WriteOptions.defaults());
        w.declareLength(declared);
        byte[] buf = bytes(CHUNK, 3);
        for (long done = 0; done < 7L * 1024 * 1024; done += CHUNK) {
            w.write(ByteBuffer.wrap(buf)); // the first 5 MiB part completes upstream meanwhile
        }
        CompletableFuture<Upstream.Sent> inFlight = ((UpstreamBodyWriter<?>) w).inFlight();
        w.abort(); // the client went away
        ExecutionException e = assertThrows(ExecutionException.class, () -> inFlight.get(60, TimeUnit.SECONDS));
        assertNotNull(e.getCause());
        awaitQuiet();
        assertEquals(List.of(), upstreamVersions());
        assertEquals(0, direct.listMultipartUploads(b -> b.bucket(BUCKET)).uploads().size(),
                "the upstream upload was aborted");
    }

    @Test
    void aDeclaredPartFlowsThroughAndCompletes() throws Exception {
        String uploadId = store.createMultipartUpload(BUCKET, "mp", ObjectMetadata.empty(), WriteOptions.defaults())
                .uploadId();
        byte[] one = bytes(5 * 1024 * 1024, 4);
        byte[] two = bytes(1234, 5);
        PartInfo p1 = part(uploadId, 1, one);
        PartInfo p2 = part(uploadId, 2, two);
        ObjectVersion v = store.completeMultipartUpload(BUCKET, "mp", uploadId,
                List.of(new CompletedPart(1, p1.etag()), new CompletedPart(2, p2.etag())));
        assertEquals(List.of(v.versionId()), upstreamVersions());
        try (ObjectReader r = store.openObject(BUCKET, "mp", null); InputStream in = r.openStream()) {
            assertArrayEquals(one, in.readNBytes(one.length));
            assertArrayEquals(two, in.readAllBytes());
        }
    }

    private PartInfo part(String uploadId, int n, byte[] body) throws Exception {
        try (PartWriter w = store.newPartWriter(BUCKET, "mp", uploadId, n)) {
            w.declareLength(body.length);
            for (int off = 0; off < body.length; off += CHUNK) {
                w.write(ByteBuffer.wrap(body, off, Math.min(CHUNK, body.length - off)));
            }
            assertNotNull(((UpstreamBodyWriter<?>) w).pipe());
            return w.commit(Expectations.none().withContentLength(body.length)
                    .withContentMd5(MessageDigest.getInstance("MD5").digest(body)));
        }
    }

    private ObjectVersion putDeclared(String key, byte[] body, long declared, Expectations e) {
        try (ObjectWriter w = store.newObjectWriter(BUCKET, key, ObjectMetadata.empty(),
                WriteOptions.defaults().withChecksums(Set.of(ChecksumAlgorithm.CRC32C)))) {
            w.declareLength(declared);
            for (int off = 0; off < body.length; off += CHUNK) {
                w.write(ByteBuffer.wrap(body, off, Math.min(CHUNK, body.length - off)));
            }
            CompletableFuture<Upstream.Sent> inFlight = ((UpstreamBodyWriter<?>) w).inFlight();
            try {
                return w.commit(e);
            } finally {
                if (inFlight != null) {
                    inFlight.handle((s, t) -> null).join(); // the abandoned request has ended on our side
                }
            }
        }
    }

    /** A request after the abandoned ones: the upstream has handled their ends before it answers a listing. */
    private void awaitQuiet() {
        direct.headBucket(b -> b.bucket(BUCKET));
    }

    private List<String> upstreamVersions() {
        return direct.listObjectVersions(b -> b.bucket(BUCKET)).versions().stream()
                .map(software.amazon.awssdk.services.s3.model.ObjectVersion::versionId).toList();
    }

    private long spoolFiles() throws Exception {
        try (Stream<Path> files = Files.list(spool)) {
            return files.count();
        }
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}

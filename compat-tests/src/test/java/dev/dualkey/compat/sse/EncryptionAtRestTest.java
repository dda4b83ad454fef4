package dev.dualkey.compat.sse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.ObjectMetadata;
import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.RawS3;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * SSE-S3 by default, as {@code dualkey serve} wires it (the identity wiring hands the master key to the store):
 * every client sees {@code x-amz-server-side-encryption: AES256}, reads back its bytes whole and by range, and the
 * data directory holds none of them in the clear.
 */
class EncryptionAtRestTest {
    private static final int CHUNK = 64 * 1024;
    private static MfaDeleteServer server;
    private static S3Client s3;
    private static final String BUCKET = "sse-default";

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopback();
        s3 = Clients.v2(server.endpoint());
        s3.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void sdkV2SeesAes256OnPutGetHeadForSmallAndLargeObjects() {
        for (int size : new int[] {0, 10, 100_000, 3 * CHUNK + 5}) {
            String key = "v2-" + size;
            byte[] data = random(size, size);
            PutObjectResponse put = s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(data));
            assertEquals(ServerSideEncryption.AES256, put.serverSideEncryption(), "PUT " + size);
            HeadObjectResponse head = s3.headObject(b -> b.bucket(BUCKET).key(key));
            assertEquals(ServerSideEncryption.AES256, head.serverSideEncryption(), "HEAD " + size);
            assertEquals(put.eTag(), head.eTag(), "ETag is the MD5 of the plaintext for SSE-S3");
            ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key));
            assertEquals(ServerSideEncryption.AES256, got.response().serverSideEncryption(), "GET " + size);
            assertArrayEquals(data, got.asByteArray());
        }
        // asking for SSE-S3 explicitly is the same
        PutObjectResponse explicit = s3.putObject(b -> b.bucket(BUCKET).key("explicit")
                .serverSideEncryption(ServerSideEncryption.AES256), RequestBody.fromString("x"));
        assertEquals(ServerSideEncryption.AES256, explicit.serverSideEncryption());
    }

    @Test
    void rangesAcrossChunkBoundariesReturnTheRightBytes() {
        int size = 4 * CHUNK + 777;
        byte[] data = random(size, 42);
        s3.putObject(b -> b.bucket(BUCKET).key("ranges"), RequestBody.fromBytes(data));
        long[][] ranges = {{0, 0}, {0, CHUNK - 1}, {CHUNK - 1, CHUNK}, {CHUNK - 3, CHUNK + 2}, {CHUNK, 2L * CHUNK},
            {2L * CHUNK - 1, 3L * CHUNK + 1}, {10, size - 1}, {size - 1, size - 1}, {4L * CHUNK, size - 1},
            {12345, 12345 + 3 * CHUNK}};
        for (long[] r : ranges) {
            ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("ranges")
                    .range("bytes=" + r[0] + "-" + r[1]));
            assertEquals("bytes " + r[0] + "-" + r[1] + "/" + size, got.response().contentRange());
            assertArrayEquals(Arrays.copyOfRange(data, (int) r[0], (int) r[1] + 1), got.asByteArray(),
                    "range " + r[0] + "-" + r[1]);
        }
        ResponseBytes<GetObjectResponse> suffix = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("ranges")
                .range("bytes=-70000"));
        assertArrayEquals(Arrays.copyOfRange(data, size - 70000, size), suffix.asByteArray());
    }

    @Test
    void multipartPartsAndCopiesAreEncrypted() {
        byte[] p1 = random(5 * 1024 * 1024, 1);
        byte[] p2 = random(100_000, 2);
        CreateMultipartUploadResponse up = s3.createMultipartUpload(b -> b.bucket(BUCKET).key("mp"));
        assertEquals(ServerSideEncryption.AES256, up.serverSideEncryption());
        List<CompletedPart> parts = new ArrayList<>();
        int n = 1;
        for (byte[] p : List.of(p1, p2)) {
            int number = n++;
            UploadPartResponse r = s3.uploadPart(b -> b.bucket(BUCKET).key("mp").uploadId(up.uploadId())
                    .partNumber(number), RequestBody.fromBytes(p));
            assertEquals(ServerSideEncryption.AES256, r.serverSideEncryption());
            parts.add(CompletedPart.builder().partNumber(number).eTag(r.eTag()).build());
        }
        var done = s3.completeMultipartUpload(b -> b.bucket(BUCKET).key("mp").uploadId(up.uploadId())
                .multipartUpload(m -> m.parts(parts)));
        assertEquals(ServerSideEncryption.AES256, done.serverSideEncryption());
        byte[] all = new byte[p1.length + p2.length];
        System.arraycopy(p1, 0, all, 0, p1.length);
        System.arraycopy(p2, 0, all, p1.length, p2.length);
        assertArrayEquals(all, s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("mp")).asByteArray());
        int from = p1.length - 100;
        assertArrayEquals(Arrays.copyOfRange(all, from, from + 200), s3.getObjectAsBytes(b -> b.bucket(BUCKET)
                .key("mp").range("bytes=" + from + "-" + (from + 199))).asByteArray(), "across the part boundary");
        CopyObjectResponse copy = s3.copyObject(b -> b.sourceBucket(BUCKET).sourceKey("mp")
                .destinationBucket(BUCKET).destinationKey("mp-copy"));
        assertEquals(ServerSideEncryption.AES256, copy.serverSideEncryption());
        assertArrayEquals(all, s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("mp-copy")).asByteArray());
    }

    @Test
    void sdkV1SeesAes256() throws IOException {
        AmazonS3 v1 = Clients.v1(server.endpoint());
        try {
            byte[] data = random(200_000, 9);
            ObjectMetadata meta = new ObjectMetadata();
            meta.setContentLength(data.length);
            var put = v1.putObject(BUCKET, "v1", new ByteArrayInputStream(data), meta);
            assertEquals("AES256", put.getMetadata().getSSEAlgorithm());
            assertEquals("AES256", v1.getObjectMetadata(BUCKET, "v1").getSSEAlgorithm());
            try (var o = v1.getObject(BUCKET, "v1")) {
                assertEquals("AES256", o.getObjectMetadata().getSSEAlgorithm());
                assertArrayEquals(data, o.getObjectContent().readAllBytes());
            }
        } finally {
            v1.shutdown();
        }
    }

    @Test
    void awsCliSeesAes256(@TempDir Path work) throws IOException {
        AwsCli cli = AwsCli.require(server.endpoint(), work);
        Path file = work.resolve("f.bin");
        Files.write(file, random(300_000, 10));
        cli.run("s3", "cp", file.toString(), "s3://" + BUCKET + "/cli").assertSuccess();
        var head = cli.run("s3api", "head-object", "--bucket", BUCKET, "--key", "cli").assertSuccess().json();
        assertEquals("AES256", head.get("ServerSideEncryption").asText());
        Path back = work.resolve("back.bin");
        cli.run("s3", "cp", "s3://" + BUCKET + "/cli", back.toString()).assertSuccess();
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(back));
    }

    @Test
    void kmsAndCustomerKeysAreRefusedNeverStoredInTheClear() {
        // SSE-KMS works (KmsEncryptionTest); dual-layer SSE-KMS (aws:kms:dsse) is not implemented: refused
        S3Exception kms = assertThrows(S3Exception.class, () -> s3.putObject(b -> b.bucket(BUCKET).key("kms")
                .serverSideEncryption(ServerSideEncryption.AWS_KMS_DSSE), RequestBody.fromString("x")));
        assertEquals(501, kms.statusCode());
        assertEquals("NotImplemented", kms.awsErrorDetails().errorCode());
        // SSE-C works on Put/Get/Head/Copy and the multipart calls (CustomerKeyTest, CopyCustomerKeyTest,
        // MultipartCustomerKeyTest)
        try (RawS3 raw = new RawS3(server.endpoint())) {
            RawS3.Response bad = raw.request("PUT", "/" + BUCKET + "/bad")
                    .header("x-amz-server-side-encryption", "AES512").body("x").send();
            assertEquals(400, bad.status());
            assertTrue(bad.bodyText().contains("<Code>InvalidArgument</Code>"), bad.bodyText());
            assertTrue(bad.bodyText().contains("The encryption method specified is not supported"));
        }
    }

    @Test
    void theRawDataDirectoryHoldsNoPlaintextOfInlineBlobOrMultipartObjects() throws IOException {
        long seed = System.nanoTime();
        byte[] small = random(3000, seed);
        byte[] large = random(400_000, seed + 1);
        byte[] part = random(5 * 1024 * 1024, seed + 2);
        s3.putObject(b -> b.bucket(BUCKET).key("scan-small"), RequestBody.fromBytes(small));
        s3.putObject(b -> b.bucket(BUCKET).key("scan-large"), RequestBody.fromBytes(large));
        CreateMultipartUploadResponse up = s3.createMultipartUpload(b -> b.bucket(BUCKET).key("scan-mp"));
        String etag = s3.uploadPart(b -> b.bucket(BUCKET).key("scan-mp").uploadId(up.uploadId()).partNumber(1),
                RequestBody.fromBytes(part)).eTag();
        s3.completeMultipartUpload(b -> b.bucket(BUCKET).key("scan-mp").uploadId(up.uploadId())
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(etag).build())));
        List<byte[]> needles = List.of(Arrays.copyOfRange(small, 0, 24), Arrays.copyOfRange(small, 2900, 2924),
                Arrays.copyOfRange(large, 0, 24), Arrays.copyOfRange(large, 300_000, 300_024),
                Arrays.copyOfRange(part, 0, 24), Arrays.copyOfRange(part, 4_000_000, 4_000_024));
        // the WAL holds every write; flushed SST files hold the inline values after compaction
        for (byte[] needle : needles) {
            assertEquals(List.of(), filesContaining(server.dataDir(), needle), "plaintext in the WAL");
        }
        server.engine().database().flushAndCompact();
        for (byte[] needle : needles) {
            assertEquals(List.of(), filesContaining(server.dataDir(), needle), "plaintext in SST or blob files");
        }
        // the object key is metadata and stored in the clear: the scan does see what is really there
        assertFalse(filesContaining(server.dataDir(), "scan-small".getBytes()).isEmpty(), "the scan can fail");
        assertArrayEquals(small, s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("scan-small")).asByteArray());
    }

    static List<Path> filesContaining(Path root, byte[] needle) throws IOException {
        List<Path> hits = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                if (indexOf(Files.readAllBytes(p), needle) >= 0) {
                    hits.add(root.relativize(p));
                }
            }
        }
        return hits;
    }

    /** Latin-1 strings map bytes 1:1, and the JDK's String.indexOf is vectorised: a fast raw byte search. */
    static int indexOf(byte[] hay, byte[] needle) {
        return new String(hay, java.nio.charset.StandardCharsets.ISO_8859_1)
                .indexOf(new String(needle, java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    static String md5Base64(byte[] b) {
        try {
            return java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("MD5")
                    .digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}

package dev.dualkey.compat.s3;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.transfer.TransferManager;
import dev.dualkey.compat.Bytes;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;
import software.amazon.awssdk.transfer.s3.S3TransferManager;

/** Multipart uploads: the seven operations, S3's part validation errors, and both SDKs' transfer managers. */
@ExtendWith(GatewayExtension.class)
class MultipartTest {

    private static final int MIB = 1 << 20;
    private static final byte[] PART1 = Bytes.random(5 * MIB, 1);
    private static final byte[] PART2 = Bytes.random(1234, 2);

    private static GatewayEndpoint gateway;
    private static S3Client s3;

    @BeforeAll
    static void clients(GatewayEndpoint gw) {
        gateway = gw;
        s3 = Clients.v2(gw);
    }

    @AfterAll
    static void close() {
        s3.close();
    }

    private static String create(String bucket, String key) {
        return s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType("application/x-mp")).uploadId();
    }

    private static CompletedPart upload(String bucket, String key, String uploadId, int number, byte[] data) {
        String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
                RequestBody.fromBytes(data)).eTag();
        assertEquals(Bytes.etag(data), etag, "a part's ETag is the MD5 of its bytes");
        return CompletedPart.builder().partNumber(number).eTag(etag).build();
    }

    private static CompleteMultipartUploadResponse complete(String bucket, String key, String uploadId, CompletedPart... parts) {
        return s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(parts)));
    }

    /** S3's multipart ETag: MD5 of the concatenated binary part MD5s, a dash, the part count. */
    private static String multipartEtag(byte[]... parts) {
        byte[][] md5s = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            md5s[i] = Bytes.digest("MD5", parts[i]);
        }
        return "\"" + HexFormat.of().formatHex(Bytes.digest("MD5", md5s)) + "-" + parts.length + "\"";
    }

    /** ceph: test_multipart_upload, test_list_multipart_upload, test_multipart_upload_contents. */
    @Test
    void createUploadListComplete(TestBuckets buckets) {
        String bucket = buckets.create();
        String uploadId = create(bucket, "big");
        List<MultipartUpload> uploads = s3.listMultipartUploads(b -> b.bucket(bucket)).uploads();
        assertEquals(List.of("big@" + uploadId), uploads.stream().map(u -> u.key() + "@" + u.uploadId()).toList());

        CompletedPart p1 = upload(bucket, "big", uploadId, 1, PART1);
        CompletedPart p2 = upload(bucket, "big", uploadId, 2, PART2);
        ListPartsResponse parts = s3.listParts(b -> b.bucket(bucket).key("big").uploadId(uploadId));
        assertEquals(List.of(1, 2), parts.parts().stream().map(Part::partNumber).toList());
        assertEquals(List.of((long) PART1.length, (long) PART2.length), parts.parts().stream().map(Part::size).toList());
        assertEquals(List.of(p1.eTag(), p2.eTag()), parts.parts().stream().map(Part::eTag).toList());

        CompleteMultipartUploadResponse done = complete(bucket, "big", uploadId, p1, p2);
        assertEquals(multipartEtag(PART1, PART2), done.eTag());
        assertEquals("big", done.key());
        assertEquals(bucket, done.bucket());

        byte[] all = s3.getObjectAsBytes(b -> b.bucket(bucket).key("big")).asByteArray();
        assertEquals(PART1.length + PART2.length, all.length);
        assertArrayEquals(PART1, java.util.Arrays.copyOfRange(all, 0, PART1.length));
        assertArrayEquals(PART2, java.util.Arrays.copyOfRange(all, PART1.length, all.length));
        assertEquals("application/x-mp", s3.headObject(b -> b.bucket(bucket).key("big")).contentType());
        assertTrue(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads().isEmpty(), "completed uploads are gone");
    }

    /** ceph: test_list_multipart_upload (ListParts paginates with max-parts and the part-number marker). */
    @Test
    void listPartsPaginates(TestBuckets buckets) {
        String bucket = buckets.create();
        String uploadId = create(bucket, "k");
        for (int n = 1; n <= 3; n++) {
            upload(bucket, "k", uploadId, n, Bytes.random(100, n));
        }
        ListPartsResponse first = s3.listParts(b -> b.bucket(bucket).key("k").uploadId(uploadId).maxParts(2));
        assertTrue(first.isTruncated());
        assertEquals(2, first.nextPartNumberMarker());
        ListPartsResponse second = s3.listParts(b -> b.bucket(bucket).key("k").uploadId(uploadId)
                .partNumberMarker(first.nextPartNumberMarker()));
        assertEquals(List.of(3), second.parts().stream().map(Part::partNumber).toList());
    }

    /** ceph: test_abort_multipart_upload / test_abort_multipart_upload_not_found. */
    @Test
    void abort(TestBuckets buckets) {
        String bucket = buckets.create();
        String uploadId = create(bucket, "k");
        upload(bucket, "k", uploadId, 1, PART2);
        assertEquals(204, s3.abortMultipartUpload(b -> b.bucket(bucket).key("k").uploadId(uploadId))
                .sdkHttpResponse().statusCode());
        assertS3Error(404, "NoSuchUpload", () -> s3.listParts(b -> b.bucket(bucket).key("k").uploadId(uploadId)));
        assertS3Error(404, "NoSuchUpload", () -> s3.uploadPart(b -> b.bucket(bucket).key("k").uploadId(uploadId)
                .partNumber(2), RequestBody.fromBytes(PART2)));
        assertS3Error(404, "NoSuchUpload", () -> s3.abortMultipartUpload(b -> b.bucket(bucket).key("k").uploadId(uploadId)));
        dev.dualkey.compat.S3Assertions.assertHeadError(404, () -> s3.headObject(b -> b.bucket(bucket).key("k")));
    }

    /** ceph: test_multipart_upload_incorrect_etag / test_multipart_upload_missing_part. */
    @Test
    void unknownPartOrWrongEtagIsInvalidPart(TestBuckets buckets) {
        String bucket = buckets.create();
        String uploadId = create(bucket, "k");
        CompletedPart p1 = upload(bucket, "k", uploadId, 1, PART1);
        CompletedPart never = CompletedPart.builder().partNumber(9).eTag(Bytes.etag(PART2)).build();
        assertS3Error(400, "InvalidPart", () -> complete(bucket, "k", uploadId, p1, never));
        CompletedPart wrongEtag = CompletedPart.builder().partNumber(1).eTag("\"0123456789abcdef0123456789abcdef\"").build();
        assertS3Error(400, "InvalidPart", () -> complete(bucket, "k", uploadId, wrongEtag));
    }

    /** ceph: test_multipart_upload_small (every part but the last needs 5 MiB). */
    @Test
    void smallNonLastPartIsEntityTooSmall(TestBuckets buckets) {
        String bucket = buckets.create();
        String uploadId = create(bucket, "k");
        CompletedPart small = upload(bucket, "k", uploadId, 1, PART2);
        CompletedPart last = upload(bucket, "k", uploadId, 2, PART2);
        assertS3Error(400, "EntityTooSmall", () -> complete(bucket, "k", uploadId, small, last));
    }

    /** Parts listed out of ascending order are InvalidPartOrder. */
    @Test
    void descendingPartsAreInvalidPartOrder(TestBuckets buckets) {
        String bucket = buckets.create();
        String uploadId = create(bucket, "k");
        // Both parts are 5 MiB so that the only fault is the order.
        CompletedPart p1 = upload(bucket, "k", uploadId, 1, PART1);
        CompletedPart p2 = upload(bucket, "k", uploadId, 2, PART1);
        assertS3Error(400, "InvalidPartOrder", () -> complete(bucket, "k", uploadId, p2, p1));
    }

    /** Completing an unknown upload id is NoSuchUpload. */
    @Test
    void completeUnknownUploadIsNoSuchUpload(TestBuckets buckets) {
        String bucket = buckets.create();
        String uploadId = create(bucket, "k");
        s3.abortMultipartUpload(b -> b.bucket(bucket).key("k").uploadId(uploadId));
        assertS3Error(404, "NoSuchUpload", () -> complete(bucket, "k", uploadId,
                CompletedPart.builder().partNumber(1).eTag(Bytes.etag(PART2)).build()));
    }

    /** ceph: test_multipart_copy_small / test_multipart_copy_special_names with x-amz-copy-source-range. */
    @Test
    void uploadPartCopyWithRanges(TestBuckets buckets) {
        String bucket = buckets.create();
        byte[] source = Bytes.random(6 * MIB + 17, 3);
        s3.putObject(b -> b.bucket(bucket).key("src"), RequestBody.fromBytes(source));
        String uploadId = create(bucket, "dst");
        UploadPartCopyResponse c1 = s3.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey("src")
                .destinationBucket(bucket).destinationKey("dst").uploadId(uploadId).partNumber(1)
                .copySourceRange("bytes=0-" + (5 * MIB - 1)));
        UploadPartCopyResponse c2 = s3.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey("src")
                .destinationBucket(bucket).destinationKey("dst").uploadId(uploadId).partNumber(2)
                .copySourceRange("bytes=" + 5 * MIB + "-" + (source.length - 1)));
        byte[] first = java.util.Arrays.copyOfRange(source, 0, 5 * MIB);
        byte[] rest = java.util.Arrays.copyOfRange(source, 5 * MIB, source.length);
        assertEquals(Bytes.etag(first), c1.copyPartResult().eTag());
        assertEquals(Bytes.etag(rest), c2.copyPartResult().eTag());
        complete(bucket, "dst", uploadId,
                CompletedPart.builder().partNumber(1).eTag(c1.copyPartResult().eTag()).build(),
                CompletedPart.builder().partNumber(2).eTag(c2.copyPartResult().eTag()).build());
        assertArrayEquals(source, s3.getObjectAsBytes(b -> b.bucket(bucket).key("dst")).asByteArray());

        String another = create(bucket, "dst2");
        assertS3Error(400, "InvalidArgument", () -> s3.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey("src")
                .destinationBucket(bucket).destinationKey("dst2").uploadId(another).partNumber(1)
                .copySourceRange("bytes=0-" + source.length)));
    }

    /** 64 MiB through SDK v1's TransferManager: a multipart upload of 8 MiB parts, then a download. */
    @Test
    void sdkV1TransferManager64MiB(TestBuckets buckets, @TempDir Path dir) throws Exception {
        String bucket = buckets.create();
        Path file = randomFile(dir.resolve("up.bin"), 64 * MIB, 64);
        AmazonS3 v1 = Clients.v1(gateway);
        TransferManager tm = Clients.v1TransferManager(v1);
        try {
            tm.upload(bucket, "big", file.toFile()).waitForCompletion();
            assertTrue(s3.headObject(b -> b.bucket(bucket).key("big")).eTag().endsWith("-8\""), "went multipart");
            Path down = dir.resolve("down.bin");
            tm.download(bucket, "big", down.toFile()).waitForCompletion();
            assertEquals(md5(file), md5(down));
        } finally {
            tm.shutdownNow(true);
        }
    }

    /** 64 MiB through SDK v2's S3TransferManager (multipart upload and download). */
    @Test
    void sdkV2TransferManager64MiB(TestBuckets buckets, @TempDir Path dir) throws Exception {
        String bucket = buckets.create();
        Path file = randomFile(dir.resolve("up.bin"), 64 * MIB, 65);
        try (S3AsyncClient async = Clients.v2AsyncMultipart(gateway);
                S3TransferManager tm = Clients.v2TransferManager(async)) {
            tm.uploadFile(u -> u.putObjectRequest(p -> p.bucket(bucket).key("big")).source(file))
                    .completionFuture().join();
            assertTrue(s3.headObject(b -> b.bucket(bucket).key("big")).eTag().endsWith("-8\""), "went multipart");
            Path down = dir.resolve("down.bin");
            tm.downloadFile(d -> d.getObjectRequest(g -> g.bucket(bucket).key("big")).destination(down))
                    .completionFuture().join();
            assertEquals(md5(file), md5(down));
        }
    }

    static Path randomFile(Path file, int size, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] block = new byte[MIB];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int written = 0; written < size; written += block.length) {
                random.nextBytes(block);
                out.write(block, 0, Math.min(block.length, size - written));
            }
        }
        return file;
    }

    static String md5(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("MD5");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}

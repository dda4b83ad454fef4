package dev.dualkey.compat.s3;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.ListObjectsRequest;
import com.amazonaws.services.s3.model.ObjectListing;
import com.amazonaws.services.s3.model.S3ObjectSummary;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.RawS3;
import dev.dualkey.compat.TestBuckets;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/** ListObjects (v1), ListObjectsV2 and ListObjectVersions: order, prefixes, delimiters, pagination, encoding. */
@ExtendWith(GatewayExtension.class)
class ListTest {

    /** 1,105 keys: more than one 1,000-key page. Shared read-only by the pagination tests. */
    private static final int MANY = 1105;
    private static final List<String> TREE = List.of("a.txt", "dir/x", "dir/y", "dir/sub/z", "dir2/w", "e");

    private static S3Client s3;
    private static AmazonS3 v1;
    private static RawS3 raw;
    private static String manyKeys;
    private static String tree;

    @BeforeAll
    static void fill(GatewayEndpoint gw, TestBuckets classBuckets) {
        s3 = Clients.v2(gw);
        v1 = Clients.v1(gw);
        raw = new RawS3(gw);
        manyKeys = classBuckets.create();
        try (S3AsyncClient async = Clients.v2Async(gw)) {
            // Keys k00000..k01104, written 32 at a time: the async client keeps this to a few seconds.
            List<String> keys = IntStream.range(0, MANY).mapToObj(ListTest::manyKey).toList();
            for (int i = 0; i < keys.size(); i += 32) {
                CompletableFuture.allOf(keys.subList(i, Math.min(keys.size(), i + 32)).stream()
                        .map(k -> async.putObject(b -> b.bucket(manyKeys).key(k), AsyncRequestBody.fromString(k)))
                        .toArray(CompletableFuture[]::new)).join();
            }
        }
        tree = classBuckets.create();
        TREE.forEach(k -> s3.putObject(b -> b.bucket(tree).key(k), RequestBody.fromString(k)));
    }

    @AfterAll
    static void close() {
        s3.close();
        v1.shutdown();
        raw.close();
    }

    private static String manyKey(int i) {
        return String.format(Locale.ROOT, "k%05d", i);
    }

    /** ceph: test_bucket_listv2_many / test_bucket_list_many (paginators follow continuation tokens). */
    @Test
    void v2PaginatorWalksAllKeysInOrder() {
        List<ListObjectsV2Response> pages = s3.listObjectsV2Paginator(b -> b.bucket(manyKeys)).stream().toList();
        assertEquals(2, pages.size());
        assertEquals(1000, pages.get(0).keyCount());
        assertTrue(pages.get(0).isTruncated());
        assertEquals(MANY - 1000, pages.get(1).keyCount());
        assertFalse(pages.get(1).isTruncated());
        List<String> keys = pages.stream().flatMap(p -> p.contents().stream()).map(S3Object::key).toList();
        assertEquals(IntStream.range(0, MANY).mapToObj(ListTest::manyKey).toList(), keys);
    }

    /** ceph: test_bucket_listv2_maxkeys_one / test_bucket_listv2_startafter_*. */
    @Test
    void v2MaxKeysAndStartAfter() {
        ListObjectsV2Response page = s3.listObjectsV2(b -> b.bucket(manyKeys).maxKeys(3).startAfter(manyKey(10)));
        assertEquals(List.of(manyKey(11), manyKey(12), manyKey(13)), page.contents().stream().map(S3Object::key).toList());
        assertEquals(3, page.keyCount());
        assertEquals(3, page.maxKeys());
        assertTrue(page.isTruncated());
        ListObjectsV2Response next = s3.listObjectsV2(b -> b.bucket(manyKeys).maxKeys(2)
                .continuationToken(page.nextContinuationToken()));
        assertEquals(List.of(manyKey(14), manyKey(15)), next.contents().stream().map(S3Object::key).toList());
    }

    /** ceph: test_bucket_list_many (SDK v1 marker pagination with listNextBatchOfObjects). */
    @Test
    void v1MarkerPaginationWalksAllKeys() {
        List<String> keys = new ArrayList<>();
        ObjectListing listing = v1.listObjects(new ListObjectsRequest().withBucketName(manyKeys).withMaxKeys(400));
        int pages = 1;
        listing.getObjectSummaries().forEach(s -> keys.add(s.getKey()));
        while (listing.isTruncated()) {
            listing = v1.listNextBatchOfObjects(listing);
            listing.getObjectSummaries().forEach(s -> keys.add(s.getKey()));
            pages++;
        }
        assertEquals(3, pages);
        assertEquals(IntStream.range(0, MANY).mapToObj(ListTest::manyKey).toList(), keys);
    }

    /** ceph: test_bucket_list_delimiter_basic / test_bucket_listv2_delimiter_basic. */
    @Test
    void delimiterGroupsCommonPrefixes() {
        ListObjectsV2Response v2 = s3.listObjectsV2(b -> b.bucket(tree).delimiter("/"));
        assertEquals(List.of("a.txt", "e"), v2.contents().stream().map(S3Object::key).toList());
        assertEquals(List.of("dir/", "dir2/"), v2.commonPrefixes().stream().map(CommonPrefix::prefix).toList());
        assertEquals(4, v2.keyCount(), "KeyCount counts keys and common prefixes");

        ObjectListing v1Listing = v1.listObjects(new ListObjectsRequest().withBucketName(tree).withDelimiter("/"));
        assertEquals(List.of("a.txt", "e"), v1Listing.getObjectSummaries().stream().map(S3ObjectSummary::getKey).toList());
        assertEquals(List.of("dir/", "dir2/"), v1Listing.getCommonPrefixes());
    }

    /** ceph: test_bucket_list_delimiter_prefix / test_bucket_listv2_prefix_delimiter_basic. */
    @Test
    void prefixWithDelimiter() {
        ListObjectsV2Response v2 = s3.listObjectsV2(b -> b.bucket(tree).prefix("dir/").delimiter("/"));
        assertEquals(List.of("dir/x", "dir/y"), v2.contents().stream().map(S3Object::key).toList());
        assertEquals(List.of("dir/sub/"), v2.commonPrefixes().stream().map(CommonPrefix::prefix).toList());
        assertEquals("dir/", v2.prefix());

        ListObjectsV2Response noDelimiter = s3.listObjectsV2(b -> b.bucket(tree).prefix("dir"));
        assertEquals(List.of("dir/sub/z", "dir/x", "dir/y", "dir2/w"),
                noDelimiter.contents().stream().map(S3Object::key).toList());
    }

    /** ceph: test_bucket_list_delimiter_prefix (v1: NextMarker is set when a delimiter is used). */
    @Test
    void v1DelimiterPaginationUsesNextMarker() {
        ListObjectsResponse first = s3.listObjects(b -> b.bucket(tree).delimiter("/").maxKeys(2));
        assertTrue(first.isTruncated());
        assertEquals(List.of("a.txt"), first.contents().stream().map(S3Object::key).toList());
        assertEquals(List.of("dir/"), first.commonPrefixes().stream().map(CommonPrefix::prefix).toList());
        assertEquals("dir/", first.nextMarker());
        ListObjectsResponse second = s3.listObjects(b -> b.bucket(tree).delimiter("/").maxKeys(2).marker(first.nextMarker()));
        assertEquals(List.of("e"), second.contents().stream().map(S3Object::key).toList());
        assertEquals(List.of("dir2/"), second.commonPrefixes().stream().map(CommonPrefix::prefix).toList());
        assertFalse(second.isTruncated());
    }

    /** Listing details: size, ETag and StorageClass of each entry. */
    @Test
    void entriesCarrySizeEtagAndStorageClass() {
        S3Object entry = s3.listObjectsV2(b -> b.bucket(tree).prefix("a.txt")).contents().get(0);
        assertEquals(5L, entry.size());
        assertEquals(dev.dualkey.compat.Bytes.etag("a.txt".getBytes(StandardCharsets.UTF_8)), entry.eTag());
        assertEquals("STANDARD", entry.storageClassAsString());
    }

    /** ceph: test_bucket_list_return_data (missing bucket). */
    @Test
    void listingMissingBucketIs404(TestBuckets buckets) {
        String missing = buckets.newName();
        assertS3Error(404, "NoSuchBucket", () -> s3.listObjectsV2(b -> b.bucket(missing)));
        assertS3Error(404, "NoSuchBucket", () -> s3.listObjects(b -> b.bucket(missing)));
        assertS3Error(404, "NoSuchBucket", () -> s3.listObjectVersions(b -> b.bucket(missing)));
    }

    /** A max-keys that is not a number is InvalidArgument. */
    @Test
    void nonNumericMaxKeysIsInvalidArgument() {
        RawS3.Response response = raw.request("GET", "/" + tree).query("list-type", "2").query("max-keys", "lots").send();
        assertEquals(400, response.status(), response::bodyText);
        assertEquals("InvalidArgument", response.errorCode());
    }

    /**
     * ceph: test_bucket_list_encoding_basic / test_bucket_listv2_encoding_basic. With encoding-type=url, keys,
     * prefixes and delimiters come back URL-encoded (read raw: SDK v2 decodes them silently), and the SDK
     * returns the original keys.
     */
    @Test
    void encodingTypeUrl(TestBuckets buckets) {
        String bucket = buckets.create();
        List<String> keys = List.of("a b/c+d", "caf\u00e9%/x", "tab\tchar");
        keys.forEach(k -> s3.putObject(b -> b.bucket(bucket).key(k), RequestBody.fromString(k)));

        RawS3.Response response = raw.request("GET", "/" + bucket).query("list-type", "2")
                .query("encoding-type", "url").send();
        assertEquals(200, response.status(), response::bodyText);
        assertEquals("url", response.xmlText("EncodingType").orElse(null));
        List<String> wireKeys = response.xmlTexts("Key");
        assertEquals(3, wireKeys.size());
        for (String wireKey : wireKeys) {
            assertTrue(wireKey.chars().allMatch(c -> c > 0x20 && c < 0x7f), () -> "not URL-encoded: " + wireKey);
        }
        assertEquals(keys.stream().sorted().toList(), wireKeys.stream()
                .map(k -> URLDecoder.decode(k, StandardCharsets.UTF_8)).sorted().toList());

        ListObjectsV2Response sdk = s3.listObjectsV2(b -> b.bucket(bucket).encodingType(EncodingType.URL).delimiter("/"));
        assertEquals(List.of("a b/", "caf\u00e9%/"), sdk.commonPrefixes().stream().map(CommonPrefix::prefix).toList());
        assertEquals(List.of("tab\tchar"), sdk.contents().stream().map(S3Object::key).toList());
    }

    /** ceph: test_versioning_obj_list_marker / test_bucket_list_versions_* (pagination with key and version markers). */
    @Test
    void listObjectVersionsPaginates(TestBuckets buckets) {
        String bucket = buckets.createVersioned();
        List<String> versionIds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String body = "v" + i;
            versionIds.add(s3.putObject(b -> b.bucket(bucket).key("obj"), RequestBody.fromString(body)).versionId());
        }
        s3.putObject(b -> b.bucket(bucket).key("other/x"), RequestBody.fromString("x"));

        List<ListObjectVersionsResponse> pages = s3.listObjectVersionsPaginator(b -> b.bucket(bucket).maxKeys(2)).stream().toList();
        assertEquals(2, pages.size());
        assertTrue(pages.get(0).isTruncated());
        assertEquals("obj", pages.get(0).nextKeyMarker());
        assertEquals(versionIds.get(1), pages.get(0).nextVersionIdMarker());
        List<String> listed = pages.stream().flatMap(p -> p.versions().stream()).map(v -> v.key() + "@" + v.versionId()).toList();
        // Keys in order; within a key newest first.
        assertEquals(List.of("obj@" + versionIds.get(2), "obj@" + versionIds.get(1), "obj@" + versionIds.get(0)),
                listed.subList(0, 3));
        assertTrue(listed.get(3).startsWith("other/x@"));

        ListObjectVersionsResponse grouped = s3.listObjectVersions(b -> b.bucket(bucket).delimiter("/"));
        assertEquals(List.of("other/"), grouped.commonPrefixes().stream().map(CommonPrefix::prefix).toList());
        assertEquals(3, grouped.versions().size());
        assertNull(grouped.nextKeyMarker());
    }
}

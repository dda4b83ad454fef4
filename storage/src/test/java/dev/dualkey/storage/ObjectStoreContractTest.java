package dev.dualkey.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.error.BadDigestException;
import dev.dualkey.storage.error.BucketAlreadyExistsException;
import dev.dualkey.storage.error.BucketAlreadyOwnedByYouException;
import dev.dualkey.storage.error.BucketNotEmptyException;
import dev.dualkey.storage.error.EntityTooSmallException;
import dev.dualkey.storage.error.IncompleteBodyException;
import dev.dualkey.storage.error.InvalidArgumentException;
import dev.dualkey.storage.error.InvalidBucketNameException;
import dev.dualkey.storage.error.InvalidChecksumException;
import dev.dualkey.storage.error.InvalidPartException;
import dev.dualkey.storage.error.InvalidPartOrderException;
import dev.dualkey.storage.error.InvalidRangeException;
import dev.dualkey.storage.error.KeyTooLongException;
import dev.dualkey.storage.error.MethodNotAllowedException;
import dev.dualkey.storage.error.NoSuchBucketException;
import dev.dualkey.storage.error.NoSuchKeyException;
import dev.dualkey.storage.error.NoSuchUploadException;
import dev.dualkey.storage.error.NoSuchVersionException;
import dev.dualkey.storage.error.PreconditionFailedException;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.ByteRange;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import dev.dualkey.storage.model.CompletedPart;
import dev.dualkey.storage.model.CopyResult;
import dev.dualkey.storage.model.DeleteOutcome;
import dev.dualkey.storage.model.ListObjectsPage;
import dev.dualkey.storage.model.ListObjectsQuery;
import dev.dualkey.storage.model.ListPartsPage;
import dev.dualkey.storage.model.ListUploadsPage;
import dev.dualkey.storage.model.ListVersionsPage;
import dev.dualkey.storage.model.ListVersionsQuery;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.MultipartUpload;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.PartCopyResult;
import dev.dualkey.storage.model.PartInfo;
import dev.dualkey.storage.model.VersioningState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ObjectStore} must have (S3 semantics). Subclasses provide a fresh, empty store.
 */
public abstract class ObjectStoreContractTest {
    protected static final String OWNER = "111122223333";
    protected static final String OTHER = "444455556666";
    protected static final int MIB = 1024 * 1024;

    protected ObjectStore store;

    /**
     * The store's clock, which subclasses must give to the store they open: the system clock plus whatever a test
     * added with {@link ShiftedClock#advance} (Object Lock tests move time past a retain-until date).
     */
    protected final ShiftedClock clock = new ShiftedClock();

    /** The system clock moved forward by a test. */
    protected static final class ShiftedClock extends java.time.Clock {
        private volatile java.time.Duration shift = java.time.Duration.ZERO;

        public void advance(java.time.Duration d) {
            shift = shift.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.now().plus(shift);
        }
    }

    /** A new, empty store for one test. */
    protected abstract ObjectStore newStore() throws Exception;

    /** Size above which the implementation stores data outside its metadata store (to exercise both paths). */
    protected abstract int largeObjectSize();

    /** True when large data is served as file regions (zero-copy); false when stored encrypted. */
    protected boolean servesZeroCopy() {
        return true;
    }

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    protected ObjectVersion put(String bucket, String key, byte[] data) {
        try (ObjectWriter w = store.newObjectWriter(bucket, key, ObjectMetadata.empty(), WriteOptions.defaults())) {
            w.write(ByteBuffer.wrap(data));
            return w.commit(Expectations.none().withContentLength(data.length));
        }
    }

    protected ObjectVersion put(String bucket, String key, String text) {
        return put(bucket, key, text.getBytes(StandardCharsets.UTF_8));
    }

    protected byte[] get(String bucket, String key, String versionId) {
        try (ObjectReader r = store.openObject(bucket, key, versionId); InputStream in = r.openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    protected String getText(String bucket, String key, String versionId) {
        return new String(get(bucket, key, versionId), StandardCharsets.UTF_8);
    }

    protected static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    protected static String md5Hex(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    protected String bucket(VersioningState state) {
        String name = "bucket-" + Long.toHexString(System.nanoTime());
        store.createBucket(name, OWNER, "us-east-1");
        if (state != VersioningState.UNVERSIONED) {
            store.updateBucket(name, c -> c.withVersioning(VersioningState.ENABLED));
            if (state == VersioningState.SUSPENDED) {
                store.updateBucket(name, c -> c.withVersioning(VersioningState.SUSPENDED));
            }
        }
        return name;
    }

    private List<ObjectVersion> allVersions(String bucket) {
        return store.listObjectVersions(bucket, new ListVersionsQuery("", null, null, null, 1000)).versions();
    }

    // ---- buckets -------------------------------------------------------------------------------------------

    @Nested
    class Buckets {
        @Test
        void createHeadListAndDelete() {
            BucketInfo b = store.createBucket("photos.example-1", OWNER, "eu-west-1");
            assertEquals(OWNER, b.ownerAccountId());
            assertEquals("eu-west-1", b.region());
            assertEquals(VersioningState.UNVERSIONED, b.versioning());
            assertEquals(MfaDeleteState.NEVER_CONFIGURED, b.mfaDelete());
            store.createBucket("aaa", OWNER, "us-east-1");
            store.createBucket("zzz", OTHER, "us-east-1");
            assertEquals(List.of("aaa", "photos.example-1"),
                    store.listBuckets(OWNER).stream().map(BucketInfo::name).toList());
            assertEquals(b.creationDate(), store.headBucket("photos.example-1").creationDate());
            store.deleteBucket("aaa");
            assertThrows(NoSuchBucketException.class, () -> store.headBucket("aaa"));
            assertThrows(NoSuchBucketException.class, () -> store.deleteBucket("aaa"));
        }

        @Test
        void allBucketsOfEveryAccountInPages() {
            store.createBucket("bbb", OWNER, "us-east-1");
            store.createBucket("aaa", OTHER, "us-east-1");
            store.createBucket("ccc", OWNER, "us-east-1");
            assertEquals(List.of("aaa", "bbb"),
                    store.listAllBuckets(null, 2).stream().map(BucketInfo::name).toList());
            assertEquals(List.of("ccc"), store.listAllBuckets("bbb", 2).stream().map(BucketInfo::name).toList());
            assertEquals(List.of(), store.listAllBuckets("ccc", 2));
        }

        @Test
        void namesFollowS3Rules() {
            for (String bad : List.of("ab", "a".repeat(64), "Upper", "under_score", "-start", "end-", "a..b",
                    "192.168.1.1", "xn--abc", "bucket-s3alias", "sp ace")) {
                assertThrows(InvalidBucketNameException.class, () -> store.createBucket(bad, OWNER, "us-east-1"),
                        bad);
            }
            store.createBucket("a.b-c1", OWNER, "us-east-1");
            store.createBucket("a".repeat(63), OWNER, "us-east-1");
        }

        @Test
        void nameTakenBySelfOrOther() {
            store.createBucket("shared-name", OWNER, "us-east-1");
            assertThrows(BucketAlreadyOwnedByYouException.class,
                    () -> store.createBucket("shared-name", OWNER, "us-east-1"));
            assertThrows(BucketAlreadyExistsException.class,
                    () -> store.createBucket("shared-name", OTHER, "us-east-1"));
        }

        @Test
        void deleteRefusedWhileVersionsMarkersOrUploadsRemain() {
            String b = bucket(VersioningState.ENABLED);
            ObjectVersion v = put(b, "k", "x");
            DeleteOutcome marker = store.deleteObject(b, "k", null);
            assertThrows(BucketNotEmptyException.class, () -> store.deleteBucket(b));
            store.deleteObject(b, "k", v.versionId());
            assertThrows(BucketNotEmptyException.class, () -> store.deleteBucket(b), "marker left");
            store.deleteObject(b, "k", marker.versionId());
            MultipartUpload up = store.createMultipartUpload(b, "m", ObjectMetadata.empty(), WriteOptions.defaults());
            assertThrows(BucketNotEmptyException.class, () -> store.deleteBucket(b), "upload left");
            store.abortMultipartUpload(b, "m", up.uploadId());
            store.deleteBucket(b);
        }

        @Test
        void updatesAreAtomicAndNeverLost() throws Exception {
            String b = bucket(VersioningState.UNVERSIONED);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String tag = "t" + i;
                fs.add(pool.submit(() -> store.updateBucket(b, c -> {
                    Map<String, String> tags = new java.util.LinkedHashMap<>(c.tags());
                    tags.put(tag, "v");
                    return c.withTags(tags);
                })));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            pool.shutdown();
            assertEquals(64, store.headBucket(b).config().tags().size());
        }

        @Test
        void versioningAndMfaDeleteStates() {
            String b = bucket(VersioningState.UNVERSIONED);
            BucketInfo i = store.updateBucket(b, c -> c.withVersioning(VersioningState.ENABLED)
                    .withMfaDelete(MfaDeleteState.ENABLED));
            assertEquals(VersioningState.ENABLED, i.versioning());
            assertEquals(MfaDeleteState.ENABLED, store.headBucket(b).mfaDelete());
            assertThrows(InvalidArgumentException.class,
                    () -> store.updateBucket(b, c -> c.withVersioning(VersioningState.UNVERSIONED)));
            assertEquals(VersioningState.SUSPENDED,
                    store.updateBucket(b, c -> c.withVersioning(VersioningState.SUSPENDED)).versioning());
            assertThrows(NoSuchBucketException.class, () -> store.updateBucket("no-such-bucket", c -> c));
        }
    }

    // ---- versioning semantics ------------------------------------------------------------------------------

    @Nested
    class Unversioned {
        @Test
        void keepsOneNullVersionPerKey() {
            String b = bucket(VersioningState.UNVERSIONED);
            ObjectVersion v1 = put(b, "k", "one");
            ObjectVersion v2 = put(b, "k", "two");
            assertEquals("null", v1.versionId());
            assertEquals("null", v2.versionId());
            assertEquals("two", getText(b, "k", null));
            assertEquals("two", getText(b, "k", "null"));
            List<ObjectVersion> all = allVersions(b);
            assertEquals(1, all.size());
            assertTrue(all.get(0).latest());
            assertEquals(3, all.get(0).size());
        }

        @Test
        void deleteRemovesWithoutMarker() {
            String b = bucket(VersioningState.UNVERSIONED);
            put(b, "k", "one");
            DeleteOutcome d = store.deleteObject(b, "k", null);
            assertFalse(d.deleteMarker());
            assertTrue(d.existed());
            NoSuchKeyException e = assertThrows(NoSuchKeyException.class, () -> store.headObject(b, "k", null));
            assertTrue(e.deleteMarkerVersionId().isEmpty());
            assertTrue(allVersions(b).isEmpty());
            assertFalse(store.deleteObject(b, "k", null).existed(), "deleting twice succeeds");
        }
    }

    @Nested
    class Enabled {
        @Test
        void everyPutAddsAVersionNewestFirst() {
            String b = bucket(VersioningState.ENABLED);
            ObjectVersion v1 = put(b, "k", "one");
            ObjectVersion v2 = put(b, "k", "two");
            ObjectVersion v3 = put(b, "k", "three");
            assertEquals(3, Set.of(v1.versionId(), v2.versionId(), v3.versionId()).size());
            assertTrue(v1.versionId().matches("[A-Za-z0-9._-]{1,64}"), "URL-safe id: " + v1.versionId());
            assertEquals("three", getText(b, "k", null));
            assertEquals("one", getText(b, "k", v1.versionId()));
            List<ObjectVersion> all = allVersions(b);
            assertEquals(List.of(v3.versionId(), v2.versionId(), v1.versionId()),
                    all.stream().map(ObjectVersion::versionId).toList());
            assertEquals(List.of(true, false, false), all.stream().map(ObjectVersion::latest).toList());
            assertFalse(store.headObject(b, "k", v1.versionId()).latest());
            assertTrue(store.headObject(b, "k", v3.versionId()).latest());
        }

        @Test
        void deleteAddsMarkerThatHidesTheKeyAndCanBeRemoved() {
            String b = bucket(VersioningState.ENABLED);
            ObjectVersion v1 = put(b, "k", "one");
            DeleteOutcome d = store.deleteObject(b, "k", null);
            assertTrue(d.deleteMarker());
            assertTrue(d.markerCreated());
            assertNotEquals("null", d.versionId());
            NoSuchKeyException e = assertThrows(NoSuchKeyException.class, () -> store.openObject(b, "k", null));
            assertEquals(d.versionId(), e.deleteMarkerVersionId().orElseThrow());
            MethodNotAllowedException m = assertThrows(MethodNotAllowedException.class,
                    () -> store.headObject(b, "k", d.versionId()));
            assertEquals(d.versionId(), m.versionId());
            assertEquals("one", getText(b, "k", v1.versionId()), "older versions stay readable");
            assertTrue(store.listObjects(b, new ListObjectsQuery("", null, null, 1000)).contents().isEmpty());
            List<ObjectVersion> all = allVersions(b);
            assertTrue(all.get(0).deleteMarker());
            assertTrue(all.get(0).latest());
            DeleteOutcome undo = store.deleteObject(b, "k", d.versionId());
            assertTrue(undo.deleteMarker(), "removing a marker reports x-amz-delete-marker");
            assertFalse(undo.markerCreated());
            assertEquals("one", getText(b, "k", null), "previous version promoted");
            assertEquals(1, store.listObjects(b, new ListObjectsQuery("", null, null, 1000)).contents().size());
        }

        @Test
        void deletingLatestVersionPromotesNextNewest() {
            String b = bucket(VersioningState.ENABLED);
            ObjectVersion v1 = put(b, "k", "one");
            ObjectVersion v2 = put(b, "k", "two");
            DeleteOutcome d = store.deleteObject(b, "k", v2.versionId());
            assertEquals(v2.versionId(), d.versionId());
            assertFalse(d.deleteMarker());
            assertEquals("one", getText(b, "k", null));
            assertTrue(store.headObject(b, "k", v1.versionId()).latest());
            assertThrows(NoSuchVersionException.class, () -> store.headObject(b, "k", v2.versionId()));
            store.deleteObject(b, "k", v1.versionId());
            assertThrows(NoSuchKeyException.class, () -> store.headObject(b, "k", null));
            assertTrue(allVersions(b).isEmpty());
        }

        @Test
        void deletingOlderVersionKeepsLatest() {
            String b = bucket(VersioningState.ENABLED);
            ObjectVersion v1 = put(b, "k", "one");
            put(b, "k", "two");
            store.deleteObject(b, "k", v1.versionId());
            assertEquals("two", getText(b, "k", null));
            assertEquals(1, allVersions(b).size());
        }

        @Test
        void unknownAndMalformedVersionIds() {
            String b = bucket(VersioningState.ENABLED);
            ObjectVersion v = put(b, "k", "one");
            store.deleteObject(b, "k", v.versionId());
            assertThrows(NoSuchVersionException.class, () -> store.openObject(b, "k", v.versionId()));
            assertThrows(InvalidArgumentException.class, () -> store.openObject(b, "k", "not-a-version"));
            assertThrows(InvalidArgumentException.class, () -> store.deleteObject(b, "k", "not-a-version"));
            assertFalse(store.deleteObject(b, "k", v.versionId()).existed());
        }

        @Test
        void nullVersionFromBeforeEnablingIsKept() {
            String b = bucket(VersioningState.UNVERSIONED);
            put(b, "k", "old");
            store.updateBucket(b, c -> c.withVersioning(VersioningState.ENABLED));
            ObjectVersion v = put(b, "k", "new");
            assertEquals(List.of(v.versionId(), "null"), allVersions(b).stream().map(ObjectVersion::versionId).toList());
            assertEquals("old", getText(b, "k", "null"));
        }

        @Test
        void concurrentPutsToOneKeyEachGetAVersionAndLastCommitWins() throws Exception {
            String b = bucket(VersioningState.ENABLED);
            int threads = 8;
            int each = 10;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            ConcurrentLinkedQueue<ObjectVersion> done = new ConcurrentLinkedQueue<>();
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int tt = t;
                fs.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        done.add(put(b, "hot", "t" + tt + "-" + i));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : fs) {
                f.get();
            }
            pool.shutdown();
            List<ObjectVersion> all = allVersions(b);
            assertEquals(threads * each, all.size());
            assertEquals(threads * each, done.stream().map(ObjectVersion::versionId).distinct().count());
            // the listing's newest is the current object, and it is the greatest-commit-time version
            ObjectVersion newest = all.get(0);
            assertEquals(newest.versionId(), store.headObject(b, "hot", null).versionId());
            for (int i = 1; i < all.size(); i++) {
                assertFalse(all.get(i).lastModified().isAfter(all.get(i - 1).lastModified()));
            }
        }
    }

    @Nested
    class Suspended {

        @Test
        void deletePreconditionSeesTheBucketAndCanRefuseLeavingNothingChanged() {
            String b = bucket(VersioningState.SUSPENDED);
            put(b, "k", "null version");
            java.util.List<BucketInfo> seen = new java.util.ArrayList<>();
            assertThrows(InvalidArgumentException.class, () -> store.deleteObject(b, "k", null, info -> {
                seen.add(info);
                throw new InvalidArgumentException("refused by precondition");
            }));
            assertEquals(VersioningState.SUSPENDED, seen.get(0).versioning());
            assertEquals("null version", new String(get(b, "k", null), StandardCharsets.UTF_8),
                    "the null version survives a refused delete");
            DeleteOutcome out = store.deleteObject(b, "k", null, info -> { });
            assertTrue(out.deleteMarker());
        }
        @Test
        void putWritesNullVersionReplacingThePreviousNullOne() {
            String b = bucket(VersioningState.ENABLED);
            ObjectVersion v1 = put(b, "k", "v1");
            store.updateBucket(b, c -> c.withVersioning(VersioningState.SUSPENDED));
            ObjectVersion n1 = put(b, "k", "n1");
            ObjectVersion n2 = put(b, "k", "n2");
            assertEquals("null", n1.versionId());
            assertEquals("null", n2.versionId());
            assertEquals(List.of("null", v1.versionId()), allVersions(b).stream().map(ObjectVersion::versionId).toList());
            assertEquals("n2", getText(b, "k", null));
            assertEquals("v1", getText(b, "k", v1.versionId()));
        }

        @Test
        void deleteAddsNullMarkerRemovingNullVersion() {
            String b = bucket(VersioningState.ENABLED);
            ObjectVersion v1 = put(b, "k", "v1");
            store.updateBucket(b, c -> c.withVersioning(VersioningState.SUSPENDED));
            put(b, "k", "n1");
            DeleteOutcome d = store.deleteObject(b, "k", null);
            assertEquals("null", d.versionId());
            assertTrue(d.deleteMarker());
            List<ObjectVersion> all = allVersions(b);
            assertEquals(2, all.size());
            assertTrue(all.get(0).deleteMarker());
            assertEquals("null", all.get(0).versionId());
            assertEquals(v1.versionId(), all.get(1).versionId());
            NoSuchKeyException e = assertThrows(NoSuchKeyException.class, () -> store.headObject(b, "k", null));
            assertEquals("null", e.deleteMarkerVersionId().orElseThrow());
            store.deleteObject(b, "k", "null");
            assertEquals("v1", getText(b, "k", null), "older id promoted after removing the null marker");
        }
    }

    // ---- listing -------------------------------------------------------------------------------------------

    @Nested
    class Listing {
        @Test
        void prefixDelimiterAndCommonPrefixes() {
            String b = bucket(VersioningState.UNVERSIONED);
            for (String k : List.of("a.txt", "photos/2024/x.jpg", "photos/2024/y.jpg", "photos/2025/z.jpg",
                    "photos/readme", "videos/v.mp4", "z")) {
                put(b, k, k);
            }
            ListObjectsPage root = store.listObjects(b, new ListObjectsQuery("", "/", null, 1000));
            assertEquals(List.of("a.txt", "z"), root.contents().stream().map(ObjectVersion::key).toList());
            assertEquals(List.of("photos/", "videos/"), root.commonPrefixes());
            assertFalse(root.truncated());
            ListObjectsPage photos = store.listObjects(b, new ListObjectsQuery("photos/", "/", null, 1000));
            assertEquals(List.of("photos/readme"), photos.contents().stream().map(ObjectVersion::key).toList());
            assertEquals(List.of("photos/2024/", "photos/2025/"), photos.commonPrefixes());
            ListObjectsPage flat = store.listObjects(b, new ListObjectsQuery("photos/2024", null, null, 1000));
            assertEquals(2, flat.contents().size());
            assertTrue(flat.commonPrefixes().isEmpty());
        }

        @Test
        void paginationWithMarkersVisitsEverythingOnce() {
            String b = bucket(VersioningState.UNVERSIONED);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                put(b, "k" + i, "x");
                expected.add("k" + i);
            }
            for (int i = 0; i < 3; i++) {
                put(b, "dir" + i + "/f", "x");
            }
            List<String> seen = new ArrayList<>();
            String marker = null;
            int pages = 0;
            do {
                ListObjectsPage p = store.listObjects(b, new ListObjectsQuery("", "/", marker, 3));
                assertTrue(p.contents().size() + p.commonPrefixes().size() <= 3);
                p.commonPrefixes().forEach(seen::add);
                p.contents().forEach(v -> seen.add(v.key()));
                marker = p.nextMarker();
                pages++;
                if (!p.truncated()) {
                    assertNull(p.nextMarker());
                    break;
                }
            } while (pages < 10);
            assertEquals(List.of("dir0/", "dir1/", "dir2/", "k0", "k1", "k2", "k3", "k4", "k5", "k6"), seen.stream().sorted().toList());
            assertEquals(10, seen.size());
            assertEquals(4, pages);
        }

        @Test
        void startAfterAndMaxKeysZero() {
            String b = bucket(VersioningState.UNVERSIONED);
            put(b, "a", "x");
            put(b, "b", "x");
            put(b, "c", "x");
            assertEquals(List.of("c"), store.listObjects(b, new ListObjectsQuery("", null, "b", 1000)).contents()
                    .stream().map(ObjectVersion::key).toList());
            assertEquals(List.of("b", "c"), store.listObjects(b, new ListObjectsQuery("", null, "a0", 1000))
                    .contents().stream().map(ObjectVersion::key).toList());
            ListObjectsPage zero = store.listObjects(b, new ListObjectsQuery("", null, null, 0));
            assertTrue(zero.contents().isEmpty());
            assertThrows(InvalidArgumentException.class, () -> new ListObjectsQuery("", null, null, 1001));
            assertThrows(InvalidArgumentException.class, () -> new ListObjectsQuery("", null, null, -1));
        }

        @Test
        void utf8ByteOrderNotUtf16Order() {
            String b = bucket(VersioningState.UNVERSIONED);
            String bmpPrivate = "\uE000";                  // UTF-8 EE 80 80
            String emoji = new String(Character.toChars(0x1F600)); // UTF-8 F0 9F 98 80, UTF-16 D83D...
            String withNul = "a\u0000b";
            for (String k : List.of(emoji, bmpPrivate, "a", withNul, "ab", "a/b")) {
                put(b, k, "x");
            }
            List<String> keys = store.listObjects(b, new ListObjectsQuery("", null, null, 1000)).contents().stream()
                    .map(ObjectVersion::key).toList();
            assertEquals(List.of("a", withNul, "a/b", "ab", bmpPrivate, emoji), keys);
            assertEquals("x", getText(b, withNul, null));
        }

        @Test
        void versionListingPagesWithKeyAndVersionMarkers() {
            String b = bucket(VersioningState.ENABLED);
            for (int i = 0; i < 4; i++) {
                put(b, "a", "a" + i);
                put(b, "b", "b" + i);
            }
            store.deleteObject(b, "b", null);
            put(b, "dir/x", "x");
            List<ObjectVersion> full = store.listObjectVersions(b, new ListVersionsQuery("", null, null, null, 1000))
                    .versions();
            assertEquals(10, full.size());
            List<ObjectVersion> paged = new ArrayList<>();
            String km = null;
            String vm = null;
            while (true) {
                ListVersionsPage p = store.listObjectVersions(b, new ListVersionsQuery("", null, km, vm, 3));
                paged.addAll(p.versions());
                if (!p.truncated()) {
                    break;
                }
                km = p.nextKeyMarker();
                vm = p.nextVersionIdMarker();
            }
            assertEquals(full, paged);
            assertEquals(List.of(true, false, false, false, true, false, false, false, false, true),
                    full.stream().map(ObjectVersion::latest).toList());
            assertTrue(full.get(4).deleteMarker());
            ListVersionsPage withDelim = store.listObjectVersions(b, new ListVersionsQuery("", "/", null, null, 1000));
            assertEquals(List.of("dir/"), withDelim.commonPrefixes());
            assertEquals(9, withDelim.versions().size());
            ListVersionsPage afterA = store.listObjectVersions(b, new ListVersionsQuery("", null, "a", null, 1000));
            assertEquals("b", afterA.versions().get(0).key());
            assertThrows(InvalidArgumentException.class, () -> new ListVersionsQuery("", null, null, "x", 10));
        }
    }

    // ---- data ----------------------------------------------------------------------------------------------

    @Nested
    class Data {
        @Test
        void rangedReadsOfSmallAndLargeObjects() throws Exception {
            String b = bucket(VersioningState.UNVERSIONED);
            for (int size : List.of(10, largeObjectSize() + 12345)) {
                byte[] data = random(size, size);
                ObjectVersion v = put(b, "obj" + size, data);
                assertEquals(md5Hex(data), v.etag());
                assertEquals('"' + md5Hex(data) + '"', v.quotedEtag());
                try (ObjectReader r = store.openObject(b, "obj" + size, null)) {
                    long[] a = ByteRange.parse("bytes=2-5").resolve(size);
                    assertArrayEquals(java.util.Arrays.copyOfRange(data, 2, 6), r.openStream(a[0], a[1]).readAllBytes());
                    long[] s = ByteRange.parse("bytes=-3").resolve(size);
                    assertArrayEquals(java.util.Arrays.copyOfRange(data, size - 3, size),
                            r.openStream(s[0], s[1]).readAllBytes());
                    long[] f = ByteRange.parse("bytes=7-").resolve(size);
                    assertArrayEquals(java.util.Arrays.copyOfRange(data, 7, size), r.openStream(f[0], f[1]).readAllBytes());
                    long[] clip = ByteRange.parse("bytes=8-999999999").resolve(size);
                    assertEquals(size - 8, clip[1]);
                    assertThrows(InvalidRangeException.class, () -> ByteRange.fromTo(size, size + 1).resolve(size));
                    long total = r.read(0, size).stream().mapToLong(DataSegment::length).sum();
                    assertEquals(size, total);
                    if (size > largeObjectSize() && servesZeroCopy()) {
                        assertTrue(r.read(0, size).get(0) instanceof DataSegment.FileRegion, "large data zero-copy");
                    }
                }
            }
        }

        @Test
        void emptyObject() {
            String b = bucket(VersioningState.UNVERSIONED);
            ObjectVersion v = put(b, "empty", new byte[0]);
            assertEquals("d41d8cd98f00b204e9800998ecf8427e", v.etag());
            assertEquals(0, get(b, "empty", null).length);
        }

        @Test
        void metadataIsStoredPerVersion() {
            String b = bucket(VersioningState.ENABLED);
            ObjectMetadata meta = ObjectMetadata.builder().contentType("text/plain").contentEncoding("gzip")
                    .contentDisposition("attachment").contentLanguage("en").cacheControl("no-cache")
                    .expires("Thu, 01 Dec 2094 16:00:00 GMT").userMetadata("zeta", "1").userMetadata("alpha", "2")
                    .storageClass("STANDARD").build();
            try (ObjectWriter w = store.newObjectWriter(b, "k", meta, WriteOptions.defaults().withOwner(OTHER))) {
                w.write(ByteBuffer.wrap(new byte[] {1}));
                w.commit(Expectations.none());
            }
            ObjectVersion v = store.headObject(b, "k", null);
            assertEquals(meta, v.metadata());
            assertEquals(List.of("zeta", "alpha"), List.copyOf(v.metadata().userMetadata().keySet()));
            assertEquals(OTHER, v.ownerAccountId());
            put(b, "k", "plain");
            assertEquals(meta, store.headObject(b, "k", v.versionId()).metadata());
        }

        @Test
        void checksumsAreComputedVerifiedAndStored() throws Exception {
            String b = bucket(VersioningState.UNVERSIONED);
            byte[] data = "hello world".getBytes(StandardCharsets.UTF_8);
            CRC32 crc = new CRC32();
            crc.update(data);
            String crc32 = Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
            String sha256 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(data));
            WriteOptions opts = WriteOptions.defaults().withChecksums(Set.of(ChecksumAlgorithm.CRC32,
                    ChecksumAlgorithm.SHA256, ChecksumAlgorithm.CRC64NVME)).withSha256(true);
            ObjectVersion v;
            try (ObjectWriter w = store.newObjectWriter(b, "k", ObjectMetadata.empty(), opts)) {
                w.write(ByteBuffer.wrap(data));
                assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), w.sha256());
                assertArrayEquals(MessageDigest.getInstance("MD5").digest(data), w.md5());
                assertEquals(crc32, w.checksum(ChecksumAlgorithm.CRC32).orElseThrow());
                // trailer values arrive after the body: given only at commit
                v = w.commit(Expectations.none().withChecksum(ChecksumAlgorithm.CRC32, crc32)
                        .withChecksum(ChecksumAlgorithm.SHA256, sha256));
            }
            assertEquals(crc32, v.checksums().get(ChecksumAlgorithm.CRC32));
            assertEquals(sha256, store.headObject(b, "k", null).checksums().get(ChecksumAlgorithm.SHA256));
            assertEquals(3, v.checksums().size());
        }

        @Test
        void failedVerificationPublishesNothing() {
            String b = bucket(VersioningState.ENABLED);
            byte[] data = random(largeObjectSize() + 10, 3);
            try (ObjectWriter w = store.newObjectWriter(b, "k", ObjectMetadata.empty(),
                    WriteOptions.defaults().withChecksums(Set.of(ChecksumAlgorithm.CRC32C)))) {
                w.write(ByteBuffer.wrap(data));
                assertThrows(InvalidChecksumException.class, () -> w.commit(Expectations.none()
                        .withChecksum(ChecksumAlgorithm.CRC32C, "AAAAAA==")));
                assertThrows(IllegalStateException.class, () -> w.write(ByteBuffer.wrap(data)), "aborted");
            }
            try (ObjectWriter w = store.newObjectWriter(b, "k", ObjectMetadata.empty(), WriteOptions.defaults())) {
                w.write(ByteBuffer.wrap(data));
                assertThrows(BadDigestException.class, () -> w.commit(Expectations.none().withContentMd5(new byte[16])));
            }
            try (ObjectWriter w = store.newObjectWriter(b, "k", ObjectMetadata.empty(), WriteOptions.defaults())) {
                w.write(ByteBuffer.wrap(data));
                assertThrows(IncompleteBodyException.class,
                        () -> w.commit(Expectations.none().withContentLength(data.length + 1L)));
            }
            try (ObjectWriter w = store.newObjectWriter(b, "k", ObjectMetadata.empty(), WriteOptions.defaults())) {
                w.write(ByteBuffer.wrap(data));
                // closed without commit
            }
            assertTrue(allVersions(b).isEmpty());
            assertThrows(NoSuchKeyException.class, () -> store.headObject(b, "k", null));
        }

        @Test
        void badKeysAndBuckets() {
            String b = bucket(VersioningState.UNVERSIONED);
            assertThrows(KeyTooLongException.class, () -> store.newObjectWriter(b, "k".repeat(1025),
                    ObjectMetadata.empty(), WriteOptions.defaults()));
            assertThrows(KeyTooLongException.class, () -> store.newObjectWriter(b, "\u00e9".repeat(513),
                    ObjectMetadata.empty(), WriteOptions.defaults()), "limit is in UTF-8 bytes");
            put(b, "k".repeat(1024), "ok");
            assertThrows(InvalidArgumentException.class, () -> store.newObjectWriter(b, "",
                    ObjectMetadata.empty(), WriteOptions.defaults()));
            assertThrows(NoSuchBucketException.class, () -> store.newObjectWriter("no-such-bucket", "k",
                    ObjectMetadata.empty(), WriteOptions.defaults()));
            assertThrows(NoSuchBucketException.class, () -> store.listObjects("no-such-bucket",
                    new ListObjectsQuery("", null, null, 10)));
        }

        @Test
        void readerIsPinnedAgainstConcurrentDelete() throws Exception {
            String b = bucket(VersioningState.UNVERSIONED);
            byte[] data = random(largeObjectSize() * 2, 9);
            put(b, "k", data);
            try (ObjectReader r = store.openObject(b, "k", null)) {
                store.deleteObject(b, "k", null);
                put(b, "k", "replaced");
                assertArrayEquals(data, r.openStream().readAllBytes());
            }
            assertEquals("replaced", getText(b, "k", null));
        }

        @Test
        void conditionalWrites() {
            String b = bucket(VersioningState.UNVERSIONED);
            ObjectVersion v = put(b, "k", "x");
            try (ObjectWriter w = store.newObjectWriter(b, "k", ObjectMetadata.empty(),
                    WriteOptions.defaults().withIfNoneMatchAny(true))) {
                w.write(ByteBuffer.wrap(new byte[] {1}));
                assertThrows(PreconditionFailedException.class, () -> w.commit(Expectations.none()));
            }
            try (ObjectWriter w = store.newObjectWriter(b, "k", ObjectMetadata.empty(),
                    WriteOptions.defaults().withIfMatchEtag(v.quotedEtag()))) {
                w.write(ByteBuffer.wrap(new byte[] {2}));
                w.commit(Expectations.none());
            }
            assertArrayEquals(new byte[] {2}, get(b, "k", null));
        }

        @Test
        void copyObjectCopiesOrReplacesMetadata() {
            String b = bucket(VersioningState.ENABLED);
            byte[] data = random(largeObjectSize() + 1, 5);
            ObjectMetadata meta = ObjectMetadata.builder().contentType("image/png").build();
            ObjectVersion src;
            try (ObjectWriter w = store.newObjectWriter(b, "src", meta, WriteOptions.defaults())) {
                w.write(ByteBuffer.wrap(data));
                src = w.commit(Expectations.none());
            }
            put(b, "src", "newer");
            CopyResult c = store.copyObject(b, "src", src.versionId(), b, "dst", null, WriteOptions.defaults());
            assertEquals(src.versionId(), c.source().versionId());
            assertEquals(src.etag(), c.created().etag());
            assertEquals("image/png", store.headObject(b, "dst", null).metadata().contentType());
            assertArrayEquals(data, get(b, "dst", null));
            store.copyObject(b, "dst", null, b, "dst", ObjectMetadata.builder().contentType("a/b").build(),
                    WriteOptions.defaults());
            assertEquals("a/b", store.headObject(b, "dst", null).metadata().contentType());
            assertArrayEquals(data, get(b, "dst", null));
        }
    }

    // ---- multipart -----------------------------------------------------------------------------------------

    @Nested
    class Multipart {
        private PartInfo part(String b, String k, String up, int n, byte[] data) {
            try (PartWriter w = store.newPartWriter(b, k, up, n)) {
                w.write(ByteBuffer.wrap(data));
                return w.commit(Expectations.none().withContentLength(data.length));
            }
        }

        @Test
        void completeByManifestWithMultipartEtagAndRangedRead() throws Exception {
            String b = bucket(VersioningState.ENABLED);
            MultipartUpload up = store.createMultipartUpload(b, "big", ObjectMetadata.builder()
                    .contentType("application/zip").build(), WriteOptions.defaults());
            byte[] p1 = random(5 * MIB, 1);
            byte[] p2 = random(1000, 2);
            PartInfo i1 = part(b, "big", up.uploadId(), 1, p1);
            PartInfo i2 = part(b, "big", up.uploadId(), 2, p2);
            assertEquals(md5Hex(p1), i1.etag());
            ObjectVersion v = store.completeMultipartUpload(b, "big", up.uploadId(),
                    List.of(new CompletedPart(1, '"' + i1.etag() + '"'), new CompletedPart(2, i2.etag())));
            MessageDigest md = MessageDigest.getInstance("MD5");
            md.update(HexFormat.of().parseHex(i1.etag()));
            md.update(HexFormat.of().parseHex(i2.etag()));
            assertEquals(HexFormat.of().formatHex(md.digest()) + "-2", v.etag());
            assertEquals(2, v.partsCount());
            assertEquals(p1.length + p2.length, v.size());
            assertEquals("application/zip", store.headObject(b, "big", null).metadata().contentType());
            try (ObjectReader r = store.openObject(b, "big", null)) {
                byte[] across = r.openStream(p1.length - 10, 20).readAllBytes();
                byte[] want = new byte[20];
                System.arraycopy(p1, p1.length - 10, want, 0, 10);
                System.arraycopy(p2, 0, want, 10, 10);
                assertArrayEquals(want, across);
                assertEquals(2, r.read(p1.length - 10, 20).size());
            }
            assertThrows(NoSuchUploadException.class, () -> store.completeMultipartUpload(b, "big", up.uploadId(),
                    List.of(new CompletedPart(1, i1.etag()))));
            assertTrue(store.listMultipartUploads(b, null, null, null, null, 1000).uploads().isEmpty());
        }

        @Test
        void completeValidatesThePartList() {
            String b = bucket(VersioningState.UNVERSIONED);
            MultipartUpload up = store.createMultipartUpload(b, "k", ObjectMetadata.empty(), WriteOptions.defaults());
            PartInfo small = part(b, "k", up.uploadId(), 1, random(100, 1));
            PartInfo last = part(b, "k", up.uploadId(), 2, random(100, 2));
            assertThrows(InvalidPartOrderException.class, () -> store.completeMultipartUpload(b, "k", up.uploadId(),
                    List.of(new CompletedPart(2, last.etag()), new CompletedPart(1, small.etag()))));
            assertThrows(InvalidPartException.class, () -> store.completeMultipartUpload(b, "k", up.uploadId(),
                    List.of(new CompletedPart(1, "0".repeat(32)))));
            assertThrows(InvalidPartException.class, () -> store.completeMultipartUpload(b, "k", up.uploadId(),
                    List.of(new CompletedPart(3, last.etag()))));
            assertThrows(EntityTooSmallException.class, () -> store.completeMultipartUpload(b, "k", up.uploadId(),
                    List.of(new CompletedPart(1, small.etag()), new CompletedPart(2, last.etag()))));
            // a single small part is fine: the last part has no minimum
            ObjectVersion v = store.completeMultipartUpload(b, "k", up.uploadId(),
                    List.of(new CompletedPart(2, last.etag())));
            assertEquals(100, v.size());
            assertTrue(v.etag().endsWith("-1"));
            assertEquals("null", v.versionId());
        }

        @Test
        void partNumbersUploadsAndReplacement() {
            String b = bucket(VersioningState.UNVERSIONED);
            MultipartUpload up = store.createMultipartUpload(b, "k", ObjectMetadata.empty(), WriteOptions.defaults());
            assertThrows(InvalidArgumentException.class, () -> store.newPartWriter(b, "k", up.uploadId(), 0));
            assertThrows(InvalidArgumentException.class, () -> store.newPartWriter(b, "k", up.uploadId(), 10001));
            assertThrows(NoSuchUploadException.class, () -> store.newPartWriter(b, "k", "0".repeat(32), 1));
            assertThrows(NoSuchUploadException.class, () -> store.newPartWriter(b, "other", up.uploadId(), 1));
            part(b, "k", up.uploadId(), 10000, random(10, 1));
            part(b, "k", up.uploadId(), 3, random(10, 2));
            PartInfo replaced = part(b, "k", up.uploadId(), 3, random(20, 3));
            ListPartsPage all = store.listParts(b, "k", up.uploadId(), 0, 1000);
            assertEquals(List.of(3, 10000), all.parts().stream().map(PartInfo::partNumber).toList());
            assertEquals(replaced.etag(), all.parts().get(0).etag());
            assertEquals(20, all.parts().get(0).size());
            ListPartsPage first = store.listParts(b, "k", up.uploadId(), 0, 1);
            assertTrue(first.truncated());
            assertEquals(3, first.nextPartNumberMarker());
            ListPartsPage second = store.listParts(b, "k", up.uploadId(), 3, 1);
            assertEquals(10000, second.parts().get(0).partNumber());
            assertFalse(second.truncated());
            store.abortMultipartUpload(b, "k", up.uploadId());
            assertThrows(NoSuchUploadException.class, () -> store.listParts(b, "k", up.uploadId(), 0, 10));
            assertThrows(NoSuchUploadException.class, () -> store.abortMultipartUpload(b, "k", up.uploadId()));
        }

        @Test
        void listUploadsWithMarkersAndDelimiter() {
            String b = bucket(VersioningState.UNVERSIONED);
            MultipartUpload a1 = store.createMultipartUpload(b, "a", ObjectMetadata.empty(), WriteOptions.defaults());
            MultipartUpload a2 = store.createMultipartUpload(b, "a", ObjectMetadata.empty(), WriteOptions.defaults());
            MultipartUpload c = store.createMultipartUpload(b, "c", ObjectMetadata.empty(), WriteOptions.defaults());
            store.createMultipartUpload(b, "d/x", ObjectMetadata.empty(), WriteOptions.defaults());
            ListUploadsPage p1 = store.listMultipartUploads(b, "", "/", null, null, 2);
            assertEquals(List.of(a1.uploadId(), a2.uploadId()), p1.uploads().stream().map(MultipartUpload::uploadId).toList());
            assertTrue(p1.truncated());
            ListUploadsPage p2 = store.listMultipartUploads(b, "", "/", p1.nextKeyMarker(), p1.nextUploadIdMarker(), 2);
            assertEquals(List.of(c.uploadId()), p2.uploads().stream().map(MultipartUpload::uploadId).toList());
            assertEquals(List.of("d/"), p2.commonPrefixes());
            assertFalse(p2.truncated());
            assertEquals(1, store.listMultipartUploads(b, "", null, "a", null, 10).uploads().stream()
                    .filter(u -> u.key().equals("c")).count());
        }

        @Test
        void uploadPartCopyWithRange() throws Exception {
            String b = bucket(VersioningState.UNVERSIONED);
            byte[] src = random(largeObjectSize() + 100, 4);
            ObjectVersion sv = put(b, "src", src);
            MultipartUpload up = store.createMultipartUpload(b, "dst", ObjectMetadata.empty(), WriteOptions.defaults());
            PartCopyResult r = store.uploadPartCopy(b, "dst", up.uploadId(), 1, b, "src", null, ByteRange.fromTo(10, 109));
            assertEquals(sv.versionId(), r.source().versionId());
            assertEquals(100, r.part().size());
            assertThrows(InvalidRangeException.class, () -> store.uploadPartCopy(b, "dst", up.uploadId(), 2, b, "src",
                    null, ByteRange.fromTo(0, src.length)));
            store.completeMultipartUpload(b, "dst", up.uploadId(), List.of(new CompletedPart(1, r.part().etag())));
            assertArrayEquals(java.util.Arrays.copyOfRange(src, 10, 110), get(b, "dst", null));
        }
    }

    // ---- publish checks (MFA Delete's D9 runs inside the publish) -------------------------------------------

    @Nested
    class PublishChecks {
        /** Records what each publish saw; refuses when told to. */
        private final List<Boolean> seen = new java.util.ArrayList<>();
        private boolean refuse;

        private PublishCheck check() {
            return (bucket, replacesNull) -> {
                assertNotNull(bucket);
                seen.add(replacesNull);
                if (refuse) {
                    throw new IllegalStateException("refused");
                }
            };
        }

        private ObjectVersion putChecked(String b, String key, String text) {
            byte[] data = text.getBytes(StandardCharsets.UTF_8);
            try (ObjectWriter w = store.newObjectWriter(b, key, ObjectMetadata.empty(), WriteOptions.defaults(),
                    check())) {
                w.write(ByteBuffer.wrap(data));
                return w.commit(Expectations.none().withContentLength(data.length));
            }
        }

        @Test
        void aPutSaysWhetherItReplacesTheNullVersionAndARefusalPublishesNothing() {
            String b = bucket(VersioningState.SUSPENDED);
            putChecked(b, "k", "one");
            putChecked(b, "k", "two");
            assertEquals(List.of(false, true), seen);
            refuse = true;
            assertThrows(IllegalStateException.class, () -> putChecked(b, "k", "three"));
            assertEquals("two", getText(b, "k", null));
            assertEquals(1, allVersions(b).size());
            assertThrows(IllegalStateException.class, () -> putChecked(b, "big", new String(new char[300_000])));
        }

        @Test
        void aNullDeleteMarkerCountsAndEnabledBucketsNeverReplace() {
            String s = bucket(VersioningState.SUSPENDED);
            put(s, "k", "one");
            store.deleteObject(s, "k", null); // a null delete marker replaces it
            putChecked(s, "k", "two");
            String e = bucket(VersioningState.ENABLED);
            putChecked(e, "k", "one");
            putChecked(e, "k", "two");
            assertEquals(List.of(true, false, false), seen);
        }

        @Test
        void copyAndCompleteMultipartUploadRunTheCheckAtomicallyWithTheirPublish() throws Exception {
            String b = bucket(VersioningState.SUSPENDED);
            put(b, "k", "original");
            put(b, "src", "copied");
            refuse = true;
            assertThrows(IllegalStateException.class,
                    () -> store.copyObject(b, "src", null, b, "k", null, WriteOptions.defaults(), check()));
            MultipartUpload up = store.createMultipartUpload(b, "k", ObjectMetadata.empty(), WriteOptions.defaults());
            PartInfo part;
            try (PartWriter w = store.newPartWriter(b, "k", up.uploadId(), 1)) {
                w.write(ByteBuffer.wrap("mp".getBytes(StandardCharsets.UTF_8)));
                part = w.commit(Expectations.none());
            }
            List<CompletedPart> parts = List.of(new CompletedPart(1, part.etag()));
            assertThrows(IllegalStateException.class,
                    () -> store.completeMultipartUpload(b, "k", up.uploadId(), parts, check()));
            assertEquals("original", getText(b, "k", null));
            refuse = false;
            store.completeMultipartUpload(b, "k", up.uploadId(), parts, check()); // the upload is still there
            assertEquals("mp", getText(b, "k", null));
            assertEquals(List.of(true, true, true), seen);
        }
    }

    // ---- per-version metadata and bucket sub-resources ---------------------------------------------------------

    @Nested
    class Attributes {
        @Test
        void updateObjectMetadataChangesOneVersionAndKeepsItsData() {
            String b = bucket(VersioningState.ENABLED);
            ObjectVersion v1 = put(b, "k", "one");
            ObjectVersion v2 = put(b, "k", "two");
            ObjectVersion changed = store.updateObjectMetadata(b, "k", v1.versionId(),
                    m -> m.toBuilder().attribute("acl", "doc-1").build());
            assertEquals(v1.versionId(), changed.versionId());
            assertEquals(v1.etag(), changed.etag());
            assertFalse(changed.latest());
            assertEquals("doc-1", store.headObject(b, "k", v1.versionId()).metadata().attribute("acl"));
            assertNull(store.headObject(b, "k", v2.versionId()).metadata().attribute("acl"));
            assertEquals("one", getText(b, "k", v1.versionId()));

            // the latest version: the listing of current objects sees the change too
            store.updateObjectMetadata(b, "k", null, m -> m.toBuilder().tags(Map.of("t", "v")).build());
            assertEquals(Map.of("t", "v"), store.headObject(b, "k", null).metadata().tags());
            assertEquals("two", getText(b, "k", null));
            assertEquals(v2.etag(), store.headObject(b, "k", null).etag());
        }

        @Test
        void updateObjectMetadataRefusalChangesNothing() {
            String b = bucket(VersioningState.ENABLED);
            ObjectVersion v = put(b, "k", "one");
            assertThrows(InvalidArgumentException.class, () -> store.updateObjectMetadata(b, "k", v.versionId(),
                    m -> {
                        throw new InvalidArgumentException("refused");
                    }));
            assertTrue(store.headObject(b, "k", v.versionId()).metadata().attributes().isEmpty());
        }

        @Test
        void updateObjectMetadataAddressesLikeHeadObject() {
            String b = bucket(VersioningState.ENABLED);
            put(b, "k", "one");
            String marker = store.deleteObject(b, "k", null).versionId();
            assertThrows(NoSuchKeyException.class, () -> store.updateObjectMetadata(b, "k", null, m -> m));
            assertThrows(MethodNotAllowedException.class,
                    () -> store.updateObjectMetadata(b, "k", marker, m -> m));
            assertThrows(NoSuchKeyException.class, () -> store.updateObjectMetadata(b, "absent", null, m -> m));
        }

        @Test
        void bucketSubresourcesAreSetReplacedAndRemoved() {
            String b = bucket(VersioningState.UNVERSIONED);
            assertNull(store.headBucket(b).config().subresource("cors"));
            store.updateBucket(b, c -> c.withSubresource("cors", "<a/>").withSubresource("acl", "<b/>"));
            assertEquals("<a/>", store.headBucket(b).config().subresource("cors"));
            store.updateBucket(b, c -> c.withSubresource("cors", null));
            assertNull(store.headBucket(b).config().subresource("cors"));
            assertEquals("<b/>", store.headBucket(b).config().subresource("acl"));
        }
    }

    // ---- Object Lock: enforced by the store itself ---------------------------------------------------------------

    @Nested
    class ObjectLock {
        private ObjectVersion putLocked(String b, String key, String mode, java.time.Duration left, boolean hold) {
            ObjectMetadata m = ObjectMetadata.builder()
                    .retention(mode, mode == null ? null : clock.instant().plus(left)).legalHold(hold).build();
            try (ObjectWriter w = store.newObjectWriter(b, key, m, WriteOptions.defaults())) {
                w.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                return w.commit(Expectations.none().withContentLength(3));
            }
        }

        private String lockBucket() {
            String name = "lock-" + Long.toHexString(System.nanoTime());
            store.createBucket(name, OWNER, "us-east-1", dev.dualkey.storage.model.BucketConfig.initial()
                    .withVersioning(VersioningState.ENABLED).withObjectLockEnabled(true));
            return name;
        }

        @Test
        void complianceVersionCannotBeDeletedBeforeItsDateEvenWithBypassAndCanAfter() {
            String b = lockBucket();
            ObjectVersion v = putLocked(b, "k", "COMPLIANCE", java.time.Duration.ofDays(1), false);
            dev.dualkey.storage.error.ObjectLockedException e = assertThrows(
                    dev.dualkey.storage.error.ObjectLockedException.class,
                    () -> store.deleteObject(b, "k", v.versionId()));
            assertEquals(dev.dualkey.storage.error.ObjectLockedException.Reason.COMPLIANCE, e.reason());
            assertThrows(dev.dualkey.storage.error.ObjectLockedException.class, () -> store.deleteObject(b, "k",
                    v.versionId(), dev.dualkey.storage.retention.RetentionBypass.GOVERNANCE, x -> { }));
            assertEquals(v.etag(), store.headObject(b, "k", v.versionId()).etag(), "still there");
            clock.advance(java.time.Duration.ofDays(1).plusSeconds(1));
            assertTrue(store.deleteObject(b, "k", v.versionId()).existed());
            assertThrows(NoSuchVersionException.class, () -> store.headObject(b, "k", v.versionId()));
        }

        @Test
        void governanceVersionNeedsTheBypass() {
            String b = lockBucket();
            ObjectVersion v = putLocked(b, "k", "GOVERNANCE", java.time.Duration.ofHours(1), false);
            dev.dualkey.storage.error.ObjectLockedException e = assertThrows(
                    dev.dualkey.storage.error.ObjectLockedException.class,
                    () -> store.deleteObject(b, "k", v.versionId()));
            assertEquals(dev.dualkey.storage.error.ObjectLockedException.Reason.GOVERNANCE, e.reason());
            assertTrue(store.deleteObject(b, "k", v.versionId(), dev.dualkey.storage.retention.RetentionBypass
                    .GOVERNANCE, x -> { }).existed());
        }

        @Test
        void legalHoldBlocksEvenWithBypassUntilTurnedOff() {
            String b = lockBucket();
            ObjectVersion v = putLocked(b, "k", null, null, true);
            dev.dualkey.storage.error.ObjectLockedException e = assertThrows(
                    dev.dualkey.storage.error.ObjectLockedException.class, () -> store.deleteObject(b, "k",
                            v.versionId(), dev.dualkey.storage.retention.RetentionBypass.GOVERNANCE, x -> { }));
            assertEquals(dev.dualkey.storage.error.ObjectLockedException.Reason.LEGAL_HOLD, e.reason());
            store.updateObjectMetadata(b, "k", v.versionId(), m -> m.toBuilder().legalHold(false).build());
            assertTrue(store.deleteObject(b, "k", v.versionId()).existed());
        }

        @Test
        void plainDeleteAddsAMarkerAndMarkersAreNeverProtected() {
            String b = lockBucket();
            ObjectVersion v = putLocked(b, "k", "COMPLIANCE", java.time.Duration.ofDays(1), true);
            DeleteOutcome plain = store.deleteObject(b, "k", null);
            assertTrue(plain.markerCreated());
            assertTrue(store.deleteObject(b, "k", plain.versionId()).existed(), "a marker is not WORM");
            assertEquals(v.etag(), store.headObject(b, "k", null).etag());
        }

        @Test
        void retentionChangesFollowTheModes() {
            String b = lockBucket();
            java.time.Instant now = clock.instant();
            ObjectVersion c = putLocked(b, "c", "COMPLIANCE", java.time.Duration.ofHours(2), false);
            java.time.Instant cUntil = store.headObject(b, "c", c.versionId()).metadata().retainUntil();
            // extend: allowed
            store.updateObjectMetadata(b, "c", c.versionId(),
                    m -> m.toBuilder().retention("COMPLIANCE", cUntil.plusSeconds(3600)).build());
            java.time.Instant extended = cUntil.plusSeconds(3600);
            for (dev.dualkey.storage.retention.RetentionBypass bypass
                    : dev.dualkey.storage.retention.RetentionBypass.values()) {
                assertThrows(dev.dualkey.storage.error.ObjectLockedException.class, () -> store.updateObjectMetadata(
                        b, "c", c.versionId(), bypass, m -> m.toBuilder().retention("COMPLIANCE",
                                extended.minusSeconds(1)).build()), "shorten");
                assertThrows(dev.dualkey.storage.error.ObjectLockedException.class, () -> store.updateObjectMetadata(
                        b, "c", c.versionId(), bypass, m -> m.toBuilder().retention("GOVERNANCE", extended)
                                .build()), "to governance");
                assertThrows(dev.dualkey.storage.error.ObjectLockedException.class, () -> store.updateObjectMetadata(
                        b, "c", c.versionId(), bypass, m -> m.toBuilder().retention(null, null).build()), "remove");
            }
            assertEquals(extended, store.headObject(b, "c", c.versionId()).metadata().retainUntil());
            // a tag update cannot drop retention by building metadata from scratch
            assertThrows(dev.dualkey.storage.error.ObjectLockedException.class, () -> store.updateObjectMetadata(
                    b, "c", c.versionId(), m -> ObjectMetadata.builder().tags(Map.of("a", "b")).build()));
            store.updateObjectMetadata(b, "c", c.versionId(), m -> m.toBuilder().tags(Map.of("a", "b")).build());

            ObjectVersion g = putLocked(b, "g", "GOVERNANCE", java.time.Duration.ofHours(2), false);
            java.time.Instant gUntil = store.headObject(b, "g", g.versionId()).metadata().retainUntil();
            assertThrows(dev.dualkey.storage.error.ObjectLockedException.class, () -> store.updateObjectMetadata(
                    b, "g", g.versionId(), m -> m.toBuilder().retention("GOVERNANCE", now.plusSeconds(60)).build()));
            assertThrows(dev.dualkey.storage.error.ObjectLockedException.class, () -> store.updateObjectMetadata(
                    b, "g", g.versionId(), m -> m.toBuilder().retention("COMPLIANCE", gUntil).build()));
            store.updateObjectMetadata(b, "g", g.versionId(), dev.dualkey.storage.retention.RetentionBypass
                    .GOVERNANCE, m -> m.toBuilder().retention(null, null).build());
            assertNull(store.headObject(b, "g", g.versionId()).metadata().retentionMode());
            assertTrue(store.deleteObject(b, "g", g.versionId()).existed());
        }

        @Test
        void aLockBucketKeepsVersioningEnabled() {
            String b = lockBucket();
            dev.dualkey.storage.error.InvalidBucketStateException e = assertThrows(
                    dev.dualkey.storage.error.InvalidBucketStateException.class,
                    () -> store.updateBucket(b, c -> c.withVersioning(VersioningState.SUSPENDED)));
            assertTrue(e.getMessage().startsWith("An Object Lock configuration is present"));
            assertEquals(VersioningState.ENABLED, store.headBucket(b).versioning());
            assertThrows(InvalidArgumentException.class, () -> store.updateBucket(b,
                    c -> c.withObjectLockEnabled(false)));
            String suspended = bucket(VersioningState.SUSPENDED);
            assertThrows(dev.dualkey.storage.error.InvalidBucketStateException.class,
                    () -> store.updateBucket(suspended, c -> c.withObjectLockEnabled(true)));
            String enabled = bucket(VersioningState.ENABLED);
            assertTrue(store.updateBucket(enabled, c -> c.withObjectLockEnabled(true)).config().objectLockEnabled());
        }

        @Test
        void expiredRetentionProtectsNothing() {
            String b = lockBucket();
            ObjectVersion v = putLocked(b, "k", "COMPLIANCE", java.time.Duration.ofMinutes(1), false);
            clock.advance(java.time.Duration.ofMinutes(2));
            store.updateObjectMetadata(b, "k", v.versionId(), m -> m.toBuilder().retention(null, null).build());
            assertTrue(store.deleteObject(b, "k", v.versionId()).existed());
        }

        @Test
        void aProtectedNullVersionIsNeitherReplacedNorDeleted() {
            // Retention on a null version (possible when a formerly suspended bucket gets Object Lock later); the
            // store refuses whatever would replace or remove it, also if versioning got suspended by any path.
            String b = bucket(VersioningState.SUSPENDED);
            ObjectVersion v = putLocked(b, "k", "GOVERNANCE", java.time.Duration.ofHours(1), false);
            assertEquals(ObjectVersion.NULL_VERSION_ID, v.versionId());
            assertThrows(dev.dualkey.storage.error.ObjectLockedException.class, () -> put(b, "k", "over"));
            assertThrows(dev.dualkey.storage.error.ObjectLockedException.class,
                    () -> store.deleteObject(b, "k", null), "the null marker would replace it");
            assertThrows(dev.dualkey.storage.error.ObjectLockedException.class,
                    () -> store.copyObject(b, "k", null, b, "k", null, WriteOptions.defaults()));
            MultipartUpload up = store.createMultipartUpload(b, "k", ObjectMetadata.empty(), WriteOptions.defaults());
            PartInfo part;
            try (PartWriter w = store.newPartWriter(b, "k", up.uploadId(), 1)) {
                w.write(ByteBuffer.wrap(new byte[] {9}));
                part = w.commit(Expectations.none());
            }
            PartInfo p1 = part;
            assertThrows(dev.dualkey.storage.error.ObjectLockedException.class, () -> store.completeMultipartUpload(
                    b, "k", up.uploadId(), List.of(new CompletedPart(1, p1.etag()))));
            assertArrayEquals(new byte[] {1, 2, 3}, get(b, "k", null));
            clock.advance(java.time.Duration.ofHours(2));
            put(b, "k", "over");
            assertEquals("over", getText(b, "k", null));
        }

        @Test
        void unversionedProtectedVersionIsNotDeleted() {
            String b = bucket(VersioningState.UNVERSIONED);
            putLocked(b, "k", null, null, true);
            assertThrows(dev.dualkey.storage.error.ObjectLockedException.class,
                    () -> store.deleteObject(b, "k", null));
            assertThrows(dev.dualkey.storage.error.ObjectLockedException.class, () -> put(b, "k", "over"));
        }

        @Test
        void deleteRacingARetentionUpdateNeverRemovesTheVersion() throws Exception {
            // The guard and the removal share the key's lock: a delete racing a retention update (which rewrites the
            // version record) always sees the retention, before or after the update, and is refused.
            String b = lockBucket();
            for (int i = 0; i < 20; i++) {
                ObjectVersion v = putLocked(b, "k" + i, "GOVERNANCE", java.time.Duration.ofHours(1), false);
                String key = "k" + i;
                CountDownLatch go = new CountDownLatch(1);
                ExecutorService ex = Executors.newFixedThreadPool(2);
                try {
                    Future<Boolean> del = ex.submit(() -> {
                        go.await();
                        try {
                            return store.deleteObject(b, key, v.versionId()).existed();
                        } catch (dev.dualkey.storage.error.ObjectLockedException locked) {
                            return false;
                        }
                    });
                    Future<?> extend = ex.submit(() -> {
                        go.await();
                        return store.updateObjectMetadata(b, key, v.versionId(), m -> m.toBuilder()
                                .retention("GOVERNANCE", m.retainUntil().plusSeconds(60)).build());
                    });
                    go.countDown();
                    extend.get();
                    assertFalse(del.get(), "a version under retention was deleted");
                    assertEquals(v.etag(), store.headObject(b, key, v.versionId()).etag());
                } finally {
                    ex.shutdownNow();
                }
            }
        }
    }
}

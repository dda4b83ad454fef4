package dev.dualkey.compat.lock;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.RawS3;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.TaggingDirective;

/**
 * Object and bucket tagging through SDK v2 against AWS's documented limits ("Categorizing your storage using tags":
 * 10 tags per object, keys up to 128 and values up to 256 Unicode characters, unique case-sensitive keys; 50 tags per
 * bucket) and AWS's errors (ceph s3-tests {@code test_put_*_tags}, {@code test_set_bucket_tagging}).
 */
class TaggingSdkV2Test {
    private static LockFixture fx;
    private static S3Client s3;

    @BeforeAll
    static void start() {
        fx = LockFixture.shared();
        s3 = fx.root;
    }


    private static Map<String, String> tags(String b, String k, String versionId) {
        return s3.getObjectTagging(r -> r.bucket(b).key(k).versionId(versionId)).tagSet().stream()
                .collect(Collectors.toMap(Tag::key, Tag::value, (x, y) -> x, TreeMap::new));
    }

    private static List<Tag> tagList(int n, int keyChars, int valueChars) {
        List<Tag> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = Integer.toString(i, 36); // distinct, allowed characters
            String key = id + "k".repeat(Math.max(0, keyChars - id.length()));
            out.add(Tag.builder().key(key).value("v".repeat(valueChars)).build());
        }
        return out;
    }

    @Test
    void objectTagsRoundTripPerVersionAndCountOnGetAndHead() {
        String b = fx.lockBucket();
        String v1 = s3.putObject(r -> r.bucket(b).key("k").tagging("foo=bar&bar"), RequestBody.fromString("1"))
                .versionId();
        assertEquals(new TreeMap<>(Map.of("bar", "", "foo", "bar")), tags(b, "k", v1));
        RawS3.Response head = new RawS3(fx.gw).request("HEAD", "/" + b + "/k").send();
        assertEquals("2", head.header("x-amz-tagging-count").orElse(null), "HEAD has the count too (s3-tests)");
        assertEquals(2, s3.getObjectAsBytes(r -> r.bucket(b).key("k")).response().tagCount());
        String v2 = fx.put(b, "k", "2");
        assertNull(s3.getObjectAsBytes(r -> r.bucket(b).key("k")).response().tagCount());
        // Put replaces the whole set, of the named version only
        var put = s3.putObjectTagging(r -> r.bucket(b).key("k").versionId(v1).tagging(t -> t.tagSet(
                Tag.builder().key("only").value("one").build())));
        assertEquals(v1, put.versionId());
        assertEquals(Map.of("only", "one"), tags(b, "k", v1));
        assertTrue(tags(b, "k", v2).isEmpty());
        var del = s3.deleteObjectTagging(r -> r.bucket(b).key("k").versionId(v1));
        assertEquals(v1, del.versionId());
        assertTrue(tags(b, "k", v1).isEmpty());
        // a delete marker has no tags: 405 by version id
        String marker = s3.deleteObject(r -> r.bucket(b).key("k")).versionId();
        assertS3Error(405, "MethodNotAllowed", () -> s3.getObjectTagging(r -> r.bucket(b).key("k")
                .versionId(marker)));
    }

    @Test
    void limitsAndErrorsAsAws() {
        String b = fx.plainBucket();
        fx.put(b, "k", "x");
        s3.putObjectTagging(r -> r.bucket(b).key("k").tagging(t -> t.tagSet(tagList(10, 128, 256))));
        assertEquals(10, tags(b, "k", null).size());
        S3Exception e = assertS3Error(400, "BadRequest", () -> s3.putObjectTagging(r -> r.bucket(b).key("k")
                .tagging(t -> t.tagSet(tagList(11, 1, 1)))));
        assertEquals("Object tags cannot be greater than 10", e.awsErrorDetails().errorMessage());
        e = assertS3Error(400, "InvalidTag", () -> s3.putObjectTagging(r -> r.bucket(b).key("k")
                .tagging(t -> t.tagSet(tagList(1, 129, 1)))));
        assertEquals("The TagKey you have provided is too long, max 128", e.awsErrorDetails().errorMessage());
        e = assertS3Error(400, "InvalidTag", () -> s3.putObjectTagging(r -> r.bucket(b).key("k")
                .tagging(t -> t.tagSet(tagList(1, 1, 257)))));
        assertEquals("The TagValue you have provided is too long, max 256", e.awsErrorDetails().errorMessage());
        e = assertS3Error(400, "InvalidTag", () -> s3.putObjectTagging(r -> r.bucket(b).key("k")
                .tagging(t -> t.tagSet(Tag.builder().key("d").value("1").build(),
                        Tag.builder().key("d").value("2").build()))));
        assertEquals("Cannot provide multiple Tags with the same key", e.awsErrorDetails().errorMessage());
        e = assertS3Error(400, "InvalidTag", () -> s3.putObjectTagging(r -> r.bucket(b).key("k")
                .tagging(t -> t.tagSet(Tag.builder().key("aws:x").value("1").build()))));
        assertEquals("Your TagKey cannot be prefixed with aws:", e.awsErrorDetails().errorMessage());
        assertS3Error(400, "InvalidTag", () -> s3.putObjectTagging(r -> r.bucket(b).key("k")
                .tagging(t -> t.tagSet(Tag.builder().key("a{b}").value("1").build()))));
        // Unicode letters count as one character each and are allowed
        s3.putObjectTagging(r -> r.bucket(b).key("k").tagging(t -> t.tagSet(
                Tag.builder().key("é".repeat(128)).value("日本".repeat(128)).build())));
        assertEquals(1, tags(b, "k", null).size(), "the failed puts left the last good set");
        e = assertS3Error(400, "InvalidArgument", () -> s3.putObject(r -> r.bucket(b).key("k2").tagging("a=1&a=2"),
                RequestBody.fromString("x")));
        assertEquals("The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters"
                + " without tag name duplicates.", e.awsErrorDetails().errorMessage());
        assertS3Error(400, "BadRequest", () -> s3.putObject(r -> r.bucket(b).key("k2").tagging(
                "a=1&b=1&c=1&d=1&e=1&f=1&g=1&h=1&i=1&j=1&k=1"), RequestBody.fromString("x")));
    }

    @Test
    void copyTaggingDirective() {
        String b = fx.plainBucket();
        s3.putObject(r -> r.bucket(b).key("src").tagging("a=1&b=2"), RequestBody.fromString("x"));
        s3.copyObject(r -> r.sourceBucket(b).sourceKey("src").destinationBucket(b).destinationKey("copy"));
        assertEquals(Map.of("a", "1", "b", "2"), tags(b, "copy", null));
        s3.copyObject(r -> r.sourceBucket(b).sourceKey("src").destinationBucket(b).destinationKey("replaced")
                .taggingDirective(TaggingDirective.REPLACE).tagging("c=3"));
        assertEquals(Map.of("c", "3"), tags(b, "replaced", null));
        s3.copyObject(r -> r.sourceBucket(b).sourceKey("src").destinationBucket(b).destinationKey("none")
                .taggingDirective(TaggingDirective.REPLACE));
        assertTrue(tags(b, "none", null).isEmpty());
    }

    @Test
    void multipartTaggingHeader() {
        String b = fx.plainBucket();
        String id = s3.createMultipartUpload(r -> r.bucket(b).key("mp").tagging("Hello=World&foo=bar")).uploadId();
        String etag = s3.uploadPart(r -> r.bucket(b).key("mp").uploadId(id).partNumber(1),
                RequestBody.fromString("p")).eTag();
        s3.completeMultipartUpload(r -> r.bucket(b).key("mp").uploadId(id).multipartUpload(m -> m.parts(
                p -> p.partNumber(1).eTag(etag))));
        assertEquals(Map.of("Hello", "World", "foo", "bar"), tags(b, "mp", null));
    }

    @Test
    void bucketTagging() {
        String b = fx.plainBucket();
        S3Exception e = assertS3Error(404, "NoSuchTagSet", () -> s3.getBucketTagging(r -> r.bucket(b)));
        assertEquals("The TagSet does not exist", e.awsErrorDetails().errorMessage());
        s3.putBucketTagging(r -> r.bucket(b).tagging(t -> t.tagSet(tagList(50, 3, 3))));
        assertEquals(50, s3.getBucketTagging(r -> r.bucket(b)).tagSet().size());
        e = assertS3Error(400, "BadRequest", () -> s3.putBucketTagging(r -> r.bucket(b)
                .tagging(t -> t.tagSet(tagList(51, 3, 3)))));
        assertEquals("Bucket tag count cannot be greater than 50", e.awsErrorDetails().errorMessage());
        assertS3Error(400, "InvalidTag", () -> s3.putBucketTagging(r -> r.bucket(b)
                .tagging(t -> t.tagSet(Tag.builder().key("aws:cloudformation:x").value("1").build()))));
        s3.deleteBucketTagging(r -> r.bucket(b));
        assertS3Error(404, "NoSuchTagSet", () -> s3.getBucketTagging(r -> r.bucket(b)));
    }

    @Test
    void tagWritesNeedAChecksumAsAwsDoes() {
        String b = fx.plainBucket();
        fx.put(b, "k", "x");
        RawS3 raw = new RawS3(fx.gw);
        String body = "<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>";
        RawS3.Response r = raw.request("PUT", "/" + b + "/k").query("tagging", "").body(body).send();
        assertEquals(400, r.status(), r::bodyText);
        assertEquals("InvalidRequest", r.errorCode());
        r = raw.request("PUT", "/" + b + "/k").query("tagging", "").body(body)
                .header("Content-MD5", dev.dualkey.compat.Bytes.md5Base64(dev.dualkey.compat.Bytes.utf8(body))).send();
        assertEquals(200, r.status(), r::bodyText);
    }
}

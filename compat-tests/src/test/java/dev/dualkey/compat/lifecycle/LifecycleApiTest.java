package dev.dualkey.compat.lifecycle;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.RawS3;
import dev.dualkey.compat.TestBuckets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.GetBucketLifecycleConfigurationResponse;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleAndOperator;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.TransitionStorageClass;

/**
 * Put/Get/DeleteBucketLifecycleConfiguration through AWS SDK for Java v2, AWS's errors for bad rules, and
 * {@code x-amz-expiration} on PutObject / HeadObject / GetObject. Raw requests where the SDK would not send what is
 * checked (no Content-MD5 or checksum). ceph s3-tests counterparts: test_lifecycle_set, test_lifecycle_get,
 * test_lifecycle_get_no_id, test_lifecycle_set_invalid_date, test_lifecycle_set_noncurrent,
 * test_lifecycle_expiration_header_put/head, test_lifecycle_set_multipart.
 */
@ExtendWith(GatewayExtension.class)
class LifecycleApiTest {
    private static S3Client s3;
    private static GatewayEndpoint gw;

    @BeforeAll
    static void clients(GatewayEndpoint endpoint) {
        gw = endpoint;
        s3 = Clients.v2(endpoint);
    }

    @AfterAll
    static void close() {
        s3.close();
    }

    private static LifecycleRule.Builder rule(String id) {
        return LifecycleRule.builder().id(id).status(ExpirationStatus.ENABLED);
    }

    @Test
    void putGetDeleteRoundTripsEveryRuleShape(TestBuckets buckets) {
        String bucket = buckets.createVersioned();
        S3Exception none = assertS3Error(404, "NoSuchLifecycleConfiguration",
                () -> s3.getBucketLifecycleConfiguration(b -> b.bucket(bucket)));
        assertEquals("The lifecycle configuration does not exist", none.awsErrorDetails().errorMessage());

        List<LifecycleRule> rules = List.of(
                rule("logs").filter(LifecycleRuleFilter.builder().prefix("logs/").build())
                        .expiration(e -> e.days(30)).build(),
                rule("noncurrent").filter(LifecycleRuleFilter.builder().build())
                        .noncurrentVersionExpiration(n -> n.noncurrentDays(7).newerNoncurrentVersions(2))
                        .abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(1)).build(),
                rule("markers").filter(LifecycleRuleFilter.builder().prefix("").build())
                        .expiration(e -> e.expiredObjectDeleteMarker(true)).build(),
                rule("tagged").status(ExpirationStatus.DISABLED).filter(LifecycleRuleFilter.builder()
                        .and(LifecycleRuleAndOperator.builder().prefix("tmp/")
                                .tags(Tag.builder().key("class").value("scratch").build())
                                .objectSizeGreaterThan(1L).objectSizeLessThan(1024L).build()).build())
                        .expiration(e -> e.date(Instant.parse("2030-01-01T00:00:00Z"))).build());
        s3.putBucketLifecycleConfiguration(b -> b.bucket(bucket).lifecycleConfiguration(c -> c.rules(rules)));

        GetBucketLifecycleConfigurationResponse got = s3.getBucketLifecycleConfiguration(b -> b.bucket(bucket));
        assertEquals(4, got.rules().size());
        assertEquals("logs/", got.rules().get(0).filter().prefix());
        assertEquals(30, got.rules().get(0).expiration().days());
        assertEquals(7, got.rules().get(1).noncurrentVersionExpiration().noncurrentDays());
        assertEquals(2, got.rules().get(1).noncurrentVersionExpiration().newerNoncurrentVersions());
        assertEquals(1, got.rules().get(1).abortIncompleteMultipartUpload().daysAfterInitiation());
        assertTrue(got.rules().get(2).expiration().expiredObjectDeleteMarker());
        LifecycleRule tagged = got.rules().get(3);
        assertEquals(ExpirationStatus.DISABLED, tagged.status());
        assertEquals("tmp/", tagged.filter().and().prefix());
        assertEquals("scratch", tagged.filter().and().tags().get(0).value());
        assertEquals(1024L, tagged.filter().and().objectSizeLessThan());
        assertEquals(Instant.parse("2030-01-01T00:00:00Z"), tagged.expiration().date());

        // a rule without ID gets one (test_lifecycle_get_no_id)
        s3.putBucketLifecycleConfiguration(b -> b.bucket(bucket).lifecycleConfiguration(c -> c.rules(
                LifecycleRule.builder().status(ExpirationStatus.ENABLED)
                        .filter(LifecycleRuleFilter.builder().prefix("x/").build())
                        .expiration(e -> e.days(1)).build())));
        String id = s3.getBucketLifecycleConfiguration(b -> b.bucket(bucket)).rules().get(0).id();
        assertNotNull(id);
        assertTrue(!id.isEmpty());

        assertEquals(204, s3.deleteBucketLifecycle(b -> b.bucket(bucket)).sdkHttpResponse().statusCode());
        assertS3Error(404, "NoSuchLifecycleConfiguration",
                () -> s3.getBucketLifecycleConfiguration(b -> b.bucket(bucket)));
        // deleting again is fine, as on S3
        assertEquals(204, s3.deleteBucketLifecycle(b -> b.bucket(bucket)).sdkHttpResponse().statusCode());
        assertS3Error(404, "NoSuchBucket", () -> s3.getBucketLifecycleConfiguration(b -> b.bucket(bucket + "-none")));
    }

    @Test
    void badRulesGetAwsErrors(TestBuckets buckets) {
        String bucket = buckets.create();
        S3Exception days = assertS3Error(400, "InvalidArgument", () -> s3.putBucketLifecycleConfiguration(b -> b
                .bucket(bucket).lifecycleConfiguration(c -> c.rules(rule("r").filter(LifecycleRuleFilter.builder()
                        .prefix("a").build()).expiration(e -> e.days(0)).build()))));
        assertEquals("'Days' for Expiration action must be a positive integer", days.awsErrorDetails().errorMessage());
        assertS3Error(400, "InvalidArgument", () -> s3.putBucketLifecycleConfiguration(b -> b.bucket(bucket)
                .lifecycleConfiguration(c -> c.rules(rule("r").filter(LifecycleRuleFilter.builder().build())
                        .expiration(e -> e.date(Instant.parse("2030-01-01T10:00:00Z"))).build()))));
        S3Exception noAction = assertS3Error(400, "InvalidRequest", () -> s3.putBucketLifecycleConfiguration(b -> b
                .bucket(bucket).lifecycleConfiguration(c -> c.rules(rule("r").filter(LifecycleRuleFilter.builder()
                        .build()).build()))));
        assertEquals("At least one action needs to be specified in a rule",
                noAction.awsErrorDetails().errorMessage());
        assertS3Error(400, "InvalidArgument", () -> s3.putBucketLifecycleConfiguration(b -> b.bucket(bucket)
                .lifecycleConfiguration(c -> c.rules(
                        rule("same").filter(LifecycleRuleFilter.builder().prefix("a").build())
                                .expiration(e -> e.days(1)).build(),
                        rule("same").filter(LifecycleRuleFilter.builder().prefix("b").build())
                                .expiration(e -> e.days(1)).build()))));
        assertS3Error(400, "MalformedXML", () -> s3.putBucketLifecycleConfiguration(b -> b.bucket(bucket)
                .lifecycleConfiguration(c -> c.rules(rule("r").expiration(e -> e.days(1)).build()))));
        assertS3Error(501, "NotImplemented", () -> s3.putBucketLifecycleConfiguration(b -> b.bucket(bucket)
                .lifecycleConfiguration(c -> c.rules(rule("r").filter(LifecycleRuleFilter.builder().build())
                        .transitions(t -> t.days(30).storageClass(TransitionStorageClass.GLACIER)).build()))));
        assertS3Error(404, "NoSuchLifecycleConfiguration",
                () -> s3.getBucketLifecycleConfiguration(b -> b.bucket(bucket)));
    }

    @Test
    void contentMd5OrAChecksumIsRequired(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        String body = "<LifecycleConfiguration><Rule><ID>r</ID><Filter/><Status>Enabled</Status>"
                + "<Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>";
        try (RawS3 raw = new RawS3(gw)) {
            RawS3.Response missing = raw.request("PUT", "/" + bucket).query("lifecycle", "").body(body).send();
            assertEquals(400, missing.status());
            String xml = new String(missing.body(), StandardCharsets.UTF_8);
            assertTrue(xml.contains("<Code>InvalidRequest</Code>"), xml);
            assertTrue(xml.contains("Missing required header for this request: Content-MD5"), xml);

            String md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5")
                    .digest(body.getBytes(StandardCharsets.UTF_8)));
            assertEquals(200, raw.request("PUT", "/" + bucket).query("lifecycle", "").header("Content-MD5", md5)
                    .body(body).send().status());
            RawS3.Response wrong = raw.request("PUT", "/" + bucket).query("lifecycle", "")
                    .header("Content-MD5", "AAAAAAAAAAAAAAAAAAAAAA==").body(body).send();
            assertEquals(400, wrong.status());
            assertTrue(new String(wrong.body(), StandardCharsets.UTF_8).contains("<Code>BadDigest</Code>"));
        }
    }

    /** ceph: test_lifecycle_expiration_header_put / _head. */
    @Test
    void expirationHeaderOnPutHeadAndGet(TestBuckets buckets) {
        String bucket = buckets.createVersioned();
        s3.putBucketLifecycleConfiguration(b -> b.bucket(bucket).lifecycleConfiguration(c -> c.rules(
                rule("tmp-3d").filter(LifecycleRuleFilter.builder().prefix("tmp/").build())
                        .expiration(e -> e.days(3)).build())));
        var put = s3.putObject(b -> b.bucket(bucket).key("tmp/a"), RequestBody.fromString("a"));
        var head = s3.headObject(b -> b.bucket(bucket).key("tmp/a"));
        Instant expected = head.lastModified().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.DAYS)
                .plus(1, ChronoUnit.DAYS);
        String value = "expiry-date=\"" + DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'",
                Locale.US).withZone(ZoneOffset.UTC).format(expected) + "\", rule-id=\"tmp-3d\"";
        assertEquals(value, put.expiration());
        assertEquals(value, head.expiration());
        assertEquals(value, s3.getObjectAsBytes(b -> b.bucket(bucket).key("tmp/a")).response().expiration());
        // other keys, and noncurrent versions addressed by id, carry none
        s3.putObject(b -> b.bucket(bucket).key("keep/b"), RequestBody.fromString("b"));
        assertNull(s3.headObject(b -> b.bucket(bucket).key("keep/b")).expiration());
        s3.putObject(b -> b.bucket(bucket).key("tmp/a"), RequestBody.fromString("a2"));
        assertNull(s3.headObject(b -> b.bucket(bucket).key("tmp/a").versionId(put.versionId())).expiration());
    }
}

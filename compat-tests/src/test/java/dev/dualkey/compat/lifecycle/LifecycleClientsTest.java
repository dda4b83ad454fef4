package dev.dualkey.compat.lifecycle;

import static dev.dualkey.compat.S3Assertions.assertV1Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.BucketLifecycleConfiguration;
import com.amazonaws.services.s3.model.ObjectMetadata;
import com.amazonaws.services.s3.model.lifecycle.LifecycleAndOperator;
import com.amazonaws.services.s3.model.lifecycle.LifecycleFilter;
import com.amazonaws.services.s3.model.lifecycle.LifecyclePrefixPredicate;
import com.amazonaws.services.s3.model.lifecycle.LifecycleTagPredicate;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The lifecycle configuration API and its errors through AWS SDK for Java v1 and the aws CLI. */
@ExtendWith(GatewayExtension.class)
class LifecycleClientsTest {
    private static AmazonS3 v1;
    private static GatewayEndpoint gw;

    @BeforeAll
    static void clients(GatewayEndpoint endpoint) {
        gw = endpoint;
        v1 = Clients.v1(endpoint);
    }

    @AfterAll
    static void close() {
        v1.shutdown();
    }

    @Test
    void sdkV1(TestBuckets buckets) {
        String bucket = buckets.createVersioned();
        assertNull(v1.getBucketLifecycleConfiguration(bucket), "v1 answers null for NoSuchLifecycleConfiguration");
        BucketLifecycleConfiguration.Rule noncurrent = new BucketLifecycleConfiguration.Rule().withId("nc")
                .withFilter(new LifecycleFilter(new LifecyclePrefixPredicate("logs/")))
                .withNoncurrentVersionExpirationInDays(7)
                .withAbortIncompleteMultipartUpload(
                        new com.amazonaws.services.s3.model.AbortIncompleteMultipartUpload().withDaysAfterInitiation(2))
                .withStatus(BucketLifecycleConfiguration.ENABLED);
        BucketLifecycleConfiguration.Rule expire = new BucketLifecycleConfiguration.Rule().withId("tmp")
                .withFilter(new LifecycleFilter(new LifecycleAndOperator(List.of(
                        new LifecyclePrefixPredicate("tmp/"), new LifecycleTagPredicate(
                                new com.amazonaws.services.s3.model.Tag("class", "scratch"))))))
                .withExpirationInDays(1).withStatus(BucketLifecycleConfiguration.ENABLED);
        BucketLifecycleConfiguration.Rule all = new BucketLifecycleConfiguration.Rule().withId("all")
                .withFilter(new LifecycleFilter(new LifecyclePrefixPredicate("")))
                .withExpirationInDays(10).withStatus(BucketLifecycleConfiguration.ENABLED);
        v1.setBucketLifecycleConfiguration(bucket, new BucketLifecycleConfiguration(List.of(noncurrent, expire, all)));

        BucketLifecycleConfiguration got = v1.getBucketLifecycleConfiguration(bucket);
        assertEquals(3, got.getRules().size());
        assertEquals(7, got.getRules().get(0).getNoncurrentVersionExpirationInDays());
        assertEquals(2, got.getRules().get(0).getAbortIncompleteMultipartUpload().getDaysAfterInitiation());
        assertEquals(1, got.getRules().get(1).getExpirationInDays());
        assertTrue(got.getRules().get(1).getFilter().getPredicate() instanceof LifecycleAndOperator);

        v1.putObject(bucket, "any", "x");
        ObjectMetadata head = v1.getObjectMetadata(bucket, "any");
        assertEquals("all", head.getExpirationTimeRuleId());
        assertNotNull(head.getExpirationTime());

        assertV1Error(400, "InvalidArgument", () -> v1.setBucketLifecycleConfiguration(bucket,
                new BucketLifecycleConfiguration(List.of(new BucketLifecycleConfiguration.Rule().withId("bad")
                        .withFilter(new LifecycleFilter(new LifecyclePrefixPredicate("a")))
                        .withExpirationInDays(0).withStatus(BucketLifecycleConfiguration.ENABLED)))));
        assertEquals(3, v1.getBucketLifecycleConfiguration(bucket).getRules().size(), "a refused put changes nothing");

        v1.deleteBucketLifecycleConfiguration(bucket);
        assertNull(v1.getBucketLifecycleConfiguration(bucket));
    }

    /** The README's example, as an operator types it. */
    @Test
    void awsCli(TestBuckets buckets, @TempDir Path dir) throws Exception {
        AwsCli aws = AwsCli.require(gw, dir);
        String bucket = buckets.createVersioned();
        AwsCli.Result missing = aws.run("s3api", "get-bucket-lifecycle-configuration", "--bucket", bucket);
        assertTrue(missing.exitCode() != 0);
        assertTrue(missing.stderr().contains("NoSuchLifecycleConfiguration"), missing.stderr());

        Files.writeString(dir.resolve("lifecycle.json"), """
                {"Rules": [{"ID": "expire-old-versions", "Status": "Enabled", "Filter": {"Prefix": ""},
                  "NoncurrentVersionExpiration": {"NoncurrentDays": 30, "NewerNoncurrentVersions": 3},
                  "Expiration": {"ExpiredObjectDeleteMarker": true},
                  "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]}
                """);
        aws.run("s3api", "put-bucket-lifecycle-configuration", "--bucket", bucket,
                "--lifecycle-configuration", "file://" + dir.resolve("lifecycle.json")).assertSuccess();
        JsonNode rule = aws.run("s3api", "get-bucket-lifecycle-configuration", "--bucket", bucket).assertSuccess()
                .json().path("Rules").path(0);
        assertEquals("expire-old-versions", rule.path("ID").asText());
        assertEquals(30, rule.path("NoncurrentVersionExpiration").path("NoncurrentDays").asInt());
        assertEquals(3, rule.path("NoncurrentVersionExpiration").path("NewerNoncurrentVersions").asInt());
        assertTrue(rule.path("Expiration").path("ExpiredObjectDeleteMarker").asBoolean());
        assertEquals(7, rule.path("AbortIncompleteMultipartUpload").path("DaysAfterInitiation").asInt());

        Files.writeString(dir.resolve("bad.json"), """
                {"Rules": [{"ID": "r", "Status": "Enabled", "Filter": {"Prefix": ""},
                  "NoncurrentVersionExpiration": {"NoncurrentDays": 0}}]}
                """);
        AwsCli.Result bad = aws.run("s3api", "put-bucket-lifecycle-configuration", "--bucket", bucket,
                "--lifecycle-configuration", "file://" + dir.resolve("bad.json"));
        assertTrue(bad.exitCode() != 0);
        assertTrue(bad.stderr().contains("InvalidArgument"), bad.stderr());

        aws.run("s3api", "delete-bucket-lifecycle", "--bucket", bucket).assertSuccess();
        assertTrue(aws.run("s3api", "get-bucket-lifecycle-configuration", "--bucket", bucket).stderr()
                .contains("NoSuchLifecycleConfiguration"));
    }
}

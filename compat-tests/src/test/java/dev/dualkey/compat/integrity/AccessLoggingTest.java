package dev.dualkey.compat.integrity;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.MfaDevice;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.gateway.s3.logging.AccessLogRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLogsPermission;
import software.amazon.awssdk.services.s3.model.GetBucketLoggingResponse;
import software.amazon.awssdk.services.s3.model.GetObjectAclResponse;
import software.amazon.awssdk.services.s3.model.ObjectOwnership;
import software.amazon.awssdk.services.s3.model.Permission;
import software.amazon.awssdk.services.s3.model.TargetGrant;
import software.amazon.awssdk.services.s3.model.Type;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.MFADelete;
import software.amazon.awssdk.services.s3.model.PartitionDateSource;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Server access logging through SDK v2: Put/GetBucketLogging with AWS's target rules, and a delivered log object
 * whose lines parse in AWS's server access log format (the 26 fields of the LogFormat page, the regular expression
 * AWS gives for Athena) and name exactly the requests this test made, with their request ids, operations, keys,
 * statuses and error codes. Delivery is flushed explicitly (the interval is a setting), so nothing here waits on a
 * timer. A delivered log object is an ordinary version: in a bucket with MFA Delete it goes only with a code.
 */
class AccessLoggingTest {
    /** AWS's documented pattern for one server access log line (26 fields). */
    static final Pattern LINE = Pattern.compile("^(\\S+) (\\S+) \\[([^\\]]+)\\] (\\S+) (\\S+) (\\S+) (\\S+) (\\S+)"
            + " \"([^\"]*)\" (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) \"([^\"]*)\" \"([^\"]*)\" (\\S+) (\\S+) (\\S+)"
            + " (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (\\S+)$");

    private static MfaDeleteServer server;
    private static S3Client s3;
    private static IamClient rootIam;
    private static MfaDevice device;

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopback();
        GatewayEndpoint gw = server.endpoint();
        s3 = Clients.v2(gw);
        rootIam = Iam.client(gw, gw.root());
        device = MfaDevice.virtual(rootIam, server.clock(), "logging-mfa", "root");
    }

    @AfterAll
    static void stop() {
        s3.close();
        rootIam.close();
        server.close();
    }

    private static String bucket(String prefix) {
        String name = prefix + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(b -> b.bucket(name));
        return name;
    }

    private static List<String> logObjects(String target, String prefix) {
        return s3.listObjectsV2(b -> b.bucket(target).prefix(prefix)).contents().stream().map(S3Object::key)
                .toList();
    }

    @Test
    void deliversAwsFormatLinesThatNameTheRequestsMade() {
        String source = bucket("logsrc-");
        String target = bucket("logdst-");
        s3.putBucketVersioning(b -> b.bucket(target).mfa(device.header())
                .versioningConfiguration(v -> v.status("Enabled").mfaDelete(MFADelete.ENABLED)));
        s3.putBucketLogging(b -> b.bucket(source).bucketLoggingStatus(s -> s.loggingEnabled(l -> l
                .targetBucket(target).targetPrefix("logs/"))));
        GetBucketLoggingResponse conf = s3.getBucketLogging(b -> b.bucket(source));
        assertEquals(target, conf.loggingEnabled().targetBucket());
        assertEquals("logs/", conf.loggingEnabled().targetPrefix());

        PutObjectResponse put = s3.putObject(b -> b.bucket(source).key("dir/a b.txt"), RequestBody.fromString("hello"));
        String putId = put.responseMetadata().requestId();
        String getId = s3.getObjectAsBytes(b -> b.bucket(source).key("dir/a b.txt")).response().responseMetadata()
                .requestId();
        assertS3Error(404, "NoSuchKey", () -> s3.getObjectAsBytes(b -> b.bucket(source).key("missing")));
        server.flushAccessLogs();

        List<String> keys = logObjects(target, "logs/");
        assertEquals(1, keys.size(), keys.toString());
        assertTrue(keys.get(0).matches("logs/\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-[0-9A-F]{16}"), keys.get(0));
        String body = s3.getObjectAsBytes(b -> b.bucket(target).key(keys.get(0))).asUtf8String();
        List<Matcher> lines = new ArrayList<>();
        for (String line : body.split("\n")) {
            Matcher m = LINE.matcher(line);
            assertTrue(m.matches(), "not AWS's format: " + line);
            lines.add(m);
        }
        assertEquals(4, lines.size(), body); // PutBucketLogging's own answer came before logging was on
        String owner = AccessLogRecord.canonicalId(server.accountId());
        Matcher p = byRequestId(lines, putId);
        assertEquals(owner, p.group(1));
        assertEquals(source, p.group(2));
        assertEquals("127.0.0.1", p.group(4));
        assertEquals(owner, p.group(5), "the root requester appears as its canonical id");
        assertEquals("REST.PUT.OBJECT", p.group(7));
        assertEquals("dir/a%20b.txt", p.group(8));
        assertTrue(p.group(9).startsWith("PUT /" + source + "/dir/a%20b.txt"), p.group(9));
        assertEquals("200", p.group(10));
        assertEquals("-", p.group(11));
        assertEquals("5", p.group(13), "object size");
        assertTrue(p.group(17).contains("aws-sdk-java"), p.group(17));
        assertEquals("SigV4", p.group(20));
        assertEquals("AuthHeader", p.group(22));
        Matcher g = byRequestId(lines, getId);
        assertEquals("REST.GET.OBJECT", g.group(7));
        assertEquals("5", g.group(12), "bytes sent");
        Matcher missing = lines.stream().filter(m -> m.group(8).equals("missing")).findFirst().orElseThrow();
        assertEquals("404", missing.group(10));
        assertEquals("NoSuchKey", missing.group(11));

        // the log object is a version like any other: removing it for good takes the owner's code
        ListObjectVersionsResponse versions = s3.listObjectVersions(b -> b.bucket(target).prefix(keys.get(0)));
        String versionId = versions.versions().get(0).versionId();
        assertS3Error(403, "AccessDenied", () -> s3.deleteObject(b -> b.bucket(target).key(keys.get(0))
                .versionId(versionId)));
        s3.deleteObject(b -> b.bucket(target).key(keys.get(0)).versionId(versionId).mfa(device.header()));
    }

    private static Matcher byRequestId(List<Matcher> lines, String requestId) {
        return lines.stream().filter(m -> m.group(6).equals(requestId)).findFirst()
                .orElseThrow(() -> new AssertionError("no line for request " + requestId));
    }

    @Test
    void targetRulesPartitionedKeysAndTurningLoggingOff() {
        String source = bucket("logsrc-");
        String target = bucket("logdst-");
        var missing = assertS3Error(400, "InvalidTargetBucketForLogging", () -> s3.putBucketLogging(b -> b
                .bucket(source).bucketLoggingStatus(s -> s.loggingEnabled(l -> l.targetBucket("no-such-" + target)
                        .targetPrefix("x/")))));
        assertTrue(missing.awsErrorDetails().errorMessage().contains("does not exist"));
        try (S3Client other = Clients.v2(server.endpoint(), server.endpoint().otherAccount())) {
            String foreign = "logforeign-" + UUID.randomUUID().toString().substring(0, 8);
            other.createBucket(b -> b.bucket(foreign));
            assertS3Error(400, "InvalidTargetBucketForLogging", () -> s3.putBucketLogging(b -> b.bucket(source)
                    .bucketLoggingStatus(s -> s.loggingEnabled(l -> l.targetBucket(foreign).targetPrefix("x/")))));
            // and the other account cannot point its own bucket's logs into ours
            String theirs = "logtheirs-" + UUID.randomUUID().toString().substring(0, 8);
            other.createBucket(b -> b.bucket(theirs));
            assertS3Error(400, "InvalidTargetBucketForLogging", () -> other.putBucketLogging(b -> b.bucket(theirs)
                    .bucketLoggingStatus(s -> s.loggingEnabled(l -> l.targetBucket(target).targetPrefix("x/")))));
        }
        s3.putBucketLogging(b -> b.bucket(source).bucketLoggingStatus(s -> s.loggingEnabled(l -> l
                .targetBucket(target).targetPrefix("p/").targetObjectKeyFormat(f -> f.partitionedPrefix(pp -> pp
                        .partitionDateSource(PartitionDateSource.EVENT_TIME))))));
        assertEquals(PartitionDateSource.EVENT_TIME, s3.getBucketLogging(b -> b.bucket(source)).loggingEnabled()
                .targetObjectKeyFormat().partitionedPrefix().partitionDateSource());
        s3.putObject(b -> b.bucket(source).key("k"), RequestBody.fromString("x"));
        server.flushAccessLogs();
        List<String> keys = logObjects(target, "p/");
        assertEquals(1, keys.size(), keys.toString());
        String partition = "p/" + server.accountId() + "/us-east-1/" + source + "/";
        assertTrue(keys.get(0).startsWith(partition) && keys.get(0).substring(partition.length())
                .matches("\\d{4}/\\d{2}/\\d{2}/\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-[0-9A-F]{16}"), keys.get(0));

        s3.putBucketLogging(b -> b.bucket(source).bucketLoggingStatus(s -> { }));
        assertNull(s3.getBucketLogging(b -> b.bucket(source)).loggingEnabled());
        s3.putObject(b -> b.bucket(source).key("k2"), RequestBody.fromString("y"));
        server.flushAccessLogs();
        assertEquals(1, logObjects(target, "p/").size(), "nothing delivered once logging is off");
    }

    /**
     * TargetGrants become grants on each delivered log object (the bucket owner keeps FULL_CONTROL): the grantee
     * account reads the log through the object ACL, and GetObjectAcl shows both grants. A target with ACLs disabled
     * (BucketOwnerEnforced, the default of new buckets) refuses grants as AWS does; e-mail grantees are gone (405).
     */
    @Test
    void targetGrantsBecomeGrantsOnEveryLogObject() {
        String source = bucket("logsrc-");
        String enforced = bucket("logdst-");
        String target = "logacl-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(b -> b.bucket(target).objectOwnership(ObjectOwnership.BUCKET_OWNER_PREFERRED));
        try (S3Client other = Clients.v2(server.endpoint(), server.endpoint().otherAccount())) {
            String otherId = other.listBuckets().owner().id();
            String ownerId = s3.listBuckets().owner().id();
            TargetGrant readGrant = TargetGrant.builder().grantee(g -> g.type(Type.CANONICAL_USER).id(otherId))
                    .permission(BucketLogsPermission.READ).build();
            assertS3Error(400, "AccessControlListNotSupported", () -> s3.putBucketLogging(b -> b.bucket(source)
                    .bucketLoggingStatus(st -> st.loggingEnabled(l -> l.targetBucket(enforced).targetPrefix("g/")
                            .targetGrants(readGrant)))));
            assertS3Error(405, "MethodNotAllowed", () -> s3.putBucketLogging(b -> b.bucket(source)
                    .bucketLoggingStatus(st -> st.loggingEnabled(l -> l.targetBucket(target).targetPrefix("g/")
                            .targetGrants(TargetGrant.builder().grantee(g -> g.type(Type.AMAZON_CUSTOMER_BY_EMAIL)
                                    .emailAddress("someone@example.com")).permission(BucketLogsPermission.READ)
                                    .build())))));
            assertS3Error(400, "InvalidArgument", () -> s3.putBucketLogging(b -> b.bucket(source)
                    .bucketLoggingStatus(st -> st.loggingEnabled(l -> l.targetBucket(target).targetPrefix("g/")
                            .targetGrants(TargetGrant.builder().grantee(g -> g.type(Type.CANONICAL_USER)
                                    .id("0".repeat(64))).permission(BucketLogsPermission.READ).build())))));
            // Block Public Access on the target: log objects cannot be made public through TargetGrants either
            s3.putPublicAccessBlock(b -> b.bucket(target).publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)
                    .ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true)));
            assertS3Error(403, "AccessDenied", () -> s3.putBucketLogging(b -> b.bucket(source)
                    .bucketLoggingStatus(st -> st.loggingEnabled(l -> l.targetBucket(target).targetPrefix("g/")
                            .targetGrants(TargetGrant.builder().grantee(g -> g.type(Type.GROUP)
                                    .uri("http://acs.amazonaws.com/groups/global/AllUsers"))
                                    .permission(BucketLogsPermission.READ).build())))));

            s3.putBucketLogging(b -> b.bucket(source).bucketLoggingStatus(st -> st.loggingEnabled(l -> l
                    .targetBucket(target).targetPrefix("g/").targetGrants(readGrant))));
            assertEquals(otherId, s3.getBucketLogging(b -> b.bucket(source)).loggingEnabled().targetGrants().get(0)
                    .grantee().id());
            s3.putObject(b -> b.bucket(source).key("k"), RequestBody.fromString("x"));
            server.flushAccessLogs();
            List<String> keys = logObjects(target, "g/");
            assertEquals(1, keys.size(), keys.toString());
            GetObjectAclResponse acl = s3.getObjectAcl(b -> b.bucket(target).key(keys.get(0)));
            assertEquals(ownerId, acl.owner().id());
            assertEquals(2, acl.grants().size(), acl.grants().toString());
            assertTrue(acl.grants().stream().anyMatch(g -> ownerId.equals(g.grantee().id())
                    && g.permission() == Permission.FULL_CONTROL), acl.grants().toString());
            assertTrue(acl.grants().stream().anyMatch(g -> otherId.equals(g.grantee().id())
                    && g.permission() == Permission.READ), acl.grants().toString());
            // the grantee reads the log object through its grant, and nothing else in the bucket
            assertTrue(other.getObjectAsBytes(b -> b.bucket(target).key(keys.get(0))).asUtf8String()
                    .contains("REST.PUT.OBJECT"));
            s3.putObject(b -> b.bucket(target).key("not-a-log"), RequestBody.fromString("private"));
            assertS3Error(403, "AccessDenied", () -> other.getObjectAsBytes(b -> b.bucket(target).key("not-a-log")));
        }
    }
}

package dev.dualkey.compat.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.ClientConfiguration;
import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import com.amazonaws.services.s3.model.AmazonS3Exception;
import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import dev.dualkey.compat.iam.IamClients;
import dev.dualkey.gateway.GatewayServer;
import dev.dualkey.gateway.auth.Credential;
import dev.dualkey.gateway.auth.Principal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Signature Version 2 is a weaker way in (HMAC-SHA1, no body hash, no Host, unsigned query parameters): it must
 * never reach the IAM or STS Query APIs (AWS requires SigV4 there), a policy must be able to refuse it through
 * {@code s3:signatureversion} / {@code s3:authType}, and {@code serve --no-sigv2} must turn it off.
 */
@ExtendWith(GatewayExtension.class)
class SigV2AttackTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final DateTimeFormatter RFC1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static GatewayEndpoint gateway;
    private static IamClient iam;
    private static S3Client root;
    private static String userName;
    private static String userKeyId;

    @BeforeAll
    static void clients(GatewayEndpoint gw) {
        gateway = gw;
        iam = IamClients.v2(gw, gw.root());
        root = Clients.v2(gw);
    }

    @AfterAll
    static void close() {
        if (userName != null) {
            iam.deleteAccessKey(b -> b.userName(userName).accessKeyId(userKeyId));
            iam.deleteUserPolicy(b -> b.userName(userName).policyName("p"));
            iam.deleteUser(b -> b.userName(userName));
        }
        iam.close();
        root.close();
    }

    static String sign(String secret, String stringToSign) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
    }

    /** A correctly V2-signed IAM CreateUser (header and query auth) creates nobody. */
    @Test
    void iamAndStsNeverAcceptSigV2() throws Exception {
        String name = "v2-" + UUID.randomUUID().toString().substring(0, 8);
        String form = "Action=CreateUser&UserName=" + name + "&Version=2010-05-08";
        String type = "application/x-www-form-urlencoded; charset=utf-8";
        String date = RFC1123.format(Instant.now());
        String sig = sign(gateway.root().secretKey(), "POST\n\n" + type + "\n" + date + "\n/");
        HttpResponse<String> header = HTTP.send(HttpRequest.newBuilder(gateway.endpoint().resolve("/"))
                .POST(HttpRequest.BodyPublishers.ofString(form)).header("Content-Type", type).header("Date", date)
                .header("Authorization", "AWS " + gateway.root().accessKeyId() + ":" + sig).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(header.statusCode() >= 400, header.statusCode() + " " + header.body());
        long expires = Instant.now().getEpochSecond() + 300;
        String qsig = sign(gateway.root().secretKey(), "POST\n\n" + type + "\n" + expires + "\n/");
        HttpResponse<String> query = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.endpoint() + "/?AWSAccessKeyId="
                        + gateway.root().accessKeyId() + "&Expires=" + expires + "&Signature="
                        + URLEncoder.encode(qsig, StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(form)).header("Content-Type", type).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, query.statusCode(), query.body());
        assertThrows(NoSuchEntityException.class, () -> iam.getUser(b -> b.userName(name)));

        String sts = "Action=GetSessionToken&Version=2011-06-15";
        HttpResponse<String> session = HTTP.send(HttpRequest.newBuilder(gateway.endpoint().resolve("/"))
                .POST(HttpRequest.BodyPublishers.ofString(sts)).header("Content-Type", type).header("Date", date)
                .header("Authorization", "AWS " + gateway.root().accessKeyId() + ":"
                        + sign(gateway.root().secretKey(), "POST\n\n" + type + "\n" + date + "\n/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(session.statusCode() >= 400, session.body());
        assertFalse(session.body().contains("SecretAccessKey"), session.body());
    }

    /** A Deny on {@code s3:signatureversion} = AWS refuses SDK v1's S3SignerType; SigV4 still works. */
    @Test
    void policyRefusesSigV2BySignatureVersion(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        root.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("v"));
        userName = "v2deny-" + UUID.randomUUID().toString().substring(0, 8);
        iam.createUser(b -> b.userName(userName));
        iam.putUserPolicy(b -> b.userName(userName).policyName("p").policyDocument("{\"Version\":\"2012-10-17\","
                + "\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::" + bucket
                + "\",\"arn:aws:s3:::" + bucket + "/*\"]},"
                + "{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":"
                + "{\"s3:signatureversion\":\"AWS\"}}}]}"));
        var created = iam.createAccessKey(b -> b.userName(userName)).accessKey();
        userKeyId = created.accessKeyId();
        AccessKey user = new AccessKey(created.accessKeyId(), created.secretAccessKey());
        try (S3Client v4 = Clients.v2(gateway, user)) {
            assertEquals("v", v4.getObjectAsBytes(b -> b.bucket(bucket).key("k")).asUtf8String());
        }
        AmazonS3 v2 = AmazonS3ClientBuilder.standard()
                .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(gateway.endpoint().toString(),
                        gateway.region()))
                .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(user.accessKeyId(),
                        user.secretKey())))
                .withPathStyleAccessEnabled(true)
                .withClientConfiguration(new ClientConfiguration().withMaxErrorRetry(0)
                        .withSignerOverride("S3SignerType"))
                .build();
        try {
            AmazonS3Exception e = assertThrows(AmazonS3Exception.class, () -> v2.getObject(bucket, "k"));
            assertEquals(403, e.getStatusCode());
            assertEquals("AccessDenied", e.getErrorCode());
            AmazonS3Exception del = assertThrows(AmazonS3Exception.class, () -> v2.deleteObject(bucket, "k"));
            assertEquals("AccessDenied", del.getErrorCode());
        } finally {
            v2.shutdown();
        }
        assertEquals("v", root.getObjectAsBytes(b -> b.bucket(bucket).key("k")).asUtf8String());
    }

    /** {@code serve --no-sigv2}: AWS's 400 InvalidRequest "Please use AWS4-HMAC-SHA256" for header and query. */
    @Test
    void turnedOffSigV2IsRefused(@TempDir Path dir) throws Exception {
        AccessKey key = gateway.root();
        try (GatewayServer off = GatewayServer.builder().dataDir(dir)
                .credentialProvider(id -> id.equals(key.accessKeyId())
                        ? Optional.of(new Credential(id, key.secretKey(), Principal.root("111111111111"), true))
                        : Optional.empty())
                .s3Address(new InetSocketAddress("127.0.0.1", 0)).sigV2(false).start()) {
            String base = "http://127.0.0.1:" + off.s3Port();
            String date = RFC1123.format(Instant.now());
            HttpResponse<String> header = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/"))
                    .header("Date", date).header("Authorization", "AWS " + key.accessKeyId() + ":"
                            + sign(key.secretKey(), "GET\n\n\n" + date + "\n/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, header.statusCode(), header.body());
            assertTrue(header.body().contains("<Code>InvalidRequest</Code>"), header.body());
            assertTrue(header.body().contains("Please use AWS4-HMAC-SHA256."), header.body());
            long expires = Instant.now().getEpochSecond() + 300;
            HttpResponse<String> query = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/?AWSAccessKeyId="
                    + key.accessKeyId() + "&Expires=" + expires + "&Signature=" + URLEncoder.encode(
                            sign(key.secretKey(), "GET\n\n\n" + expires + "\n/"), StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, query.statusCode(), query.body());
            assertTrue(query.body().contains("Please use AWS4-HMAC-SHA256."), query.body());
        }
    }
}

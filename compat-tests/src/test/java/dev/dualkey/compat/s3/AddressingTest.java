package dev.dualkey.compat.s3;

import static dev.dualkey.compat.S3Assertions.assertHeadError;
import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static dev.dualkey.compat.S3Assertions.assertV1Error;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.ClientConfiguration;
import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import com.amazonaws.services.s3.model.ObjectMetadata;
import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Bytes;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.gateway.GatewayServer;
import dev.dualkey.gateway.auth.Credential;
import dev.dualkey.gateway.auth.Principal;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Virtual-hosted-style addressing ({@code bucket.<domain>/key}) next to path-style, on a gateway started with
 * {@code domain("localhost")}. The SDKs resolve every {@code *.localhost} name to loopback through their own
 * DNS resolver hooks (the machine's resolver need not know such names), so the requests carry
 * {@code Host: <bucket>.localhost:<port>} exactly as they would against {@code <bucket>.s3.amazonaws.com}.
 *
 * <p>This class starts its own gateway (the shared one has no domain); it is small and in-process.
 */
class AddressingTest {

    private static final String DOMAIN = "localhost";
    private static final AccessKey ROOT = GatewayExtension.ROOT;

    private static Path dataDir;
    private static GatewayServer server;
    private static URI endpoint;
    private static final ConcurrentLinkedQueue<String> HOSTS = new ConcurrentLinkedQueue<>();
    private static S3Client virtualV2;
    private static S3Client pathV2;

    @BeforeAll
    static void start() throws IOException {
        dataDir = Files.createTempDirectory("dualkey-compat-vhost-");
        server = GatewayServer.builder()
                .dataDir(dataDir)
                .credentialProvider(id -> ROOT.accessKeyId().equals(id)
                        ? Optional.of(new Credential(ROOT.accessKeyId(), ROOT.secretKey(),
                        Principal.root("111111111111"), true))
                        : Optional.empty())
                .s3Address(new InetSocketAddress("127.0.0.1", 0))
                .region(GatewayExtension.REGION)
                .domain(DOMAIN)
                .start();
        endpoint = URI.create("http://" + DOMAIN + ":" + server.s3Port());
        virtualV2 = v2(false);
        pathV2 = v2(true);
    }

    @AfterAll
    static void stop() throws IOException {
        virtualV2.close();
        pathV2.close();
        server.close();
        try (var paths = Files.walk(dataDir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Every {@code *.localhost} name is loopback, as RFC 6761 reserves it; others go to the system resolver. */
    private static InetAddress[] resolve(String host) throws UnknownHostException {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals(DOMAIN) || h.endsWith("." + DOMAIN)) {
            return new InetAddress[] {InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})};
        }
        return InetAddress.getAllByName(host);
    }

    private static S3Client v2(boolean pathStyle) {
        ExecutionInterceptor recordHost = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                HOSTS.add(context.httpRequest().host());
            }
        };
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(GatewayExtension.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ROOT.accessKeyId(), ROOT.secretKey())))
                .forcePathStyle(pathStyle)
                .overrideConfiguration(o -> o.retryStrategy(DefaultRetryStrategy.doNotRetry())
                        .addExecutionInterceptor(recordHost))
                .httpClientBuilder(ApacheHttpClient.builder().dnsResolver(AddressingTest::resolve))
                .build();
    }

    private static AmazonS3 v1Virtual() {
        ClientConfiguration config = new ClientConfiguration().withMaxErrorRetry(0);
        config.setDnsResolver(AddressingTest::resolve);
        return AmazonS3ClientBuilder.standard()
                .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(endpoint.toString(),
                        GatewayExtension.REGION))
                .withCredentials(new AWSStaticCredentialsProvider(
                        new BasicAWSCredentials(ROOT.accessKeyId(), ROOT.secretKey())))
                .withPathStyleAccessEnabled(false)
                .withClientConfiguration(config)
                .build();
    }

    private static String newBucket() {
        byte[] suffix = new byte[4];
        ThreadLocalRandom.current().nextBytes(suffix);
        return "vhost-" + HexFormat.of().formatHex(suffix);
    }

    private static String lastHost() {
        String last = null;
        for (String h : HOSTS) {
            last = h;
        }
        return last;
    }

    /** SDK v2 in virtual-hosted style: the whole bucket and object life cycle, with the bucket in the Host. */
    @Test
    void sdkV2VirtualHostedLifeCycle() {
        String bucket = newBucket();
        byte[] content = Bytes.random(50_000, 51);
        virtualV2.createBucket(b -> b.bucket(bucket));
        assertEquals(bucket + "." + DOMAIN, lastHost(), "the SDK really addressed the bucket by host name");
        virtualV2.headBucket(b -> b.bucket(bucket));
        assertEquals("", virtualV2.getBucketLocation(b -> b.bucket(bucket)).locationConstraintAsString());

        virtualV2.putObject(b -> b.bucket(bucket).key("dir/a b+c.txt").metadata(java.util.Map.of("colour", "blue")),
                RequestBody.fromBytes(content));
        assertEquals(bucket + "." + DOMAIN, lastHost());
        assertArrayEquals(content, virtualV2.getObjectAsBytes(b -> b.bucket(bucket).key("dir/a b+c.txt")).asByteArray());
        assertEquals("blue", virtualV2.headObject(b -> b.bucket(bucket).key("dir/a b+c.txt")).metadata().get("colour"));
        assertEquals(List.of("dir/a b+c.txt"), virtualV2.listObjectsV2(b -> b.bucket(bucket)).contents().stream()
                .map(S3Object::key).toList());
        assertTrue(virtualV2.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket)));
        assertEquals(DOMAIN, lastHost(), "ListBuckets goes to the bare domain");

        // Path-style on the same gateway sees the same data.
        assertArrayEquals(content, pathV2.getObjectAsBytes(b -> b.bucket(bucket).key("dir/a b+c.txt")).asByteArray());
        assertEquals(DOMAIN, lastHost());

        virtualV2.deleteObject(b -> b.bucket(bucket).key("dir/a b+c.txt"));
        assertS3Error(404, "NoSuchKey", () -> virtualV2.getObjectAsBytes(b -> b.bucket(bucket).key("dir/a b+c.txt")));
        virtualV2.deleteBucket(b -> b.bucket(bucket));
        assertHeadError(404, () -> virtualV2.headBucket(b -> b.bucket(bucket)));
    }

    /** Errors in virtual-hosted style concern the bucket named in the Host header. */
    @Test
    void sdkV2VirtualHostedErrors() {
        String missing = newBucket();
        assertS3Error(404, "NoSuchBucket", () -> virtualV2.listObjectsV2(b -> b.bucket(missing)));
        assertEquals(missing + "." + DOMAIN, lastHost());
        assertS3Error(404, "NoSuchBucket", () -> virtualV2.putObject(b -> b.bucket(missing).key("k"),
                RequestBody.fromString("x")));
        String bucket = newBucket();
        virtualV2.createBucket(b -> b.bucket(bucket));
        try {
            virtualV2.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("x"));
            assertS3Error(409, "BucketNotEmpty", () -> virtualV2.deleteBucket(b -> b.bucket(bucket)));
            // us-east-1: the owner's re-create is AWS's legacy 200
            virtualV2.createBucket(b -> b.bucket(bucket));
        } finally {
            virtualV2.deleteObject(b -> b.bucket(bucket).key("k"));
            virtualV2.deleteBucket(b -> b.bucket(bucket));
        }
    }

    /** SDK v1 in virtual-hosted style, including a multipart upload (bucket sub-resources in the host form). */
    @Test
    void sdkV1VirtualHosted() {
        String bucket = newBucket();
        AmazonS3 v1 = v1Virtual();
        try {
            v1.createBucket(bucket);
            assertTrue(v1.doesBucketExistV2(bucket));
            byte[] content = Bytes.random(20_000, 52);
            ObjectMetadata meta = new ObjectMetadata();
            meta.setContentLength(content.length);
            v1.putObject(bucket, "k", new ByteArrayInputStream(content), meta);
            try (var in = v1.getObject(bucket, "k").getObjectContent()) {
                assertArrayEquals(content, in.readAllBytes());
            } catch (IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
            String uploadId = v1.initiateMultipartUpload(
                    new com.amazonaws.services.s3.model.InitiateMultipartUploadRequest(bucket, "mp")).getUploadId();
            var part = v1.uploadPart(new com.amazonaws.services.s3.model.UploadPartRequest().withBucketName(bucket)
                    .withKey("mp").withUploadId(uploadId).withPartNumber(1).withLastPart(true)
                    .withInputStream(new ByteArrayInputStream(content)).withPartSize(content.length));
            v1.completeMultipartUpload(new com.amazonaws.services.s3.model.CompleteMultipartUploadRequest(
                    bucket, "mp", uploadId, List.of(part.getPartETag())));
            assertEquals(List.of("k", "mp"), v1.listObjects(bucket).getObjectSummaries().stream()
                    .map(com.amazonaws.services.s3.model.S3ObjectSummary::getKey).toList());
            assertV1Error(404, "NoSuchKey", () -> v1.getObject(bucket, "absent"));
            v1.deleteObject(bucket, "k");
            v1.deleteObject(bucket, "mp");
            v1.deleteBucket(bucket);
            assertTrue(!v1.doesBucketExistV2(bucket));
        } finally {
            v1.shutdown();
        }
    }
}

package dev.dualkey.compat;

import com.amazonaws.ClientConfiguration;
import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import com.amazonaws.services.s3.transfer.TransferManager;
import com.amazonaws.services.s3.transfer.TransferManagerBuilder;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.transfer.s3.S3TransferManager;
import software.amazon.awssdk.retries.DefaultRetryStrategy;

/**
 * Factories for real AWS SDK clients pointed at a gateway: path-style addressing, static credentials,
 * region {@code us-east-1}, and retries off, so that every failure the gateway answers reaches the test as
 * it was sent instead of being retried away. HTTPS endpoints are trusted through {@link PinnedTls}.
 */
public final class Clients {

    private static final Duration API_TIMEOUT = Duration.ofMinutes(2);

    private Clients() {
    }

    // ---- SDK v2 --------------------------------------------------------------------------------------

    /** SDK v2 synchronous client (Apache HTTP client) as the root user. */
    public static S3Client v2(GatewayEndpoint gw) {
        return v2(gw, gw.root());
    }

    /** SDK v2 synchronous client signing with {@code key}. */
    public static S3Client v2(GatewayEndpoint gw, AccessKey key) {
        return v2(gw, credentials(key), List.of());
    }

    /** SDK v2 synchronous client signing with {@code credentials}, e.g. STS session credentials. */
    public static S3Client v2(GatewayEndpoint gw, software.amazon.awssdk.auth.credentials.AwsCredentials credentials) {
        return v2(gw, StaticCredentialsProvider.create(credentials), List.of());
    }

    /** SDK v2 synchronous client as the root user that also runs {@code interceptors} (to observe the wire). */
    public static S3Client v2(GatewayEndpoint gw, ExecutionInterceptor... interceptors) {
        return v2(gw, credentials(gw.root()), List.of(interceptors));
    }

    /**
     * SDK v2 synchronous client as the root user that drops pooled connections idle for {@code connectionMaxIdle}
     * (the SDK's default is 60 s): for a server started with a shorter keep-alive bound, which the client must
     * undercut so that it never reuses a connection the server is closing.
     */
    public static S3Client v2(GatewayEndpoint gw, Duration connectionMaxIdle) {
        return v2(gw, credentials(gw.root()), List.of(), connectionMaxIdle);
    }

    private static S3Client v2(GatewayEndpoint gw, StaticCredentialsProvider credentials,
                               List<ExecutionInterceptor> interceptors) {
        return v2(gw, credentials, interceptors, null);
    }

    private static S3Client v2(GatewayEndpoint gw, StaticCredentialsProvider credentials,
                               List<ExecutionInterceptor> interceptors, Duration connectionMaxIdle) {
        ApacheHttpClient.Builder http = ApacheHttpClient.builder().maxConnections(16);
        if (connectionMaxIdle != null) {
            http.connectionMaxIdleTime(connectionMaxIdle);
        }
        if (gw.isTls()) {
            http.tlsTrustManagersProvider(() -> PinnedTls.trustManagers(gw.endpoint()));
        }
        return S3Client.builder()
                .endpointOverride(gw.endpoint())
                .region(Region.of(gw.region()))
                .credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .overrideConfiguration(noRetries().toBuilder().executionInterceptors(interceptors).build())
                .httpClientBuilder(http)
                .build();
    }

    /**
     * SDK v2 synchronous client as the root user that sends a checksum only where an operation requires one
     * ({@code requestChecksumCalculation(WHEN_REQUIRED)}, as SDKs before 2025 did): its PutObject names no
     * algorithm, so the server's default (CRC64NVME) applies.
     */
    public static S3Client v2WithoutRequestChecksums(GatewayEndpoint gw) {
        ApacheHttpClient.Builder http = ApacheHttpClient.builder().maxConnections(16);
        if (gw.isTls()) {
            http.tlsTrustManagersProvider(() -> PinnedTls.trustManagers(gw.endpoint()));
        }
        return S3Client.builder()
                .endpointOverride(gw.endpoint())
                .region(Region.of(gw.region()))
                .credentialsProvider(credentials(gw.root()))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .overrideConfiguration(noRetries())
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation
                        .WHEN_REQUIRED)
                .httpClientBuilder(http)
                .build();
    }

    /** SDK v2 asynchronous client on the Netty NIO HTTP client, as the root user. */
    public static S3AsyncClient v2Async(GatewayEndpoint gw) {
        return v2AsyncBuilder(gw).build();
    }

    /** SDK v2 asynchronous client with the SDK's own multipart support on (used by the transfer manager). */
    public static S3AsyncClient v2AsyncMultipart(GatewayEndpoint gw) {
        return v2AsyncBuilder(gw)
                .multipartEnabled(true)
                .multipartConfiguration(m -> m.thresholdInBytes(8L << 20).minimumPartSizeInBytes(8L << 20))
                .build();
    }

    private static software.amazon.awssdk.services.s3.S3AsyncClientBuilder v2AsyncBuilder(GatewayEndpoint gw) {
        NettyNioAsyncHttpClient.Builder http = NettyNioAsyncHttpClient.builder().maxConcurrency(32);
        if (gw.isTls()) {
            http.tlsTrustManagersProvider(() -> PinnedTls.trustManagers(gw.endpoint()));
        }
        return S3AsyncClient.builder()
                .endpointOverride(gw.endpoint())
                .region(Region.of(gw.region()))
                .credentialsProvider(credentials(gw.root()))
                .forcePathStyle(true)
                .overrideConfiguration(noRetries())
                .httpClientBuilder(http);
    }

    /** SDK v2 S3 transfer manager over a multipart-enabled async client; close both when done. */
    public static S3TransferManager v2TransferManager(S3AsyncClient multipartClient) {
        return S3TransferManager.builder().s3Client(multipartClient).build();
    }

    /** SDK v2 presigner as the root user. */
    public static S3Presigner presigner(GatewayEndpoint gw) {
        return presigner(gw, credentials(gw.root()).resolveCredentials());
    }

    /** SDK v2 presigner signing with {@code credentials}, e.g. STS session credentials. */
    public static S3Presigner presigner(GatewayEndpoint gw,
                                        software.amazon.awssdk.auth.credentials.AwsCredentials credentials) {
        return S3Presigner.builder()
                .endpointOverride(gw.endpoint())
                .region(Region.of(gw.region()))
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
    }

    static StaticCredentialsProvider credentials(AccessKey key) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(key.accessKeyId(), key.secretKey()));
    }

    private static ClientOverrideConfiguration noRetries() {
        RetryStrategy none = DefaultRetryStrategy.doNotRetry();
        return ClientOverrideConfiguration.builder().retryStrategy(none).apiCallTimeout(API_TIMEOUT).build();
    }

    // ---- SDK v1 --------------------------------------------------------------------------------------

    /** SDK v1 {@link AmazonS3} as the root user (chunked, signed payloads: the SDK's default). */
    public static AmazonS3 v1(GatewayEndpoint gw) {
        return v1(gw, gw.root());
    }

    /** SDK v1 {@link AmazonS3} signing with {@code key}. */
    public static AmazonS3 v1(GatewayEndpoint gw, AccessKey key) {
        ClientConfiguration config = new ClientConfiguration().withMaxErrorRetry(0);
        if (gw.isTls()) {
            config.getApacheHttpClientConfig().setSslSocketFactory(PinnedTls.v1SocketFactory(gw.endpoint()));
        }
        return AmazonS3ClientBuilder.standard()
                .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(gw.endpoint().toString(), gw.region()))
                .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(key.accessKeyId(), key.secretKey())))
                .withPathStyleAccessEnabled(true)
                .withClientConfiguration(config)
                .build();
    }

    /** SDK v1 {@link TransferManager} over {@code s3}; {@code shutdownNow(false)} leaves the client open. */
    public static TransferManager v1TransferManager(AmazonS3 s3) {
        return TransferManagerBuilder.standard()
                .withS3Client(s3)
                .withMultipartUploadThreshold(16L << 20)
                .withMinimumUploadPartSize(8L << 20)
                .build();
    }
}

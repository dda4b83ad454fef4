package dev.dualkey.compat.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * The client half of {@code compat-tests/bench/cost/put-cpu.sh} (issue 19): PUTs one file {@code COUNT} times, one
 * after the other, to the same key through SDK v2 with its defaults (flexible checksums: a CRC32 in the trailer of
 * an aws-chunked body; over HTTPS the chunks are unsigned, {@code STREAMING-UNSIGNED-PAYLOAD-TRAILER}), and prints
 * the {@code x-amz-content-sha256} the SDK sent, so the script can check it measured the mode it meant to. Trusts
 * any certificate: for a local server with {@code --tls-self-signed} only. Measures nothing itself (the server's
 * CPU is read from /proc by the script).
 *
 * <pre>java -cp ... dev.dualkey.compat.bench.PutLarge ENDPOINT ACCESS_KEY SECRET_KEY BUCKET FILE COUNT</pre>
 */
public final class PutLarge {
    private PutLarge() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: PutLarge ENDPOINT ACCESS_KEY SECRET_KEY BUCKET FILE COUNT");
            System.exit(2);
        }
        URI endpoint = URI.create(args[0]);
        String bucket = args[3];
        Path file = Path.of(args[4]);
        int count = Integer.parseInt(args[5]);
        Set<String> modes = ConcurrentHashMap.newKeySet();
        ExecutionInterceptor recordMode = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                context.httpRequest().firstMatchingHeader("x-amz-content-sha256").ifPresent(modes::add);
            }
        };
        AttributeMap trustAll = AttributeMap.builder().put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, true)
                .build();
        try (S3AsyncClient s3 = S3AsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(args[1], args[2])))
                .httpClient(NettyNioAsyncHttpClient.builder().buildWithDefaults(trustAll))
                .overrideConfiguration(o -> o.addExecutionInterceptor(recordMode))
                .build()) {
            boolean exists = s3.listBuckets().join().buckets().stream().anyMatch(b -> b.name().equals(bucket));
            if (!exists) {
                s3.createBucket(b -> b.bucket(bucket)).join();
            }
            modes.clear();
            long size = Files.size(file);
            for (int i = 0; i < count; i++) {
                PutObjectResponse r = s3.putObject(b -> b.bucket(bucket).key("large").contentLength(size),
                        AsyncRequestBody.fromFile(file)).join();
                System.err.printf("put %d: %d MiB, ETag %s%n", i + 1, size >> 20, r.eTag());
            }
        }
        System.out.println(String.join(",", modes));
    }
}

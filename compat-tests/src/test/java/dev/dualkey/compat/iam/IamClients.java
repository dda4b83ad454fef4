package dev.dualkey.compat.iam;

import com.amazonaws.ClientConfiguration;
import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.identitymanagement.AmazonIdentityManagement;
import com.amazonaws.services.identitymanagement.AmazonIdentityManagementClientBuilder;
import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.GatewayEndpoint;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.iam.IamClient;

/** Real IAM clients (SDK v1 and v2) pointed at the gateway's IAM endpoint, retries off, region us-east-1. */
public final class IamClients {
    private IamClients() {}

    public static IamClient v2(GatewayEndpoint gw, AccessKey key) {
        return IamClient.builder()
                .endpointOverride(gw.endpoint())
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(key.accessKeyId(), key.secretKey())))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(DefaultRetryStrategy.doNotRetry()).build())
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    public static AmazonIdentityManagement v1(GatewayEndpoint gw, AccessKey key) {
        return AmazonIdentityManagementClientBuilder.standard()
                .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(gw.endpoint().toString(),
                        "us-east-1"))
                .withCredentials(new AWSStaticCredentialsProvider(
                        new BasicAWSCredentials(key.accessKeyId(), key.secretKey())))
                .withClientConfiguration(new ClientConfiguration().withMaxErrorRetry(0))
                .build();
    }
}

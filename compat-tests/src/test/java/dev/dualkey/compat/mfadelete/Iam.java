package dev.dualkey.compat.mfadelete;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.PinnedTls;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.CreateAccessKeyResponse;

/** SDK v2 IAM against a test server (its IAM Query API shares the S3 listener), and the few calls tests need. */
public final class Iam {
    /** Lets a user do anything: the MFA Delete gate must still refuse what only the bucket owner may do. */
    public static final String ALLOW_EVERYTHING = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";

    private Iam() {
    }

    public static IamClient client(GatewayEndpoint gw, AccessKey key) {
        return client(gw, AwsBasicCredentials.create(key.accessKeyId(), key.secretKey()));
    }

    /** IAM signing with {@code credentials}, e.g. STS session credentials. */
    public static IamClient client(GatewayEndpoint gw, software.amazon.awssdk.auth.credentials.AwsCredentials credentials) {
        return IamClient.builder()
                .endpointOverride(gw.endpoint())
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(DefaultRetryStrategy.doNotRetry()).build())
                .httpClientBuilder(gw.isTls()
                        ? ApacheHttpClient.builder().tlsTrustManagersProvider(() -> PinnedTls.trustManagers(gw.endpoint()))
                        : ApacheHttpClient.builder())
                .build();
    }

    /** Creates IAM user {@code name} with an allow-everything inline policy and returns its new access key. */
    public static AccessKey userAllowedEverything(IamClient rootIam, String name) {
        rootIam.createUser(b -> b.userName(name));
        rootIam.putUserPolicy(b -> b.userName(name).policyName("everything").policyDocument(ALLOW_EVERYTHING));
        CreateAccessKeyResponse key = rootIam.createAccessKey(b -> b.userName(name));
        return new AccessKey(key.accessKey().accessKeyId(), key.accessKey().secretAccessKey());
    }
}

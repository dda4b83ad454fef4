package dev.dualkey.compat.bench;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The root access key of one account on the server under test: the benchmark's fixed first account, or one made
 * by {@code dualkey admin create-account} before the server starts (throw-away data directory, loopback only).
 */
record RootKeys(String accessKeyId, String secretKey) {
    StaticCredentialsProvider provider() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretKey));
    }

    @Override
    public String toString() {
        return "RootKeys[" + accessKeyId + ", secret hidden]";
    }
}

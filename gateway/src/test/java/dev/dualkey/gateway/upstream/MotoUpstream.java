package dev.dualkey.gateway.upstream;

import dev.dualkey.testkit.MotoServer;
import java.nio.file.Path;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The moto upstream the tests of this package run {@link UpstreamObjectStore} against: the settings every one of
 * them used to spell out (moto's fixed credentials, us-east-1, no key prefix, the smallest part size so that
 * multipart paths run on small bodies) and a client that reads the upstream directly, behind the store's back.
 */
public final class MotoUpstream {
    private MotoUpstream() {
    }

    /** Settings for a store on {@code moto}, spooling bodies under {@code spool}. */
    public static UpstreamSettings settings(MotoServer moto, Path spool) {
        return new UpstreamSettings(moto.endpoint(), "us-east-1", "test", "test", null, "",
                UpstreamSettings.MIN_PART, UpstreamSettings.MIN_PART, spool);
    }

    /** A plain S3 client on {@code moto}, for looking at (or damaging) what the store wrote upstream. */
    public static S3Client directClient(MotoServer moto) {
        return S3Client.builder().endpointOverride(moto.endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }
}

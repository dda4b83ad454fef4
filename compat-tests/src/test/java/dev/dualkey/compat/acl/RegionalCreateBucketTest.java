package dev.dualkey.compat.acl;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.gateway.GatewayServer;
import dev.dualkey.gateway.auth.Credential;
import dev.dualkey.gateway.auth.Principal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;

/**
 * CreateBucket of a bucket one already owns outside us-east-1: 409 BucketAlreadyOwnedByYou (AWS: "Amazon S3 returns
 * this error in all AWS Regions except in the North Virginia Region"), with a gateway serving eu-west-1; the SDK
 * sends the region as LocationConstraint, as on AWS, and us-east-1 named explicitly is InvalidLocationConstraint.
 */
class RegionalCreateBucketTest {
    private static final AccessKey KEY = new AccessKey("AKIADUALKEYREGION001", "regionSecretKeyForCompatTests00000001");

    @Test
    void recreateOutsideUsEast1IsBucketAlreadyOwnedByYou(@TempDir Path dir) {
        GatewayServer server = GatewayServer.builder().dataDir(dir)
                .credentialProvider(id -> id.equals(KEY.accessKeyId())
                        ? Optional.of(new Credential(KEY.accessKeyId(), KEY.secretKey(),
                                Principal.root("333333333333"), true))
                        : Optional.empty())
                .s3Address(new InetSocketAddress("127.0.0.1", 0)).region("eu-west-1").start();
        GatewayEndpoint gw = new GatewayEndpoint(URI.create("http://127.0.0.1:" + server.s3Port()), "eu-west-1",
                KEY, KEY);
        try (S3Client s3 = Clients.v2(gw)) {
            s3.createBucket(b -> b.bucket("regional-bucket").createBucketConfiguration(c -> c
                    .locationConstraint(BucketLocationConstraint.EU_WEST_1)));
            assertS3Error(409, "BucketAlreadyOwnedByYou", () -> s3.createBucket(b -> b.bucket("regional-bucket")
                    .createBucketConfiguration(c -> c.locationConstraint(BucketLocationConstraint.EU_WEST_1))));
            assertEquals("eu-west-1", s3.getBucketLocation(b -> b.bucket("regional-bucket"))
                    .locationConstraintAsString());
            s3.deleteBucket(b -> b.bucket("regional-bucket"));
        } finally {
            server.close();
        }
    }
}

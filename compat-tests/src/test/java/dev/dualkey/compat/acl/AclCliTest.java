package dev.dualkey.compat.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** ACLs and Object Ownership through the aws CLI ({@code s3api} and {@code s3 cp --acl}). */
@ExtendWith(GatewayExtension.class)
class AclCliTest {

    @Test
    void aclsAndOwnership(GatewayEndpoint gw, TestBuckets buckets, @TempDir Path dir) throws Exception {
        AwsCli aws = AwsCli.require(gw, dir);
        Path file = dir.resolve("f.txt");
        Files.writeString(file, "cli");

        String enforced = buckets.newName();
        aws.run("s3api", "create-bucket", "--bucket", enforced).assertSuccess();
        assertEquals("BucketOwnerEnforced", aws.run("s3api", "get-bucket-ownership-controls", "--bucket", enforced)
                .assertSuccess().json().at("/OwnershipControls/Rules/0/ObjectOwnership").asText());
        AwsCli.Result refused = aws.run("s3", "cp", file.toString(), "s3://" + enforced + "/f", "--acl",
                "public-read");
        assertNotEquals(0, refused.exitCode());
        assertTrue(refused.stderr().contains("AccessControlListNotSupported"), refused.stderr());

        String bucket = buckets.newName();
        aws.run("s3api", "create-bucket", "--bucket", bucket, "--object-ownership", "ObjectWriter").assertSuccess();
        aws.run("s3", "cp", file.toString(), "s3://" + bucket + "/f", "--acl", "public-read").assertSuccess();
        JsonNode acl = aws.run("s3api", "get-object-acl", "--bucket", bucket, "--key", "f").assertSuccess().json();
        assertTrue(acl.at("/Owner/ID").asText().matches("[0-9a-f]{64}"), acl.toString());
        assertEquals(2, acl.get("Grants").size(), acl.toString());
        assertEquals("http://acs.amazonaws.com/groups/global/AllUsers", acl.at("/Grants/1/Grantee/URI").asText());

        aws.run("s3api", "put-object-acl", "--bucket", bucket, "--key", "f", "--acl", "private").assertSuccess();
        assertEquals(1, aws.run("s3api", "get-object-acl", "--bucket", bucket, "--key", "f").assertSuccess().json()
                .get("Grants").size());

        String otherId = canonicalIdOf(aws.as(gw.otherAccount()), buckets.newName());
        aws.run("s3api", "put-object-acl", "--bucket", bucket, "--key", "f", "--grant-read",
                "id=" + otherId).assertSuccess();
        AwsCli other = aws.as(gw.otherAccount());
        other.run("s3", "cp", "s3://" + bucket + "/f", dir.resolve("back.txt").toString()).assertSuccess();
        assertEquals("cli", Files.readString(dir.resolve("back.txt")));
        AwsCli.Result write = other.run("s3", "cp", file.toString(), "s3://" + bucket + "/g");
        assertTrue(write.stderr().contains("AccessDenied"), write.stderr());

        AwsCli.Result mixed = aws.run("s3api", "put-bucket-acl", "--bucket", bucket, "--acl", "public-read",
                "--grant-read", "id=" + otherId);
        assertTrue(mixed.stderr().contains("InvalidRequest"), mixed.stderr());
    }

    private static String canonicalIdOf(AwsCli as, String scratch) {
        as.run("s3api", "create-bucket", "--bucket", scratch).assertSuccess();
        String id = as.run("s3api", "get-bucket-acl", "--bucket", scratch).assertSuccess().json()
                .at("/Owner/ID").asText();
        as.run("s3api", "delete-bucket", "--bucket", scratch).assertSuccess();
        return id;
    }
}

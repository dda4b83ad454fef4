package dev.dualkey.compat.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACLs and Object Ownership through the aws CLI ({@code s3api} and {@code s3 cp --acl}); each CLI run costs seconds,
 * so the SDK tests cover the rest.
 */
@ExtendWith(GatewayExtension.class)
class AclCliTest {

    @Test
    void aclsAndOwnership(GatewayEndpoint gw, TestBuckets buckets, @TempDir Path dir) throws Exception {
        AwsCli aws = AwsCli.require(gw, dir);
        Path file = dir.resolve("f.txt");
        Files.writeString(file, "cli");

        // A new bucket has ACLs disabled: `s3 cp --acl public-read` is refused.
        String enforced = buckets.create();
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

        String otherId = Acls.canonicalId(Clients.v2(gw, gw.otherAccount()),
                "acl-cli-" + UUID.randomUUID().toString().substring(0, 8));
        aws.run("s3api", "put-object-acl", "--bucket", bucket, "--key", "f", "--grant-read",
                "id=" + otherId).assertSuccess();
        aws.as(gw.otherAccount()).run("s3", "cp", "s3://" + bucket + "/f", dir.resolve("back.txt").toString())
                .assertSuccess();
        assertEquals("cli", Files.readString(dir.resolve("back.txt")));

        AwsCli.Result mixed = aws.run("s3api", "put-bucket-acl", "--bucket", bucket, "--acl", "public-read",
                "--grant-read", "id=" + otherId);
        assertNotEquals(0, mixed.exitCode());
        assertTrue(mixed.stderr().contains("InvalidRequest"), mixed.stderr());
    }
}

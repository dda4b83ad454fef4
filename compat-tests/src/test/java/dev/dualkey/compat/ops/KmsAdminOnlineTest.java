package dev.dualkey.compat.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.durable.AdminCli;
import dev.dualkey.compat.durable.ServeProcess;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * {@code dualkey admin kms ...} through the real CLI against a running {@code serve} process (the admin socket),
 * the key's state deciding what S3 clients of that server can read, then the same registry offline.
 */
class KmsAdminOnlineTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(180) // hang detector only
    void keysAreManagedOnTheRunningServerAndDecideWhatS3Serves() {
        Path data = dir.resolve("data");
        String d = "--data-dir=" + data;
        String keyId;
        try (ServeProcess s = ServeProcess.start(data, Map.of()); S3Client s3 = Clients.v2(s.endpoint())) {
            AdminCli created = AdminCli.run("admin", "kms", "create-key", d, "--description", "ops", "--json");
            assertEquals(0, created.exitCode(), created.err());
            JsonNode k = created.json();
            assertEquals("server", k.path("through").asText());
            keyId = k.path("KeyId").asText();
            String arn = k.path("Arn").asText();
            AdminCli alias = AdminCli.run("admin", "kms", "create-alias", d, "--alias-name", "alias/ops",
                    "--key-id", keyId);
            assertEquals(0, alias.exitCode(), alias.err());

            s3.createBucket(b -> b.bucket("kms-online"));
            var put = s3.putObject(b -> b.bucket("kms-online").key("k").serverSideEncryption(
                    ServerSideEncryption.AWS_KMS).ssekmsKeyId("alias/ops"), RequestBody.fromString("online"));
            assertEquals(arn, put.ssekmsKeyId());

            assertEquals(0, AdminCli.run("admin", "kms", "disable-key", d, "--key-id", arn).exitCode());
            S3Exception disabled = assertThrows(S3Exception.class, () -> s3.getObjectAsBytes(b -> b
                    .bucket("kms-online").key("k")));
            assertEquals("KMS.DisabledException", disabled.awsErrorDetails().errorCode());
            assertEquals(0, AdminCli.run("admin", "kms", "enable-key", d, "--key-id", "alias/ops").exitCode());
            assertEquals("online", s3.getObjectAsBytes(b -> b.bucket("kms-online").key("k")).asUtf8String());

            AdminCli scheduled = AdminCli.run("admin", "kms", "schedule-key-deletion", d, "--key-id", keyId,
                    "--pending-window-in-days", "7", "--json");
            assertEquals(0, scheduled.exitCode(), scheduled.err());
            assertEquals("PendingDeletion", scheduled.json().path("KeyState").asText());
            S3Exception pending = assertThrows(S3Exception.class, () -> s3.getObjectAsBytes(b -> b
                    .bucket("kms-online").key("k")));
            assertEquals("KMS.KMSInvalidStateException", pending.awsErrorDetails().errorCode());
        }
        AdminCli offline = AdminCli.run("admin", "kms", "list-keys", d, "--json");
        assertEquals(0, offline.exitCode(), offline.err());
        assertEquals("offline", offline.json().path("through").asText());
        boolean found = false;
        for (JsonNode k : offline.json().path("keys")) {
            found |= k.path("KeyId").asText().equals(keyId) && k.path("KeyState").asText().equals("PendingDeletion");
        }
        assertTrue(found, offline.out());
        AdminCli cancelled = AdminCli.run("admin", "kms", "cancel-key-deletion", d, "--key-id", keyId);
        assertEquals(0, cancelled.exitCode(), cancelled.err());
        assertTrue(cancelled.out().contains("Disabled"), cancelled.out());
    }
}

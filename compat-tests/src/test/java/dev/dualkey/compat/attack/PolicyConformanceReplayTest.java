package dev.dualkey.compat.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import dev.dualkey.compat.iam.IamClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.CreateAccessKeyResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Replays the end-to-end subset of the policy conformance table (mfa's {@code conformance.json}, cases with
 * {@code "e2e": true}) through SDK v2 against a running gateway: each policy set is put on a fresh IAM user,
 * whose requests must be allowed (2xx) exactly where the evaluator's table says ALLOW and refused with 403
 * AccessDenied elsewhere. The table's bucket {@code examplebucket} becomes a test bucket and its user
 * {@code alice} the fresh user (in policies, {@code ALICE} becomes the upper-cased name).
 */
@ExtendWith(GatewayExtension.class)
class PolicyConformanceReplayTest {
    /** The table, read from the mfa module's test resources (surefire runs in compat-tests/). */
    private static final Path TABLE = Path.of("..", "mfa", "src", "test", "resources", "dev", "dualkey", "mfa",
            "policy", "conformance.json");

    @Test
    void apiAgreesWithTheEvaluatorOnEveryEndToEndRow(GatewayEndpoint gw, TestBuckets buckets) throws IOException {
        JsonNode table = new ObjectMapper().readTree(Files.readString(TABLE));
        String bucket = buckets.create();
        Map<String, AccessKey> users = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        List<String> created = new ArrayList<>();
        int replayed = 0;
        try (IamClient iam = IamClients.v2(gw, gw.root()); S3Client root = Clients.v2(gw)) {
            for (JsonNode c : table.get("cases")) {
                if (!c.path("e2e").asBoolean(false)) {
                    continue;
                }
                String id = c.get("id").asText();
                List<String> policies = new ArrayList<>();
                c.get("policies").forEach(p -> policies.add(p.asText()));
                String setKey = String.join(",", policies);
                if (!users.containsKey(setKey)) {
                    String name = "alice-" + UUID.randomUUID().toString().substring(0, 8);
                    iam.createUser(b -> b.userName(name));
                    created.add(name);
                    for (String p : policies) {
                        String doc = table.get("policies").get(p).toString()
                                .replace("examplebucket", bucket)
                                .replace("alice", name)
                                .replace("ALICE", name.toUpperCase(java.util.Locale.ROOT));
                        iam.putUserPolicy(b -> b.userName(name).policyName(p).policyDocument(doc));
                    }
                    CreateAccessKeyResponse k = iam.createAccessKey(b -> b.userName(name));
                    users.put(setKey, new AccessKey(k.accessKey().accessKeyId(), k.accessKey().secretAccessKey()));
                    names.put(setKey, name);
                }
                String name = names.get(setKey);
                String resource = c.get("resource").asText().replace("alice", name);
                String prefix = "arn:aws:s3:::examplebucket";
                assertTrue(resource.startsWith(prefix), id);
                String key = resource.length() > prefix.length() ? resource.substring(prefix.length() + 1) : null;
                String action = c.get("action").asText();
                if (key != null) {
                    root.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("v"));
                }
                boolean expectAllowed = c.get("expect").asText().equals("ALLOW");
                try (S3Client s3 = Clients.v2(gw, users.get(setKey))) {
                    int status = call(s3, action, bucket, key);
                    if (expectAllowed) {
                        assertTrue(status / 100 == 2, id + ": expected allowed, got " + status);
                    } else {
                        assertEquals(403, status, id);
                    }
                }
                replayed++;
            }
            assertTrue(replayed >= 20, "replayed " + replayed);
        } finally {
            try (IamClient iam = IamClients.v2(gw, gw.root())) {
                for (Map.Entry<String, String> e : names.entrySet()) {
                    String name = e.getValue();
                    iam.deleteAccessKey(b -> b.userName(name).accessKeyId(users.get(e.getKey()).accessKeyId()));
                    for (String p : iam.listUserPolicies(b -> b.userName(name)).policyNames()) {
                        iam.deleteUserPolicy(b -> b.userName(name).policyName(p));
                    }
                    iam.deleteUser(b -> b.userName(name));
                }
            }
        }
    }

    /** The HTTP status of {@code action} by the user; a 403 must carry AccessDenied. */
    private static int call(S3Client s3, String action, String bucket, String key) {
        try {
            switch (action) {
                case "s3:GetObject" -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
                case "s3:PutObject" -> s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("w"));
                case "s3:DeleteObject" -> s3.deleteObject(b -> b.bucket(bucket).key(key));
                case "s3:ListBucket" -> s3.listObjectsV2(b -> b.bucket(bucket));
                default -> throw new AssertionError("no SDK call for " + action);
            }
            return 200;
        } catch (S3Exception e) {
            if (e.statusCode() == 403) {
                assertEquals("AccessDenied", e.awsErrorDetails().errorCode());
            }
            return e.statusCode();
        }
    }
}

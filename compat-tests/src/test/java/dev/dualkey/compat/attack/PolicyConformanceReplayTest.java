package dev.dualkey.compat.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import dev.dualkey.compat.iam.IamClients;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.CreateAccessKeyResponse;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Replays the end-to-end subset of the policy conformance table (mfa's {@code conformance.json}, cases with
 * {@code "e2e": true}) through SDK v2 against a running gateway: each policy set is put on a fresh IAM user,
 * whose requests must be allowed (2xx) exactly where the evaluator's table says ALLOW and refused with 403
 * AccessDenied elsewhere. The table's bucket {@code examplebucket} becomes a test bucket and its user
 * {@code alice} the fresh user (in policies, {@code ALICE} becomes the upper-cased name).
 */
@ExtendWith(GatewayExtension.class)
class PolicyConformanceReplayTest {
    @Test
    void apiAgreesWithTheEvaluatorOnEveryEndToEndRow(GatewayEndpoint gw, TestBuckets buckets) throws IOException {
        PolicyConformanceRows table = PolicyConformanceRows.load();
        String bucket = buckets.create();
        Map<String, AccessKey> users = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        int replayed = 0;
        try (IamClient iam = IamClients.v2(gw, gw.root()); S3Client root = Clients.v2(gw)) {
            for (PolicyConformanceRows.Row row : table.endToEnd()) {
                String id = row.id();
                String setKey = row.policySet();
                if (!users.containsKey(setKey)) {
                    String name = "alice-" + UUID.randomUUID().toString().substring(0, 8);
                    iam.createUser(b -> b.userName(name));
                    for (String p : row.policies()) {
                        String doc = table.policyDocument(p, bucket, name);
                        iam.putUserPolicy(b -> b.userName(name).policyName(p).policyDocument(doc));
                    }
                    CreateAccessKeyResponse k = iam.createAccessKey(b -> b.userName(name));
                    users.put(setKey, new AccessKey(k.accessKey().accessKeyId(), k.accessKey().secretAccessKey()));
                    names.put(setKey, name);
                }
                String key = row.key(names.get(setKey));
                if (key != null) {
                    root.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("v"));
                }
                try (S3Client s3 = Clients.v2(gw, users.get(setKey))) {
                    int status = PolicyConformanceRows.sdkStatus(s3, row.action(), bucket, key);
                    if (row.allowed()) {
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
}

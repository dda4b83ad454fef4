package dev.dualkey.compat.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The end-to-end rows of the policy conformance table (mfa's {@code conformance.json}, cases with
 * {@code "e2e": true}), shared by the SDK and console replays. The table's bucket {@code examplebucket} becomes a
 * real bucket and its user {@code alice} a fresh IAM user (in policies, {@code ALICE} becomes the upper-cased
 * name), one user per distinct policy set ({@link Row#policySet()}).
 */
final class PolicyConformanceRows {
    /** The table, read from the mfa module's test resources (surefire runs in compat-tests/). */
    private static final Path TABLE = Path.of("..", "mfa", "src", "test", "resources", "dev", "dualkey", "mfa",
            "policy", "conformance.json");
    private static final String BUCKET_ARN = "arn:aws:s3:::examplebucket";

    private final JsonNode table;

    private PolicyConformanceRows(JsonNode table) {
        this.table = table;
    }

    static PolicyConformanceRows load() throws IOException {
        return new PolicyConformanceRows(new ObjectMapper().readTree(Files.readString(TABLE)));
    }

    /**
     * One end-to-end case.
     *
     * @param policies the names of the table's policies the user has
     * @param action an S3 action: s3:GetObject, s3:PutObject, s3:DeleteObject or s3:ListBucket
     * @param resourceKey the object key with {@code alice} still in it, or {@code null} for the bucket
     * @param allowed whether the table's decision is ALLOW
     */
    record Row(String id, List<String> policies, String action, String resourceKey, boolean allowed) {
        /** The key of the policy set: rows with the same set share one user. */
        String policySet() {
            return String.join(",", policies);
        }

        /** The object key for the fresh user {@code userName}, or {@code null} for a bucket-level row. */
        String key(String userName) {
            return resourceKey == null ? null : resourceKey.replace("alice", userName);
        }
    }

    /** The rows marked {@code "e2e": true}, in table order. */
    List<Row> endToEnd() {
        List<Row> rows = new ArrayList<>();
        for (JsonNode c : table.get("cases")) {
            if (!c.path("e2e").asBoolean(false)) {
                continue;
            }
            String id = c.get("id").asText();
            List<String> policies = new ArrayList<>();
            c.get("policies").forEach(p -> policies.add(p.asText()));
            String resource = c.get("resource").asText();
            assertTrue(resource.startsWith(BUCKET_ARN), id);
            String key = resource.length() > BUCKET_ARN.length() ? resource.substring(BUCKET_ARN.length() + 1) : null;
            rows.add(new Row(id, policies, c.get("action").asText(), key, c.get("expect").asText().equals("ALLOW")));
        }
        return rows;
    }

    /** The named policy's document for {@code bucket} and the fresh user {@code userName}. */
    String policyDocument(String policy, String bucket, String userName) {
        return table.get("policies").get(policy).toString()
                .replace("examplebucket", bucket)
                .replace("alice", userName)
                .replace("ALICE", userName.toUpperCase(Locale.ROOT));
    }

    /** The HTTP status of the row's {@code action} through SDK v2 by the user; a 403 must carry AccessDenied. */
    static int sdkStatus(S3Client s3, String action, String bucket, String key) {
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

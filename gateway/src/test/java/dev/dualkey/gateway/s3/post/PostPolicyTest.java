package dev.dualkey.gateway.s3.post;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The POST policy as AWS's "POST Policy" page defines it, with S3's refusal texts. */
class PostPolicyTest {
    static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    static PostPolicy policy(String conditions) {
        String json = "{\"expiration\":\"2026-12-02T13:00:00.000Z\",\"conditions\":[" + conditions + "]}";
        return PostPolicy.parse(Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)));
    }

    static Map<String, String> form(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static S3Exception refused(String conditions, Map<String, String> fields) {
        return assertThrows(S3Exception.class, () -> policy(conditions).evaluate(NOW, withBucket(fields),
                fields.keySet()));
    }

    static Map<String, String> withBucket(Map<String, String> f) {
        Map<String, String> m = new LinkedHashMap<>(f);
        m.put("bucket", "b");
        return m;
    }

    @Test
    void everyConditionHoldsAndEveryFieldIsNamed() {
        Map<String, String> f = form("key", "user/eric/a.txt", "acl", "public-read", "content-type", "image/png",
                "x-ignore-flash", "1", "awsaccesskeyid", "A", "signature", "s", "policy", "p");
        PostPolicy p = policy("{\"bucket\":\"b\"},{\"acl\":\"public-read\"},[\"starts-with\",\"$key\",\"user/eric/\"],"
                + "[\"starts-with\",\"$Content-Type\",\"image/\"],[\"content-length-range\",1,10]");
        p.evaluate(NOW, withBucket(f), f.keySet());
        assertEquals(1, p.minLength());
        assertEquals(10, p.maxLength());
    }

    @Test
    void refusalsAreS3s() {
        assertEquals("Invalid according to Policy: Policy Condition failed: [\"eq\", \"$acl\", \"private\"]",
                refused("{\"acl\":\"private\"}", form("acl", "public-read")).getMessage());
        assertEquals("Invalid according to Policy: Policy Condition failed: [\"starts-with\", \"$key\", \"a/\"]",
                refused("[\"starts-with\",\"$key\",\"a/\"]", form("key", "b/x")).getMessage());
        assertEquals("Invalid according to Policy: Extra input fields: x-amz-meta-tag",
                refused("[\"starts-with\",\"$key\",\"\"]", form("key", "k", "x-amz-meta-tag", "t")).getMessage());
        assertEquals(S3ErrorCode.ACCESS_DENIED, refused("{\"bucket\":\"other\"}", form()).error());
        // Content-Type with several values: each must start with the prefix
        assertEquals(S3ErrorCode.ACCESS_DENIED, refused("[\"starts-with\",\"$Content-Type\",\"image/\"]",
                form("content-type", "image/png,text/html")).error());
        S3Exception expired = assertThrows(S3Exception.class, () -> policy("").evaluate(
                Instant.parse("2026-12-02T13:00:00Z"), form(), form().keySet()));
        assertEquals("Invalid according to Policy: Policy expired.", expired.getMessage());
    }

    @Test
    void documentsThatAreNotPolicies() {
        S3Exception json = assertThrows(S3Exception.class, () -> PostPolicy.parse(Base64.getEncoder()
                .encodeToString("{not json".getBytes(StandardCharsets.UTF_8))));
        assertEquals(S3ErrorCode.INVALID_POLICY_DOCUMENT, json.error());
        assertEquals("Invalid Policy: Invalid JSON.", json.getMessage());
        S3Exception noExp = assertThrows(S3Exception.class, () -> PostPolicy.parse(Base64.getEncoder()
                .encodeToString("{\"conditions\":[]}".getBytes(StandardCharsets.UTF_8))));
        assertEquals("Invalid Policy: Policy missing expiration.", noExp.getMessage());
        assertEquals(S3ErrorCode.INVALID_POLICY_DOCUMENT, refused("[\"matches\",\"$key\",\"x\"]",
                form("key", "x")).error());
    }

    @Test
    void taggingFieldBecomesPutObjectsHeader() {
        assertEquals("a=1&b%20c=d%26e", PostObjectExchange.taggingHeader("<Tagging><TagSet><Tag><Key>a</Key>"
                + "<Value>1</Value></Tag><Tag><Key>b c</Key><Value>d&amp;e</Value></Tag></TagSet></Tagging>"));
        assertEquals(S3ErrorCode.MALFORMED_XML, assertThrows(S3Exception.class,
                () -> PostObjectExchange.taggingHeader("<Tags/>")).error());
    }
}

package dev.dualkey.mfa.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.mfa.error.MalformedPolicyDocumentException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Bucket policy validation with S3's MalformedPolicy messages, principals, and the public predicate. */
class BucketPolicyParserTest {
    private static final String BUCKET = "photos";
    private static final Set<String> KNOWN = Set.of("arn:aws:iam::111111111111:root",
            "arn:aws:iam::222222222222:root", "arn:aws:iam::222222222222:user/bob");

    private static ResourcePolicy parse(String doc) {
        return BucketPolicyParser.parse(doc, BUCKET, KNOWN::contains);
    }

    private static String refused(String doc) {
        return assertThrows(MalformedPolicyDocumentException.class, () -> parse(doc)).getMessage();
    }

    private static String stmt(String principal, String action, String resource) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":" + principal
                + ",\"Action\":" + action + ",\"Resource\":" + resource + "}]}";
    }

    @Test
    void publicReadParsesAndIsPublic() {
        ResourcePolicy p = parse(stmt("\"*\"", "\"s3:GetObject\"", "\"arn:aws:s3:::photos/*\""));
        assertTrue(p.statements().get(0).principal().everyone());
        assertTrue(PolicyInspection.isPublic(p));
        RequestContext get = new RequestContext("s3:GetObject", "arn:aws:s3:::photos/a.jpg", Map.of());
        assertTrue(p.statements().get(0).matches(get));
        assertFalse(p.statements().get(0).matches(
                new RequestContext("s3:PutObject", "arn:aws:s3:::photos/a.jpg", Map.of())));
    }

    @Test
    void principalsAreNormalized() {
        ResourcePolicy p = parse(stmt("{\"AWS\":[\"222222222222\",\"arn:aws:iam::222222222222:user/bob\"]}",
                "[\"s3:GetObject\",\"s3:ListBucket\"]", "[\"arn:aws:s3:::photos\",\"arn:aws:s3:::photos/*\"]"));
        assertEquals(List.of("arn:aws:iam::222222222222:root", "arn:aws:iam::222222222222:user/bob"),
                p.statements().get(0).principal().arns());
        assertFalse(PolicyInspection.isPublic(p), "fixed principals are not public");
        assertTrue(parse(stmt("{\"AWS\":\"*\"}", "\"s3:*\"", "\"arn:aws:s3:::photos/*\""))
                .statements().get(0).principal().everyone());
    }

    @Test
    void s3Messages() {
        assertEquals("Invalid principal in policy",
                refused(stmt("{\"AWS\":\"333333333333\"}", "\"s3:GetObject\"", "\"arn:aws:s3:::photos/*\"")));
        assertEquals("Invalid principal in policy",
                refused(stmt("{\"AWS\":\"arn:aws:iam::222222222222:role/r\"}", "\"s3:GetObject\"",
                        "\"arn:aws:s3:::photos/*\"")));
        assertEquals("Invalid principal in policy",
                refused(stmt("\"bob\"", "\"s3:GetObject\"", "\"arn:aws:s3:::photos/*\"")));
        assertEquals("Policy has invalid resource",
                refused(stmt("\"*\"", "\"s3:GetObject\"", "\"arn:aws:s3:::other/*\"")));
        assertEquals("Policy has invalid resource", refused(stmt("\"*\"", "\"s3:GetObject\"", "\"*\"")));
        assertEquals("Policy has invalid action",
                refused(stmt("\"*\"", "\"s3:GetObjekt\"", "\"arn:aws:s3:::photos/*\"")));
        assertEquals("Policy has invalid action",
                refused(stmt("\"*\"", "\"iam:CreateUser\"", "\"arn:aws:s3:::photos/*\"")));
        assertEquals("Action does not apply to any resource(s) in statement",
                refused(stmt("\"*\"", "\"s3:PutObject\"", "\"arn:aws:s3:::photos\"")));
        assertEquals("Action does not apply to any resource(s) in statement",
                refused(stmt("\"*\"", "\"s3:ListBucket\"", "\"arn:aws:s3:::photos/*\"")));
        assertEquals("Policies must be valid JSON and the first byte must be '{'", refused("[1]"));
        assertEquals("This policy contains invalid Json", refused("{\"Statement\": "));
        assertEquals("Missing required field Statement", refused("{\"Version\":\"2012-10-17\"}"));
        assertEquals("Could not parse the policy: Statement is empty!",
                refused("{\"Version\":\"2012-10-17\",\"Statement\":[]}"));
        assertEquals("The policy must contain a valid version string",
                refused("{\"Version\":\"2020-01-01\",\"Statement\":[]}"));
        assertEquals("Missing required field Principal", refused("{\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::photos/*\"}]}"));
        assertEquals("Unknown field Foo", refused("{\"Foo\":1,\"Statement\":[]}"));
        assertEquals("Invalid effect: Maybe", refused("{\"Statement\":[{\"Effect\":\"Maybe\",\"Principal\":\"*\","
                + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::photos/*\"}]}"));
        assertEquals("Policy has an invalid condition key", refused("{\"Statement\":[{\"Effect\":\"Deny\","
                + "\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::photos/*\","
                + "\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresnt\":\"false\"}}}]}"));
    }

    @Test
    void twentyKilobytesCompact() {
        StringBuilder sids = new StringBuilder();
        int i = 0;
        String one;
        do {
            sids.append(i == 0 ? "" : ",").append("{\"Sid\":\"S").append(i++).append("\",\"Effect\":\"Allow\","
                    + "\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::photos/*\"}");
            one = "{\"Statement\":[" + sids + "]}";
        } while (one.length() <= BucketPolicyParser.MAX_BYTES);
        String big = one;
        assertEquals("Policy exceeds the maximum allowed document size.", refused(big));
        // whitespace does not count: the same small policy padded far beyond 20 KB is accepted
        String padded = stmt("\"*\"", "\"s3:GetObject\"", "\"arn:aws:s3:::photos/*\"").replace(",", ",\n"
                + " ".repeat(8000));
        assertTrue(padded.length() > BucketPolicyParser.MAX_BYTES);
        assertEquals(1, parse(padded).statements().size());
    }

    @Test
    void conditionsPinAPolicyToNonPublic() {
        String withIp = "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::photos/*\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":"
                + "[\"192.0.2.0/24\",\"2001:db8::/32\"]}}}]}";
        assertFalse(PolicyInspection.isPublic(parse(withIp)));
        assertTrue(PolicyInspection.isPublic(parse(withIp.replace("192.0.2.0/24", "0.0.0.0/0"))));
        String account = "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::photos/*\",\"Condition\":{\"StringEquals\":"
                + "{\"aws:PrincipalAccount\":\"222222222222\"}}}]}";
        assertFalse(PolicyInspection.isPublic(parse(account)));
        assertTrue(PolicyInspection.isPublic(parse(account.replace("222222222222", "2222*"))));
        assertTrue(PolicyInspection.isPublic(parse(account.replace("StringEquals", "StringEqualsIfExists"))));
        String deny = "{\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\","
                + "\"Resource\":\"arn:aws:s3:::photos/*\"}]}";
        assertFalse(PolicyInspection.isPublic(parse(deny)), "a Deny never makes a policy public");
        assertTrue(parse(account).mentionsKeyPrefix("aws:principalaccount"));
    }

    @Test
    void conditionsEvaluateAsForIdentityPolicies() {
        ResourcePolicy p = parse("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\","
                + "\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::photos/*\",\"Condition\":{\"NotIpAddress\":"
                + "{\"aws:SourceIp\":\"2001:db8::/32\"},\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":\"false\"}}}]}");
        ResourceStatement s = p.statements().get(0);
        assertTrue(s.matches(new RequestContext("s3:GetObject", "arn:aws:s3:::photos/k",
                Map.of("aws:SourceIp", "203.0.113.9"))));
        assertFalse(s.matches(new RequestContext("s3:GetObject", "arn:aws:s3:::photos/k",
                Map.of("aws:SourceIp", "2001:db8::7"))));
        assertFalse(s.matches(new RequestContext("s3:GetObject", "arn:aws:s3:::photos/k",
                Map.of("aws:SourceIp", "203.0.113.9", "aws:MultiFactorAuthPresent", "true"))));
    }
}

package dev.dualkey.mfa.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.mfa.error.MalformedPolicyDocumentException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyEvaluatorTest {
    private static final String USER_ARN = "arn:aws:iam::123456789012:user/alice";

    /** The AWS "self-manage MFA" example, reduced. */
    private static final Policy SELF_MANAGE = PolicyParser.parse("""
            {"Version":"2012-10-17","Statement":[
              {"Sid":"Create","Effect":"Allow","Action":"iam:CreateVirtualMFADevice",
               "Resource":"arn:aws:iam::*:mfa/*"},
              {"Sid":"Manage","Effect":"Allow",
               "Action":["iam:EnableMFADevice","iam:ListMFADevices","iam:ResyncMFADevice"],
               "Resource":"arn:aws:iam::*:user/${aws:username}"},
              {"Sid":"DeactivateWithMfa","Effect":"Allow","Action":"iam:DeactivateMFADevice",
               "Resource":"arn:aws:iam::*:user/${aws:username}",
               "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},
              {"Sid":"S3","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::data/*"},
              {"Sid":"NoVersionDeletes","Effect":"Deny","Action":"s3:DeleteObjectVersion","Resource":"*"}
            ]}""");

    private static Decision eval(String action, String resource, Map<String, String> keys) {
        return PolicyEvaluator.evaluate(List.of(SELF_MANAGE), new RequestContext(action, resource, keys));
    }

    private static Map<String, String> alice(boolean mfa) {
        return Map.of("aws:username", "alice", "aws:MultiFactorAuthPresent", String.valueOf(mfa));
    }

    @Test
    void allowsOwnUserResourceThroughPolicyVariable() {
        assertEquals(Decision.ALLOW, eval("iam:EnableMFADevice", USER_ARN, alice(false)));
        assertEquals(Decision.IMPLICIT_DENY, eval("iam:EnableMFADevice", "arn:aws:iam::123456789012:user/bob",
                alice(false)));
    }

    @Test
    void actionsAreCaseInsensitiveResourcesAreNot() {
        assertEquals(Decision.ALLOW, eval("IAM:enablemfadevice", USER_ARN, alice(false)));
        assertEquals(Decision.IMPLICIT_DENY, eval("iam:EnableMFADevice", "arn:aws:iam::123456789012:user/ALICE",
                alice(false)));
    }

    @Test
    void conditionOnMfaPresent() {
        assertEquals(Decision.IMPLICIT_DENY, eval("iam:DeactivateMFADevice", USER_ARN, alice(false)));
        assertEquals(Decision.ALLOW, eval("iam:DeactivateMFADevice", USER_ARN, alice(true)));
        assertEquals(Decision.IMPLICIT_DENY, eval("iam:DeactivateMFADevice", USER_ARN, Map.of("aws:username",
                "alice")));
    }

    @Test
    void explicitDenyWinsOverAllow() {
        assertEquals(Decision.ALLOW, eval("s3:GetObject", "arn:aws:s3:::data/a/b", alice(false)));
        assertEquals(Decision.EXPLICIT_DENY, eval("s3:DeleteObjectVersion", "arn:aws:s3:::data/a", alice(true)));
    }

    @Test
    void defaultDenyAndWildcards() {
        assertEquals(Decision.IMPLICIT_DENY, eval("s3:GetObject", "arn:aws:s3:::other/a", alice(false)));
        assertEquals(Decision.IMPLICIT_DENY, eval("iam:CreateUser", USER_ARN, alice(false)));
        assertEquals(Decision.ALLOW, PolicyEvaluator.evaluate(List.of(PolicyParser.parse(
                "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:Get?bject\","
                        + "\"Resource\":\"arn:aws:s3:::b?cket/*\"}}")),
                new RequestContext("s3:GetObject", "arn:aws:s3:::bucket/k", Map.of())));
        assertEquals(Decision.IMPLICIT_DENY, PolicyEvaluator.evaluate(List.of(), new RequestContext("s3:GetObject",
                "arn:aws:s3:::bucket/k", Map.of())));
    }

    @Test
    void notActionAndStringLikeConditions() {
        Policy p = PolicyParser.parse("""
                {"Version":"2012-10-17","Statement":[
                 {"Effect":"Allow","NotAction":"iam:*","Resource":"*",
                  "Condition":{"StringLike":{"aws:username":"a*"},"StringNotEquals":{"aws:SourceIp":"10.0.0.1"}}}]}""");
        assertEquals(Decision.ALLOW, PolicyEvaluator.evaluate(List.of(p), new RequestContext("s3:PutObject",
                "arn:aws:s3:::x/y", Map.of("aws:username", "anna"))));
        assertEquals(Decision.IMPLICIT_DENY, PolicyEvaluator.evaluate(List.of(p), new RequestContext("iam:GetUser",
                "*", Map.of("aws:username", "anna"))));
        assertEquals(Decision.IMPLICIT_DENY, PolicyEvaluator.evaluate(List.of(p), new RequestContext("s3:PutObject",
                "arn:aws:s3:::x/y", Map.of("aws:username", "bob"))));
        assertEquals(Decision.IMPLICIT_DENY, PolicyEvaluator.evaluate(List.of(p), new RequestContext("s3:PutObject",
                "arn:aws:s3:::x/y", Map.of("aws:username", "anna", "aws:SourceIp", "10.0.0.1"))));
    }

    @Test
    void malformedPoliciesAreRefused() {
        for (String bad : List.of("", "{", "[]", "{\"Statement\":[]}",
                "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}",
                "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Resource\":\"*\"}}",
                "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\"}}",
                "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"GetObject\",\"Resource\":\"*\"}}",
                "{\"Version\":\"2020-01-01\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}",
                "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\","
                        + "\"Condition\":{\"DateGreaterThanEquals\":{\"aws:CurrentTime\":\"2020-13-45\"}}}}",
                "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\","
                        + "\"Resource\":\"*\"}}")) {
            assertThrows(MalformedPolicyDocumentException.class, () -> PolicyParser.parse(bad), bad);
        }
    }

    @Test
    void wildcardMatcherEdgeCases() {
        assertEquals(true, Wildcards.matches("*", "", false));
        assertEquals(true, Wildcards.matches("a*b*c", "aXXbYYc", false));
        assertEquals(false, Wildcards.matches("a*b*c", "aXXbYY", false));
        assertEquals(false, Wildcards.matches("a?", "a", false));
        assertEquals(true, Wildcards.matches("**a", "bba", false));
    }
}

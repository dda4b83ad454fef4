package dev.dualkey.mfa.policy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.mfa.error.MalformedPolicyDocumentException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** PutUserPolicy's validation: each malformed document gets IAM's MalformedPolicyDocument message. */
class PolicyParserTest {
    private static String stmt(String body) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[" + body + "]}";
    }

    static Stream<Arguments> malformed() {
        String ok = "\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"";
        return Stream.of(
                Arguments.of("", PolicyParser.SYNTAX),
                Arguments.of("{", PolicyParser.SYNTAX),
                Arguments.of("[]", PolicyParser.SYNTAX),
                Arguments.of("{\"Version\":\"2012-10-17\"}", PolicyParser.SYNTAX),
                Arguments.of("{\"Version\":\"2012-10-17\",\"Statement\":[]}", PolicyParser.SYNTAX),
                Arguments.of("{\"Version\":\"2012-10-17\",\"Statement\":\"x\"}", PolicyParser.SYNTAX),
                Arguments.of("{\"Version\":\"2012-10-18\",\"Statement\":{" + ok + "}}", PolicyParser.SYNTAX),
                Arguments.of("{\"Version\":20121017,\"Statement\":{" + ok + "}}", PolicyParser.SYNTAX),
                Arguments.of("{\"Version\":\"2012-10-17\",\"Extra\":1,\"Statement\":{" + ok + "}}", PolicyParser.SYNTAX),
                Arguments.of(stmt("{" + ok + ",\"Unknown\":\"x\"}"), PolicyParser.SYNTAX),
                Arguments.of(stmt("{" + ok + ",\"Principal\":\"*\"}"), PolicyParser.PRINCIPAL),
                Arguments.of(stmt("{" + ok + ",\"NotPrincipal\":{\"AWS\":\"*\"}}"), PolicyParser.PRINCIPAL),
                Arguments.of(stmt("{\"Effect\":\"Permit\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"), PolicyParser.SYNTAX),
                Arguments.of(stmt("{\"Action\":\"s3:*\",\"Resource\":\"*\"}"), PolicyParser.SYNTAX),
                Arguments.of(stmt("{\"Effect\":\"allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"), PolicyParser.LEGACY),
                Arguments.of(stmt("{" + ok + ",\"NotAction\":\"s3:*\"}"), PolicyParser.SYNTAX),
                Arguments.of(stmt("{" + ok + ",\"NotResource\":\"*\"}"), PolicyParser.SYNTAX),
                Arguments.of(stmt("{\"Effect\":\"Allow\",\"Action\":[1],\"Resource\":\"*\"}"), PolicyParser.SYNTAX),
                Arguments.of(stmt("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":{\"a\":1}}"), PolicyParser.SYNTAX),
                Arguments.of(stmt("{\"Effect\":\"Allow\",\"Resource\":\"*\"}"), PolicyParser.NO_ACTIONS),
                Arguments.of(stmt("{\"Effect\":\"Allow\",\"Action\":[],\"Resource\":\"*\"}"), PolicyParser.NO_ACTIONS),
                Arguments.of(stmt("{\"Effect\":\"Allow\",\"Action\":\"s3:*\"}"), PolicyParser.NO_RESOURCES),
                Arguments.of(stmt("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":[]}"), PolicyParser.NO_RESOURCES),
                Arguments.of(stmt("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"foo\"}"),
                        "Resource foo must be in ARN format or \"*\"."),
                Arguments.of(stmt("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"\"}"),
                        "Resource  must be in ARN format or \"*\"."),
                Arguments.of(stmt("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3\"}"),
                        "Resource arn:aws:s3 must be in ARN format or \"*\"."),
                Arguments.of(stmt("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:foo:s3:::b\"}"),
                        "Partition \"foo\" is not valid for resource \"arn:foo:s3:::b\"."),
                Arguments.of(stmt("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws::::b\"}"),
                        "Resource vendor must be fully qualified and cannot contain regexes."),
                Arguments.of(stmt("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s*:::b\"}"),
                        "Resource vendor must be fully qualified and cannot contain regexes."),
                Arguments.of(stmt("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:us-east-1::b\"}"),
                        "Resource arn:aws:s3:us-east-1::b can not contain region information."),
                Arguments.of(stmt("{\"Effect\":\"Allow\",\"Action\":\"iam:*\","
                        + "\"Resource\":\"arn:aws:iam:us-east-1:123456789012:user/a\"}"),
                        "IAM resource arn:aws:iam:us-east-1:123456789012:user/a cannot contain region information."),
                Arguments.of(stmt("{\"Effect\":\"Allow\",\"Action\":\"iam:*\",\"Resource\":\"arn:aws:iam::1:usr/a\"}"),
                        "IAM resource path must either be \"*\" or start with user/, federated-user/, role/, group/,"
                                + " instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/,"
                                + " oidc-provider/, report/, access-report/."),
                Arguments.of(stmt("{\"Effect\":\"Allow\",\"Action\":\"GetObject\",\"Resource\":\"*\"}"), PolicyParser.VENDOR),
                Arguments.of(stmt("{\"Effect\":\"Allow\",\"Action\":\"s3:a:b\",\"Resource\":\"*\"}"), PolicyParser.ONE_COLON),
                Arguments.of(stmt("{\"Effect\":\"Allow\",\"Action\":\"s 3:Get\",\"Resource\":\"*\"}"), "Vendor s 3 is not valid"),
                Arguments.of(stmt("{\"Sid\":\"A\"," + ok + "},{\"Sid\":\"A\"," + ok + "}"), PolicyParser.SID_UNIQUE),
                Arguments.of(stmt("{\"Sid\":\"my-sid\"," + ok + "}"), PolicyParser.SID_PATTERN),
                Arguments.of(stmt("{\"Sid\":\"has space\"," + ok + "}"), PolicyParser.SID_PATTERN),
                Arguments.of(stmt("{" + ok + ",\"Condition\":{\"StringEqualz\":{\"aws:username\":\"a\"}}}"), PolicyParser.SYNTAX),
                Arguments.of(stmt("{" + ok + ",\"Condition\":{\"NullIfExists\":{\"aws:username\":\"true\"}}}"), PolicyParser.SYNTAX),
                Arguments.of(stmt("{" + ok + ",\"Condition\":{\"ForSomeValues:StringLike\":{\"aws:TagKeys\":\"a\"}}}"),
                        PolicyParser.SYNTAX),
                Arguments.of(stmt("{" + ok + ",\"Condition\":{\"StringEquals\":\"x\"}}"), PolicyParser.SYNTAX),
                Arguments.of(stmt("{" + ok + ",\"Condition\":{\"StringEquals\":{\"aws:username\":{\"a\":1}}}}"),
                        PolicyParser.SYNTAX),
                Arguments.of(stmt("{" + ok + ",\"Condition\":{\"StringEquals\":{\"aws:username\":[]}}}"), PolicyParser.SYNTAX),
                Arguments.of(stmt("{" + ok + ",\"Condition\":{\"DateLessThan\":{\"aws:CurrentTime\":\"yesterday\"}}}"),
                        PolicyParser.LEGACY),
                Arguments.of(stmt("{" + ok + ",\"Condition\":{\"NumericLessThan\":{\"aws:MultiFactorAuthAge\":\"ten\"}}}"),
                        PolicyParser.SYNTAX),
                Arguments.of(stmt("{" + ok + ",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"yes\"}}}"), PolicyParser.SYNTAX),
                Arguments.of(stmt("{" + ok + ",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/33\"}}}"),
                        PolicyParser.SYNTAX),
                Arguments.of(stmt("{" + ok + ",\"Condition\":{\"StringEquals\":{\"username\":\"a\"}}}"), PolicyParser.VENDOR),
                Arguments.of(stmt("{" + ok + ",\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresnt\":\"true\"}}}"),
                        "Condition key aws:MultiFactorAuthPresnt is not an AWS global condition key."),
                Arguments.of("{\"Version\":\"2012-10-17\",\"Version\":\"2012-10-17\",\"Statement\":{" + ok + "}}",
                        PolicyParser.SYNTAX));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void refusedWithIamMessage(String document, String message) {
        MalformedPolicyDocumentException e = assertThrows(MalformedPolicyDocumentException.class,
                () -> PolicyParser.parse(document), document);
        assertEquals(message, e.getMessage(), document);
        assertEquals("MalformedPolicyDocument", e.code());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}",
        "{\"Version\":\"2008-10-17\",\"Statement\":{\"Effect\":\"Deny\",\"NotAction\":\"iam:*\",\"NotResource\":\"*\"}}",
        "{\"Version\":\"2012-10-17\",\"Id\":\"x\",\"Statement\":[{\"Sid\":\"\",\"Effect\":\"Allow\",\"Action\":\"s3:*\","
                + "\"Resource\":\"arn:aws:s3:::b/${aws:username}/*\"},{\"Sid\":\"\",\"Effect\":\"Allow\","
                + "\"Action\":[\"iam:Get*\",\"iam:List?FADevices\"],\"Resource\":[\"arn:aws:iam::*:user/*\","
                + "\"arn:aws:iam::123456789012:mfa/*\"]}]}",
        "{\"Version\":\"2012-10-17\",\"Statement\":{\"Sid\":\"Mfa1\",\"Effect\":\"Deny\",\"NotAction\":[\"iam:*\","
                + "\"sts:GetSessionToken\"],\"Resource\":\"*\",\"Condition\":{\"BoolIfExists\":"
                + "{\"aws:MultiFactorAuthPresent\":false},\"NumericGreaterThan\":{\"aws:MultiFactorAuthAge\":3600},"
                + "\"IpAddress\":{\"aws:SourceIp\":[\"10.0.0.0/8\",\"2001:db8::/32\"]},"
                + "\"DateGreaterThan\":{\"aws:CurrentTime\":\"2026-01-01T00:00:00Z\",\"aws:EpochTime\":\"1767225600\"},"
                + "\"ForAllValues:StringLike\":{\"aws:TagKeys\":\"team*\"},\"ForAnyValue:StringEqualsIfExists\":"
                + "{\"s3:x-amz-acl\":\"private\"},\"Null\":{\"aws:ResourceTag/team\":\"false\"},"
                + "\"BinaryEquals\":{\"s3:x\":\"QmluYXJ5\"},\"ArnLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:user/a*\"}}}}"})
    void acceptedAsIamDoes(String document) {
        assertDoesNotThrow(() -> PolicyParser.parse(document));
    }

    @org.junit.jupiter.api.Test
    void quotaCountsCharactersWithoutWhitespace() {
        assertEquals(7, PolicyParser.quotaSize(" {\n\t\"a\" : 1 }\r\n"));
        assertEquals(3, PolicyParser.quotaSize("é\u00A0x")); // a no-break space is not whitespace to Java either
    }
}

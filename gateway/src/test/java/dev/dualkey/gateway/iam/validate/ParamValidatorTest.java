package dev.dualkey.gateway.iam.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.iam.IamAction;
import dev.dualkey.gateway.iam.error.IamErrorCode;
import dev.dualkey.gateway.iam.error.IamException;
import dev.dualkey.gateway.iam.query.FormDecoder;
import dev.dualkey.gateway.iam.query.QueryParams;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamValidatorTest {

    private static ValidatedParams validate(IamAction action, String form) {
        return ParamValidator.validate(new QueryParams(FormDecoder.decode(form, Map.of())), action.params());
    }

    private static String failure(IamAction action, String form) {
        IamException e = assertThrows(IamException.class, () -> validate(action, form));
        assertEquals(IamErrorCode.VALIDATION_ERROR, e.errorCode());
        assertEquals(400, e.errorCode().httpStatus());
        return e.getMessage();
    }

    @Test
    void acceptsValidEnableRequest() {
        ValidatedParams v = validate(IamAction.ENABLE_MFA_DEVICE, "UserName=alice"
                + "&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice"
                + "&AuthenticationCode1=123456&AuthenticationCode2=654321");
        assertEquals("alice", v.required("UserName"));
        assertEquals("654321", v.required("AuthenticationCode2"));
    }

    @Test
    void missingRequiredMemberIsNull() {
        assertEquals("1 validation error detected: Value null at 'serialNumber' failed to satisfy constraint: "
                + "Member must not be null", failure(IamAction.DELETE_VIRTUAL_MFA_DEVICE, ""));
    }

    @Test
    void listsEveryViolationInAwsWording() {
        String msg = failure(IamAction.ENABLE_MFA_DEVICE,
                "UserName=bad%20name&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fa"
                        + "&AuthenticationCode1=12&AuthenticationCode2=abcdef");
        assertEquals("3 validation errors detected: "
                + "Value 'bad name' at 'userName' failed to satisfy constraint: Member must satisfy regular "
                + "expression pattern: [\\w+=,.@-]+; "
                + "Value '12' at 'authenticationCode1' failed to satisfy constraint: Member must have length "
                + "greater than or equal to 6; "
                + "Value 'abcdef' at 'authenticationCode2' failed to satisfy constraint: Member must satisfy "
                + "regular expression pattern: [\\d]+", msg);
    }

    @Test
    void neverEchoesPasswords() {
        String msg = failure(IamAction.CHANGE_PASSWORD, "OldPassword=s3cr%01t&NewPassword=" + "x".repeat(129));
        assertFalse(msg.contains("s3cr"), msg);
        assertFalse(msg.contains("xxxx"), msg);
        assertTrue(msg.contains("Value at 'oldPassword' failed to satisfy constraint: Member must satisfy "
                + "regular expression pattern"), msg);
        assertTrue(msg.contains("Value at 'newPassword' failed to satisfy constraint: Member must have length "
                + "less than or equal to 128"), msg);
    }

    @Test
    void neverEchoesHugeInputs() {
        String huge = "a".repeat(100_000);
        String msg = failure(IamAction.GET_USER, "UserName=" + huge);
        assertEquals("1 validation error detected: Value at 'userName' failed to satisfy constraint: "
                + "Member must have length less than or equal to 128", msg);
    }

    @Test
    void emptyValueViolatesMinimumLength() {
        assertEquals("1 validation error detected: Value '' at 'userName' failed to satisfy constraint: "
                + "Member must have length greater than or equal to 1", failure(IamAction.CREATE_USER, "UserName="));
    }

    @Test
    void integersAndEnumsAndBooleans() {
        assertEquals(100, validate(IamAction.LIST_USERS, "").integer("MaxItems", 100));
        assertEquals(7, validate(IamAction.LIST_USERS, "MaxItems=7").integer("MaxItems", 100));
        assertTrue(failure(IamAction.LIST_USERS, "MaxItems=1001")
                .endsWith("Member must have value less than or equal to 1000"));
        assertTrue(failure(IamAction.LIST_USERS, "MaxItems=0")
                .endsWith("Member must have value greater than or equal to 1"));
        assertTrue(failure(IamAction.LIST_USERS, "MaxItems=ten").endsWith("Member must be an integer"));
        assertEquals("1 validation error detected: Value 'Disabled' at 'status' failed to satisfy constraint: "
                + "Member must satisfy enum value set: [Active, Inactive, Expired]",
                failure(IamAction.UPDATE_ACCESS_KEY, "AccessKeyId=AKIAAAAAAAAAAAAAAAAA&Status=Disabled"));
        ValidatedParams v = validate(IamAction.CREATE_LOGIN_PROFILE, "Password=pw&PasswordResetRequired=true");
        assertEquals(Boolean.TRUE, v.bool("PasswordResetRequired"));
        assertNull(validate(IamAction.CREATE_LOGIN_PROFILE, "Password=pw").bool("PasswordResetRequired"));
        failure(IamAction.CREATE_LOGIN_PROFILE, "PasswordResetRequired=yes");
    }

    @Test
    void tagsAreReadAndChecked() {
        ValidatedParams v = validate(IamAction.TAG_MFA_DEVICE, "SerialNumber=GAHT12345678"
                + "&Tags.member.2.Key=team&Tags.member.2.Value=&Tags.member.1.Key=env&Tags.member.1.Value=prod");
        assertEquals(List.of(new IamTag("env", "prod"), new IamTag("team", "")), v.tags("Tags"));

        assertEquals("1 validation error detected: Value null at 'tags.1.member.value' failed to satisfy "
                + "constraint: Member must not be null",
                failure(IamAction.TAG_MFA_DEVICE, "SerialNumber=GAHT12345678&Tags.member.1.Key=env"));
        assertTrue(failure(IamAction.TAG_MFA_DEVICE, "SerialNumber=GAHT12345678&Tags.member.1.Key=a%21"
                + "&Tags.member.1.Value=v").contains("at 'tags.1.member.key'"));
        assertEquals("1 validation error detected: Value null at 'tags' failed to satisfy constraint: "
                + "Member must not be null", failure(IamAction.TAG_MFA_DEVICE, "SerialNumber=GAHT12345678"));

        StringBuilder many = new StringBuilder("SerialNumber=GAHT12345678");
        for (int i = 1; i <= 51; i++) {
            many.append("&Tags.member.").append(i).append(".Key=k").append(i)
                    .append("&Tags.member.").append(i).append(".Value=v");
        }
        assertEquals("1 validation error detected: Value at 'tags' failed to satisfy constraint: "
                + "Member must have length less than or equal to 50",
                failure(IamAction.TAG_MFA_DEVICE, many.toString()));
    }

    @Test
    void stringLists() {
        ValidatedParams v = validate(IamAction.UNTAG_MFA_DEVICE,
                "SerialNumber=GAHT12345678&TagKeys.member.1=a&TagKeys.member.2=b");
        assertEquals(List.of("a", "b"), v.list("TagKeys"));
        assertTrue(failure(IamAction.UNTAG_MFA_DEVICE, "SerialNumber=GAHT12345678&TagKeys.member.1=")
                .contains("at 'tagKeys.1.member'"));
    }

    @Test
    void pathPattern() {
        assertEquals("/a/b/", validate(IamAction.CREATE_USER, "UserName=u&Path=%2Fa%2Fb%2F").string("Path"));
        assertTrue(failure(IamAction.CREATE_USER, "UserName=u&Path=a%2F").contains("at 'path'"));
        // No catastrophic backtracking on a long path of slashes: length is refused before the pattern.
        assertTrue(failure(IamAction.CREATE_USER, "UserName=u&Path=" + "%2F".repeat(5000))
                .endsWith("Member must have length less than or equal to 512"));
    }
}

package dev.dualkey.compat.iam;

import static dev.dualkey.compat.iam.MfaDeviceTest.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.identitymanagement.AmazonIdentityManagement;
import com.amazonaws.services.identitymanagement.model.AmazonIdentityManagementException;
import com.amazonaws.services.identitymanagement.model.CreateLoginProfileRequest;
import com.amazonaws.services.identitymanagement.model.CreateUserRequest;
import com.amazonaws.services.identitymanagement.model.CreateVirtualMFADeviceRequest;
import com.amazonaws.services.identitymanagement.model.CreateVirtualMFADeviceResult;
import com.amazonaws.services.identitymanagement.model.DeactivateMFADeviceRequest;
import com.amazonaws.services.identitymanagement.model.DeleteAccessKeyRequest;
import com.amazonaws.services.identitymanagement.model.DeleteLoginProfileRequest;
import com.amazonaws.services.identitymanagement.model.DeleteUserPolicyRequest;
import com.amazonaws.services.identitymanagement.model.DeleteUserRequest;
import com.amazonaws.services.identitymanagement.model.DeleteVirtualMFADeviceRequest;
import com.amazonaws.services.identitymanagement.model.EnableMFADeviceRequest;
import com.amazonaws.services.identitymanagement.model.GetLoginProfileRequest;
import com.amazonaws.services.identitymanagement.model.GetMFADeviceRequest;
import com.amazonaws.services.identitymanagement.model.GetUserPolicyRequest;
import com.amazonaws.services.identitymanagement.model.GetUserRequest;
import com.amazonaws.services.identitymanagement.model.ListAccessKeysRequest;
import com.amazonaws.services.identitymanagement.model.ListMFADeviceTagsRequest;
import com.amazonaws.services.identitymanagement.model.ListMFADevicesRequest;
import com.amazonaws.services.identitymanagement.model.ListUserPoliciesRequest;
import com.amazonaws.services.identitymanagement.model.ListUsersRequest;
import com.amazonaws.services.identitymanagement.model.ListVirtualMFADevicesRequest;
import com.amazonaws.services.identitymanagement.model.PutUserPolicyRequest;
import com.amazonaws.services.identitymanagement.model.ResyncMFADeviceRequest;
import com.amazonaws.services.identitymanagement.model.Tag;
import com.amazonaws.services.identitymanagement.model.TagMFADeviceRequest;
import com.amazonaws.services.identitymanagement.model.UntagMFADeviceRequest;
import com.amazonaws.services.identitymanagement.model.UpdateAccessKeyRequest;
import com.amazonaws.services.identitymanagement.model.UpdateLoginProfileRequest;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every action once through AWS SDK for Java v1 ({@code AmazonIdentityManagement}). */
@ExtendWith(GatewayExtension.class)
class IamSdkV1Test {
    private static AmazonIdentityManagement iam;

    @BeforeAll
    static void client(GatewayEndpoint gw) {
        iam = IamClients.v1(gw, gw.root());
    }

    @AfterAll
    static void close() {
        iam.shutdown();
    }

    private static void assertError(int status, String code, Runnable call) {
        AmazonIdentityManagementException e = assertThrows(AmazonIdentityManagementException.class, call::run);
        assertEquals(code, e.getErrorCode(), e.getMessage());
        assertEquals(status, e.getStatusCode(), e.getMessage());
    }

    @Test
    void everyActionThroughSdkV1() {
        String user = unique("v1");
        assertEquals(user, iam.createUser(new CreateUserRequest(user)).getUser().getUserName());
        assertEquals(user, iam.getUser(new GetUserRequest().withUserName(user)).getUser().getUserName());
        assertTrue(iam.listUsers(new ListUsersRequest()).getUsers().stream().anyMatch(u -> u.getUserName().equals(user)));

        var key = iam.createAccessKey(new com.amazonaws.services.identitymanagement.model.CreateAccessKeyRequest()
                .withUserName(user)).getAccessKey();
        assertEquals(1, iam.listAccessKeys(new ListAccessKeysRequest().withUserName(user)).getAccessKeyMetadata().size());
        iam.updateAccessKey(new UpdateAccessKeyRequest(user, key.getAccessKeyId(), "Inactive"));
        iam.deleteAccessKey(new DeleteAccessKeyRequest(user, key.getAccessKeyId()));

        iam.createLoginProfile(new CreateLoginProfileRequest(user, "V1-Password-ok"));
        assertEquals(user, iam.getLoginProfile(new GetLoginProfileRequest(user)).getLoginProfile().getUserName());
        iam.updateLoginProfile(new UpdateLoginProfileRequest(user).withPassword("V1-Password-new"));
        iam.deleteLoginProfile(new DeleteLoginProfileRequest(user));

        String doc = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::b/*\"}]}";
        iam.putUserPolicy(new PutUserPolicyRequest(user, "p", doc));
        assertEquals(doc, URLDecoder.decode(iam.getUserPolicy(new GetUserPolicyRequest(user, "p")).getPolicyDocument(),
                StandardCharsets.UTF_8));
        assertEquals(1, iam.listUserPolicies(new ListUserPoliciesRequest(user)).getPolicyNames().size());
        iam.deleteUserPolicy(new DeleteUserPolicyRequest(user, "p"));
        assertTrue(iam.getAccountSummary().getSummaryMap().containsKey("Users"));

        CreateVirtualMFADeviceResult created = iam.createVirtualMFADevice(new CreateVirtualMFADeviceRequest()
                .withVirtualMFADeviceName(user));
        String serial = created.getVirtualMFADevice().getSerialNumber();
        String seed = StandardCharsets.US_ASCII.decode(created.getVirtualMFADevice().getBase32StringSeed()).toString();
        assertError(403, "InvalidAuthenticationCode", () -> iam.enableMFADevice(new EnableMFADeviceRequest(user, serial,
                "123456", "654321")));
        String[] codes = MfaDeviceTest.freshPair(seed);
        iam.enableMFADevice(new EnableMFADeviceRequest(user, serial, codes[0], codes[1]));
        String[] next = MfaDeviceTest.freshPair(seed);
        iam.resyncMFADevice(new ResyncMFADeviceRequest(user, serial, next[0], next[1]));
        assertEquals(serial, iam.listMFADevices(new ListMFADevicesRequest().withUserName(user)).getMFADevices().get(0)
                .getSerialNumber());
        assertEquals(user, iam.getMFADevice(new GetMFADeviceRequest().withSerialNumber(serial)).getUserName());
        assertTrue(iam.listVirtualMFADevices(new ListVirtualMFADevicesRequest().withAssignmentStatus("Assigned"))
                .getVirtualMFADevices().stream().anyMatch(d -> d.getSerialNumber().equals(serial)));
        iam.tagMFADevice(new TagMFADeviceRequest().withSerialNumber(serial).withTags(new Tag().withKey("k").withValue("v")));
        assertEquals("v", iam.listMFADeviceTags(new ListMFADeviceTagsRequest().withSerialNumber(serial)).getTags().get(0)
                .getValue());
        iam.untagMFADevice(new UntagMFADeviceRequest().withSerialNumber(serial).withTagKeys("k"));
        assertError(409, "DeleteConflict", () -> iam.deleteVirtualMFADevice(new DeleteVirtualMFADeviceRequest().withSerialNumber(serial)));
        iam.deactivateMFADevice(new DeactivateMFADeviceRequest(user, serial));
        iam.deleteVirtualMFADevice(new DeleteVirtualMFADeviceRequest().withSerialNumber(serial));
        iam.deleteUser(new DeleteUserRequest(user));
        assertError(404, "NoSuchEntity", () -> iam.getUser(new GetUserRequest().withUserName(user)));
        assertError(400, "ValidationError", () -> iam.getUser(new GetUserRequest().withUserName("no spaces allowed")));
    }
}

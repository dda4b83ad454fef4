package dev.dualkey.compat.iam;

import static dev.dualkey.compat.iam.MfaDeviceTest.assertIamError;
import static dev.dualkey.compat.iam.MfaDeviceTest.freshPair;
import static dev.dualkey.compat.iam.MfaDeviceTest.seedOf;
import static dev.dualkey.compat.iam.MfaDeviceTest.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.CreateAccessKeyResponse;
import software.amazon.awssdk.services.iam.model.CreateVirtualMfaDeviceResponse;

/**
 * Identity policies decide what an IAM user may do with MFA devices: AWS's "manage your own virtual MFA
 * device" example policy lets a user create and enable a device of its own, while deactivating it (or
 * touching anyone else's) stays denied by default.
 */
@ExtendWith(GatewayExtension.class)
class IamPolicyTest {
    /** AWS's self-service example (reference_policies_examples_iam_mfa-selfmanage), without the MFA condition. */
    static final String SELF_MANAGE_MFA = "{\"Version\":\"2012-10-17\",\"Statement\":["
            + "{\"Sid\":\"OwnVirtualDevice\",\"Effect\":\"Allow\","
            + "\"Action\":[\"iam:CreateVirtualMFADevice\",\"iam:DeleteVirtualMFADevice\"],"
            + "\"Resource\":\"arn:aws:iam::*:mfa/${aws:username}\"},"
            + "{\"Sid\":\"OwnUser\",\"Effect\":\"Allow\","
            + "\"Action\":[\"iam:EnableMFADevice\",\"iam:ListMFADevices\",\"iam:ResyncMFADevice\",\"iam:GetUser\"],"
            + "\"Resource\":\"arn:aws:iam::*:user/${aws:username}\"}]}";

    private static IamClient root;

    @BeforeAll
    static void client(GatewayEndpoint gw) {
        root = IamClients.v2(gw, gw.root());
    }

    @AfterAll
    static void close() {
        root.close();
    }

    @Test
    void userManagesOwnDeviceButCannotDeactivateIt(GatewayEndpoint gw) {
        String alice = unique("alice");
        String bob = unique("bob");
        root.createUser(b -> b.userName(alice));
        root.createUser(b -> b.userName(bob));
        root.putUserPolicy(b -> b.userName(alice).policyName("mfa-self").policyDocument(SELF_MANAGE_MFA));
        CreateAccessKeyResponse k = root.createAccessKey(b -> b.userName(alice));
        AccessKey key = new AccessKey(k.accessKey().accessKeyId(), k.accessKey().secretAccessKey());

        try (IamClient asAlice = IamClients.v2(gw, key)) {
            assertEquals(alice, asAlice.getUser().user().userName());
            CreateVirtualMfaDeviceResponse created = asAlice.createVirtualMFADevice(b -> b.virtualMFADeviceName(alice));
            String serial = created.virtualMFADevice().serialNumber();
            String[] codes = freshPair(seedOf(created));
            asAlice.enableMFADevice(b -> b.userName(alice).serialNumber(serial)
                    .authenticationCode1(codes[0]).authenticationCode2(codes[1]));
            assertEquals(serial, asAlice.listMFADevices().mfaDevices().get(0).serialNumber());

            assertIamError(403, "AccessDenied", () -> asAlice.deactivateMFADevice(b -> b.userName(alice)
                    .serialNumber(serial)));
            assertIamError(403, "AccessDenied", () -> asAlice.createVirtualMFADevice(b -> b.virtualMFADeviceName(bob)));
            assertIamError(403, "AccessDenied", () -> asAlice.listMFADevices(b -> b.userName(bob)));
            assertIamError(403, "AccessDenied", () -> asAlice.listVirtualMFADevices());
            assertIamError(403, "AccessDenied", () -> asAlice.createUser(b -> b.userName(unique("mallory"))));

            // Lost device: the account's root deactivates it for her.
            root.deactivateMFADevice(b -> b.userName(alice).serialNumber(serial));
            asAlice.deleteVirtualMFADevice(b -> b.serialNumber(serial));
        }
        root.deleteAccessKey(b -> b.userName(alice).accessKeyId(key.accessKeyId()));
        root.deleteUserPolicy(b -> b.userName(alice).policyName("mfa-self"));
        root.deleteUser(b -> b.userName(alice));
        root.deleteUser(b -> b.userName(bob));
    }

    @Test
    void explicitDenyWins(GatewayEndpoint gw) {
        String carol = unique("carol");
        root.createUser(b -> b.userName(carol));
        root.putUserPolicy(b -> b.userName(carol).policyName("all").policyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iam:*\","
                        + "\"Resource\":\"*\"},{\"Effect\":\"Deny\",\"Action\":\"iam:DeleteUser\",\"Resource\":\"*\"}]}"));
        CreateAccessKeyResponse k = root.createAccessKey(b -> b.userName(carol));
        AccessKey key = new AccessKey(k.accessKey().accessKeyId(), k.accessKey().secretAccessKey());
        try (IamClient asCarol = IamClients.v2(gw, key)) {
            String dave = unique("dave");
            asCarol.createUser(b -> b.userName(dave));
            assertIamError(403, "AccessDenied", () -> asCarol.deleteUser(b -> b.userName(dave)));
            root.deleteUser(b -> b.userName(dave));
        }
        root.deleteAccessKey(b -> b.userName(carol).accessKeyId(key.accessKeyId()));
        root.deleteUserPolicy(b -> b.userName(carol).policyName("all"));
        root.deleteUser(b -> b.userName(carol));
    }
}

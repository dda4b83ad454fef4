package dev.dualkey.compat.iam;

import static dev.dualkey.compat.iam.MfaDeviceTest.assertIamError;
import static dev.dualkey.compat.iam.MfaDeviceTest.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.CreateAccessKeyResponse;
import software.amazon.awssdk.services.iam.model.GetUserResponse;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.iam.model.User;
import software.amazon.awssdk.services.s3.S3Client;

/** Users, access keys, login profiles, inline policies and the account summary through SDK v2. */
@ExtendWith(GatewayExtension.class)
class IamUserTest {
    private static GatewayEndpoint gw;
    private static IamClient iam;

    @BeforeAll
    static void client(GatewayEndpoint endpoint) {
        gw = endpoint;
        iam = IamClients.v2(gw, gw.root());
    }

    @AfterAll
    static void close() {
        iam.close();
    }

    @Test
    void userLifecycle() {
        String name = unique("user");
        User created = iam.createUser(b -> b.userName(name).path("/team/")
                .tags(Tag.builder().key("env").value("test").build())).user();
        assertEquals(name, created.userName());
        assertEquals("/team/", created.path());
        assertTrue(created.arn().matches("arn:aws:iam::\\d{12}:user/team/" + name), created.arn());
        assertTrue(created.userId().startsWith("AIDA"), created.userId());

        GetUserResponse got = iam.getUser(b -> b.userName(name));
        assertEquals(created.userId(), got.user().userId());
        assertTrue(iam.listUsers(b -> b.pathPrefix("/team/")).users().stream()
                .anyMatch(u -> u.userName().equals(name)));
        assertIamError(409, "EntityAlreadyExists", () -> iam.createUser(b -> b.userName(name.toUpperCase())));
        assertIamError(404, "NoSuchEntity", () -> iam.getUser(b -> b.userName(unique("ghost"))));

        // Root without a name: the caller itself.
        assertTrue(iam.getUser().user().arn().endsWith(":root"));

        iam.deleteUser(b -> b.userName(name));
        assertIamError(404, "NoSuchEntity", () -> iam.deleteUser(b -> b.userName(name)));
    }

    @Test
    void accessKeysSignRequestsAndAreLimitedToTwo() {
        String name = unique("keys");
        iam.createUser(b -> b.userName(name));
        CreateAccessKeyResponse k1 = iam.createAccessKey(b -> b.userName(name));
        assertEquals(StatusType.ACTIVE, k1.accessKey().status());
        assertEquals(40, k1.accessKey().secretAccessKey().length());
        iam.createAccessKey(b -> b.userName(name));
        assertIamError(409, "LimitExceeded", () -> iam.createAccessKey(b -> b.userName(name)));

        List<AccessKeyMetadata> keys = iam.listAccessKeys(b -> b.userName(name)).accessKeyMetadata();
        assertEquals(2, keys.size());

        // The new key authenticates on its own (the user may not do anything yet: AccessDenied, not a
        // signature error).
        AccessKey userKey = new AccessKey(k1.accessKey().accessKeyId(), k1.accessKey().secretAccessKey());
        try (IamClient asUser = IamClients.v2(gw, userKey)) {
            assertIamError(403, "AccessDenied", () -> asUser.listUsers());
            iam.updateAccessKey(b -> b.userName(name).accessKeyId(userKey.accessKeyId()).status(StatusType.INACTIVE));
            assertIamError(403, "InvalidClientTokenId", () -> asUser.listUsers());
        }

        assertIamError(409, "DeleteConflict", () -> iam.deleteUser(b -> b.userName(name)));
        for (AccessKeyMetadata k : keys) {
            iam.deleteAccessKey(b -> b.userName(name).accessKeyId(k.accessKeyId()));
        }
        assertIamError(404, "NoSuchEntity", () -> iam.deleteAccessKey(b -> b.userName(name)
                .accessKeyId(keys.get(0).accessKeyId())));
        iam.deleteUser(b -> b.userName(name));
    }

    @Test
    void loginProfiles() {
        String name = unique("console");
        iam.createUser(b -> b.userName(name));
        assertIamError(404, "NoSuchEntity", () -> iam.getLoginProfile(b -> b.userName(name)));
        assertEquals(name, iam.createLoginProfile(b -> b.userName(name).password("Corr3ct-Horse!")
                .passwordResetRequired(true)).loginProfile().userName());
        assertIamError(409, "EntityAlreadyExists", () -> iam.createLoginProfile(b -> b.userName(name)
                .password("Another-Pass-1")));
        assertTrue(iam.getLoginProfile(b -> b.userName(name)).loginProfile().passwordResetRequired());
        iam.updateLoginProfile(b -> b.userName(name).passwordResetRequired(false));
        assertFalse(iam.getLoginProfile(b -> b.userName(name)).loginProfile().passwordResetRequired());
        assertIamError(409, "DeleteConflict", () -> iam.deleteUser(b -> b.userName(name)));
        iam.deleteLoginProfile(b -> b.userName(name));
        assertIamError(404, "NoSuchEntity", () -> iam.deleteLoginProfile(b -> b.userName(name)));
        iam.deleteUser(b -> b.userName(name));
    }

    @Test
    void inlinePoliciesGrantS3Access() {
        String name = unique("policy");
        iam.createUser(b -> b.userName(name));
        String doc = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Action\":\"s3:ListAllMyBuckets\",\"Resource\":\"*\"}]}";
        iam.putUserPolicy(b -> b.userName(name).policyName("list").policyDocument(doc));
        String returned = iam.getUserPolicy(b -> b.userName(name).policyName("list")).policyDocument();
        // SDK v2 hands the document over as IAM sends it: URL-encoded.
        assertEquals(doc, URLDecoder.decode(returned, StandardCharsets.UTF_8));
        assertEquals(List.of("list"), iam.listUserPolicies(b -> b.userName(name)).policyNames());
        assertIamError(400, "MalformedPolicyDocument", () -> iam.putUserPolicy(b -> b.userName(name)
                .policyName("bad").policyDocument("{\"Statement\":[]")));

        CreateAccessKeyResponse key = iam.createAccessKey(b -> b.userName(name));
        AccessKey userKey = new AccessKey(key.accessKey().accessKeyId(), key.accessKey().secretAccessKey());
        try (S3Client s3 = Clients.v2(gw, userKey)) {
            s3.listBuckets();
        }
        iam.deleteUserPolicy(b -> b.userName(name).policyName("list"));
        try (S3Client s3 = Clients.v2(gw, userKey)) {
            software.amazon.awssdk.services.s3.model.S3Exception e = org.junit.jupiter.api.Assertions.assertThrows(
                    software.amazon.awssdk.services.s3.model.S3Exception.class, s3::listBuckets);
            assertEquals(403, e.statusCode());
            assertEquals("AccessDenied", e.awsErrorDetails().errorCode());
        }
        assertIamError(404, "NoSuchEntity", () -> iam.getUserPolicy(b -> b.userName(name).policyName("list")));
        iam.deleteAccessKey(b -> b.userName(name).accessKeyId(userKey.accessKeyId()));
        iam.deleteUser(b -> b.userName(name));
    }

    /**
     * Issue 19, session 19: the gateway keeps a resolved key while no write touched the access keys or users
     * (IdentityService's ResolvedKeyCache). A key that was just used for S3 requests (and so is kept) stops
     * signing them as soon as UpdateAccessKey or DeleteAccessKey has answered, and signs again once reactivated.
     */
    @Test
    void aKeyInUseStopsSigningS3RequestsOnceDeactivatedOrDeleted() {
        String name = unique("inuse");
        iam.createUser(b -> b.userName(name));
        iam.putUserPolicy(b -> b.userName(name).policyName("list").policyDocument("{\"Version\":\"2012-10-17\","
                + "\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:ListAllMyBuckets\",\"Resource\":\"*\"}]}"));
        CreateAccessKeyResponse key = iam.createAccessKey(b -> b.userName(name));
        AccessKey userKey = new AccessKey(key.accessKey().accessKeyId(), key.accessKey().secretAccessKey());
        try (S3Client s3 = Clients.v2(gw, userKey)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(200, s3.listBuckets().sdkHttpResponse().statusCode());
            }
            iam.updateAccessKey(b -> b.userName(name).accessKeyId(userKey.accessKeyId()).status(StatusType.INACTIVE));
            assertS3Error(403, "InvalidAccessKeyId", s3);
            iam.updateAccessKey(b -> b.userName(name).accessKeyId(userKey.accessKeyId()).status(StatusType.ACTIVE));
            assertEquals(200, s3.listBuckets().sdkHttpResponse().statusCode());
            assertEquals(200, s3.listBuckets().sdkHttpResponse().statusCode());
            iam.deleteAccessKey(b -> b.userName(name).accessKeyId(userKey.accessKeyId()));
            assertS3Error(403, "InvalidAccessKeyId", s3);
        }
        iam.deleteUserPolicy(b -> b.userName(name).policyName("list"));
        iam.deleteUser(b -> b.userName(name));
    }

    private static void assertS3Error(int status, String code, S3Client s3) {
        software.amazon.awssdk.services.s3.model.S3Exception e = org.junit.jupiter.api.Assertions.assertThrows(
                software.amazon.awssdk.services.s3.model.S3Exception.class, s3::listBuckets);
        assertEquals(status, e.statusCode());
        assertEquals(code, e.awsErrorDetails().errorCode());
    }

    @Test
    void accountSummaryCountsUsers() {
        int before = iam.getAccountSummary().summaryMapAsStrings().get("Users");
        String name = unique("summary");
        iam.createUser(b -> b.userName(name));
        assertEquals(before + 1, iam.getAccountSummary().summaryMapAsStrings().get("Users"));
        iam.deleteUser(b -> b.userName(name));
    }

    @Test
    void accountsAreIsolated() {
        String name = unique("isolated");
        iam.createUser(b -> b.userName(name));
        try (IamClient other = IamClients.v2(gw, gw.otherAccount())) {
            assertIamError(404, "NoSuchEntity", () -> other.getUser(b -> b.userName(name)));
            other.createUser(b -> b.userName(name));
            other.deleteUser(b -> b.userName(name));
        }
        iam.deleteUser(b -> b.userName(name));
    }
}

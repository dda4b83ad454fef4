package dev.dualkey.gateway.iam.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.iam.IamAuthorizer;
import dev.dualkey.gateway.iam.IamCaller;
import dev.dualkey.gateway.iam.IamQueryHandler;
import dev.dualkey.gateway.iam.IamResponse;
import dev.dualkey.gateway.iam.directory.Actor;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;

/**
 * Issue 12 A and B at the IAM layer: no IAM user acts on root (any letter case, by name or by device serial),
 * whatever its policy; root changes its second factor only with a recent MFA session. Issue 13.3/13.8:
 * decisions on the stored (canonical) ARN, messages with the ARN as written.
 */
class IamRootTargetTest {
    private static final String ACCT = "123456789012";
    private static final Instant NOW = Instant.parse("2026-12-02T07:00:00Z");
    private static final String ROOT_DEVICE = "arn:aws:iam::" + ACCT + ":mfa/root-phone";
    private static final String SPARE_DEVICE = "arn:aws:iam::" + ACCT + ":mfa/spare";
    private static final IamCaller ROOT_KEYS = IamCaller.root(ACCT);
    /** An IAM user whose policy allows {@code iam:*} on {@code *}. */
    private static final IamCaller ADMIN = new IamCaller(ACCT, "it-admin", "/");

    private static final Actor SETUP = new Actor(ACCT, "root", "arn:aws:iam::" + ACCT + ":root", "AKIASETUP", "-");

    private final FakeDirectory directory = new FakeDirectory();
    private final List<String> evaluated = new ArrayList<>();
    private Function<String, IamAuthorizer.Decision> policy = resource -> IamAuthorizer.Decision.ALLOW;
    private final IamQueryHandler handler = new IamQueryHandler(IamActions.over(directory),
            (caller, action, resource) -> {
                evaluated.add(action + " " + resource);
                return policy.apply(resource);
            }, e -> null, Clock.fixed(NOW, ZoneOffset.UTC));

    private IamResponse call(IamCaller caller, String form) {
        return handler.handle("POST", "application/x-www-form-urlencoded", "",
                ("Version=2010-05-08&" + form).getBytes(StandardCharsets.UTF_8), caller, "AKIAEXAMPLE", "r1",
                "127.0.0.1");
    }

    private static String element(IamResponse r, String name) throws Exception {
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(r.body()));
        return d.getElementsByTagName(name).getLength() == 0 ? null
                : d.getElementsByTagName(name).item(0).getTextContent();
    }

    private static void assertDenied(IamResponse r) throws Exception {
        assertEquals(403, r.status(), () -> new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("AccessDenied", element(r, "Code"));
    }

    private static void assertOk(IamResponse r) {
        assertEquals(200, r.status(), () -> new String(r.body(), StandardCharsets.UTF_8));
    }

    private static IamCaller rootSession(Instant mfaAt) {
        return new IamCaller(ACCT, IamCaller.ROOT, "/", true, mfaAt);
    }

    private void rootHasDevice() {
        directory.deviceOwner.put(ROOT_DEVICE, "root");
        directory.deviceOwner.put(SPARE_DEVICE, "");
    }

    @ParameterizedTest
    @ValueSource(strings = {"root", "ROOT", "Root", "rOOt"})
    void noIamUserActsOnRootByName(String root) throws Exception {
        rootHasDevice();
        directory.createUser(SETUP, "/", "bob", List.of());
        String u = "UserName=" + root;
        for (String form : List.of(
                "Action=CreateAccessKey&" + u,
                "Action=ListAccessKeys&" + u,
                "Action=UpdateAccessKey&" + u + "&AccessKeyId=AKIAFAKEFAKEFAKE0001&Status=Inactive",
                "Action=DeleteAccessKey&" + u + "&AccessKeyId=AKIAFAKEFAKEFAKE0001",
                "Action=GetLoginProfile&" + u,
                "Action=UpdateLoginProfile&" + u + "&Password=Another-Passw0rd!",
                "Action=CreateLoginProfile&" + u + "&Password=Another-Passw0rd!",
                "Action=DeleteLoginProfile&" + u,
                "Action=GetUser&" + u,
                "Action=PutUserPolicy&" + u + "&PolicyName=p&PolicyDocument=%7B%7D",
                "Action=ListUserPolicies&" + u,
                "Action=EnableMFADevice&" + u + "&SerialNumber=" + SPARE_DEVICE
                        + "&AuthenticationCode1=111111&AuthenticationCode2=222222",
                "Action=ResyncMFADevice&" + u + "&SerialNumber=" + ROOT_DEVICE
                        + "&AuthenticationCode1=111111&AuthenticationCode2=222222",
                "Action=DeactivateMFADevice&" + u + "&SerialNumber=" + ROOT_DEVICE,
                "Action=ListMFADevices&" + u,
                "Action=GetMFADevice&" + u + "&SerialNumber=" + ROOT_DEVICE)) {
            IamResponse r = call(ADMIN, form);
            assertDenied(r);
            assertTrue(element(r, "Message").contains("arn:aws:iam::" + ACCT + ":root"), form);
        }
        assertEquals(List.of(), directory.calls, "nothing reached the directory");
        assertEquals("root", directory.deviceOwner.get(ROOT_DEVICE));
        assertEquals("", directory.deviceOwner.get(SPARE_DEVICE));
    }

    @Test
    void noIamUserActsOnRootsDeviceBySerial() throws Exception {
        rootHasDevice();
        directory.createUser(SETUP, "/", "bob", List.of());
        String s = "SerialNumber=" + ROOT_DEVICE;
        for (String form : List.of(
                "Action=DeactivateMFADevice&UserName=bob&" + s,
                "Action=DeactivateMFADevice&" + s,
                "Action=DeleteVirtualMFADevice&" + s,
                "Action=TagMFADevice&" + s + "&Tags.member.1.Key=k&Tags.member.1.Value=v",
                "Action=UntagMFADevice&" + s + "&TagKeys.member.1=k",
                "Action=ListMFADeviceTags&" + s,
                "Action=GetMFADevice&" + s,
                "Action=ResyncMFADevice&UserName=bob&" + s + "&AuthenticationCode1=111111&AuthenticationCode2=222222")) {
            assertDenied(call(ADMIN, form));
        }
        assertEquals(List.of(), directory.calls);
        assertEquals("root", directory.deviceOwner.get(ROOT_DEVICE));
    }

    @Test
    void rootWithPlainKeysCannotChangeItsSecondFactor() throws Exception {
        rootHasDevice();
        IamResponse enable = call(ROOT_KEYS, "Action=EnableMFADevice&UserName=root&SerialNumber=" + SPARE_DEVICE
                + "&AuthenticationCode1=111111&AuthenticationCode2=222222");
        assertDenied(enable);
        assertTrue(element(enable, "Message").contains("no session with multi-factor authentication (MFA) newer "
                + "than 15 minutes was used: call sts get-session-token"), element(enable, "Message"));
        assertDenied(call(ROOT_KEYS, "Action=DeactivateMFADevice&UserName=root&SerialNumber=" + ROOT_DEVICE));
        assertDenied(call(ROOT_KEYS, "Action=DeactivateMFADevice&SerialNumber=" + ROOT_DEVICE));
        assertDenied(call(ROOT_KEYS, "Action=ResyncMFADevice&UserName=root&SerialNumber=" + ROOT_DEVICE
                + "&AuthenticationCode1=111111&AuthenticationCode2=222222"));
        assertDenied(call(ROOT_KEYS, "Action=DeleteVirtualMFADevice&SerialNumber=" + ROOT_DEVICE));
        assertEquals("root", directory.deviceOwner.get(ROOT_DEVICE));
        assertEquals("", directory.deviceOwner.get(SPARE_DEVICE));
        assertEquals(List.of(), directory.calls);
        // Root still reads and tags its devices with plain keys: only changes to the second factor need MFA.
        assertOk(call(ROOT_KEYS, "Action=ListMFADevices&UserName=root"));
        assertOk(call(ROOT_KEYS, "Action=ListMFADeviceTags&SerialNumber=" + ROOT_DEVICE));
    }

    @Test
    void sessionsWithoutRecentMfaAreRefusedToo() throws Exception {
        rootHasDevice();
        String enable = "Action=EnableMFADevice&UserName=root&SerialNumber=" + SPARE_DEVICE
                + "&AuthenticationCode1=111111&AuthenticationCode2=222222";
        assertDenied(call(rootSession(null), enable));
        assertDenied(call(rootSession(NOW.minus(Duration.ofMinutes(15)).minusSeconds(1)), enable));
        // Long-term keys never count, whatever MFA time might be attached.
        assertDenied(call(new IamCaller(ACCT, IamCaller.ROOT, "/", false, NOW), enable));
        assertEquals("", directory.deviceOwner.get(SPARE_DEVICE));
    }

    @Test
    void aRecentMfaSessionChangesRootsDevices() {
        rootHasDevice();
        IamCaller fresh = rootSession(NOW.minus(Duration.ofMinutes(15)));
        assertOk(call(fresh, "Action=EnableMFADevice&UserName=root&SerialNumber=" + SPARE_DEVICE
                + "&AuthenticationCode1=111111&AuthenticationCode2=222222"));
        assertEquals("root", directory.deviceOwner.get(SPARE_DEVICE));
        assertOk(call(fresh, "Action=ResyncMFADevice&UserName=root&SerialNumber=" + ROOT_DEVICE
                + "&AuthenticationCode1=111111&AuthenticationCode2=222222"));
        assertOk(call(fresh, "Action=DeactivateMFADevice&UserName=root&SerialNumber=" + ROOT_DEVICE));
        assertOk(call(fresh, "Action=DeleteVirtualMFADevice&SerialNumber=" + ROOT_DEVICE));
        assertFalse(directory.deviceOwner.containsKey(ROOT_DEVICE));
    }

    @Test
    void rootsFirstDeviceNeedsNoSession() {
        directory.deviceOwner.put(SPARE_DEVICE, "");
        assertOk(call(ROOT_KEYS, "Action=EnableMFADevice&UserName=root&SerialNumber=" + SPARE_DEVICE
                + "&AuthenticationCode1=111111&AuthenticationCode2=222222"));
        assertEquals("root", directory.deviceOwner.get(SPARE_DEVICE));
    }

    @Test
    void denyOnTheStoredNameCannotBeEscapedByLetterCase() throws Exception {
        directory.createUser(SETUP, "/ops/", "admin", List.of());
        policy = resource -> resource.equals("arn:aws:iam::" + ACCT + ":user/ops/admin")
                ? IamAuthorizer.Decision.EXPLICIT_DENY : IamAuthorizer.Decision.ALLOW;
        for (String name : List.of("admin", "ADMIN", "Admin")) {
            IamResponse r = call(ADMIN, "Action=CreateAccessKey&UserName=" + name);
            assertDenied(r);
            String message = element(r, "Message");
            assertTrue(message.contains("on resource: arn:aws:iam::" + ACCT + ":user/" + name + " "), message);
            assertFalse(message.contains("/ops/"), "the stored path must not leak: " + message);
        }
        assertEquals(List.of(), directory.calls);
        assertTrue(evaluated.stream().allMatch(e -> e.endsWith(":user/ops/admin")), evaluated.toString());

        policy = resource -> IamAuthorizer.Decision.ALLOW;
        assertOk(call(ADMIN, "Action=CreateAccessKey&UserName=ADMIN"));
        assertEquals(List.of("createAccessKey admin"), directory.calls, "the directory gets the stored name");
    }

    @Test
    void accessDeniedIsTheSameForAnExistingAndAMissingUser() throws Exception {
        directory.createUser(SETUP, "/admins/secret-team/", "ops-lead", List.of());
        policy = resource -> IamAuthorizer.Decision.IMPLICIT_DENY;
        String existing = element(call(ADMIN, "Action=GetUser&UserName=ops-lead"), "Message");
        String missing = element(call(ADMIN, "Action=GetUser&UserName=no-such-one"), "Message");
        assertEquals(existing.replace("ops-lead", "NAME"), missing.replace("no-such-one", "NAME"));
        assertFalse(existing.contains("secret-team"), existing);
    }

    @Test
    void ownCallsStillWork() {
        directory.createUser(SETUP, "/", "it-admin", List.of());
        assertOk(call(ADMIN, "Action=CreateAccessKey"));
        assertOk(call(ROOT_KEYS, "Action=CreateAccessKey"));
        assertOk(call(ROOT_KEYS, "Action=CreateAccessKey&UserName=it-admin"));
        assertEquals(List.of("createAccessKey it-admin", "createAccessKey root", "createAccessKey it-admin"),
                directory.calls);
    }
}

package dev.dualkey.gateway.iam.action;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.iam.IamAuthorizer;
import dev.dualkey.gateway.iam.IamCaller;
import dev.dualkey.gateway.iam.IamQueryHandler;
import dev.dualkey.gateway.iam.IamResponse;
import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class IamActionsTest {
    private static final String ACCT = "123456789012";
    private static final IamCaller ROOT = IamCaller.root(ACCT);
    private static final IamCaller ALICE = new IamCaller(ACCT, "alice", "/");

    private final FakeDirectory directory = new FakeDirectory();
    private final List<String> evaluated = new ArrayList<>();
    /** A stand-in for a policy letting alice manage her own virtual device, as AWS's example does. */
    private final IamQueryHandler handler = new IamQueryHandler(IamActions.over(directory),
            (caller, action, resource) -> {
                evaluated.add(action + " " + resource);
                boolean own = resource.equals("arn:aws:iam::" + ACCT + ":user/" + caller.userName())
                        || resource.equals("arn:aws:iam::" + ACCT + ":mfa/" + caller.userName());
                return own && !action.equals("iam:DeactivateMFADevice") ? IamAuthorizer.Decision.ALLOW
                        : IamAuthorizer.Decision.IMPLICIT_DENY;
            }, e -> null);

    private IamResponse call(IamCaller caller, String form) {
        return handler.handle("POST", "application/x-www-form-urlencoded", "",
                ("Version=2010-05-08&" + form).getBytes(StandardCharsets.UTF_8), caller, "AKIAEXAMPLE", "r1",
                "127.0.0.1");
    }

    private static Document ok(IamResponse r) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(r.body()));
        assertEquals(200, r.status(), () -> new String(r.body(), StandardCharsets.UTF_8));
        return d;
    }

    private static String text(Document d, String element) {
        return d.getElementsByTagName(element).item(0).getTextContent();
    }

    private static String code(IamResponse r) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(r.body()))
                .getElementsByTagName("Code").item(0).getTextContent();
    }

    @Test
    void userLifecycleShapes() throws Exception {
        Document created = ok(call(ROOT, "Action=CreateUser&UserName=alice&Path=%2Fteam%2F"
                + "&Tags.member.1.Key=env&Tags.member.1.Value=prod"));
        assertEquals("/team/", text(created, "Path"));
        assertEquals("arn:aws:iam::123456789012:user/team/alice", text(created, "Arn"));
        assertEquals("2026-01-02T03:04:05Z", text(created, "CreateDate"));
        assertEquals("env", text(created, "Key"));

        assertEquals("EntityAlreadyExists", code(call(ROOT, "Action=CreateUser&UserName=alice")));
        assertEquals("EntityAlreadyExists", code(call(ROOT, "Action=CreateUser&UserName=Root")));
        ok(call(ROOT, "Action=CreateUser&UserName=bob"));
        ok(call(ROOT, "Action=CreateUser&UserName=carol"));

        Document page1 = ok(call(ROOT, "Action=ListUsers&MaxItems=2"));
        assertEquals(2, page1.getElementsByTagName("UserName").getLength());
        assertEquals("true", text(page1, "IsTruncated"));
        String marker = text(page1, "Marker");
        Document page2 = ok(call(ROOT, "Action=ListUsers&MaxItems=2&Marker="
                + URLEncoder.encode(marker, StandardCharsets.UTF_8)));
        assertEquals("carol", text(page2, "UserName"));
        assertEquals("false", text(page2, "IsTruncated"));
        assertEquals(0, page2.getElementsByTagName("Marker").getLength());

        Document root = ok(call(ROOT, "Action=GetUser"));
        assertEquals("arn:aws:iam::123456789012:root", text(root, "Arn"));
        assertEquals(ACCT, text(root, "UserId"));
        assertEquals(0, root.getElementsByTagName("UserName").getLength());

        assertEquals("NoSuchEntity", code(call(ROOT, "Action=GetUser&UserName=nobody")));
        ok(call(ROOT, "Action=DeleteUser&UserName=bob"));
        assertEquals("NoSuchEntity", code(call(ROOT, "Action=DeleteUser&UserName=bob")));
    }

    @Test
    void iamUserIsAuthorizedOnTheRealUserArnWithPath() throws Exception {
        ok(call(ROOT, "Action=CreateUser&UserName=bob&Path=%2Fops%2F"));
        IamResponse r = call(ALICE, "Action=GetUser&UserName=bob");
        assertEquals(403, r.status());
        assertEquals("AccessDenied", code(r));
        assertEquals(List.of("iam:GetUser arn:aws:iam::123456789012:user/ops/bob"), evaluated);
    }

    @Test
    void virtualDeviceSelfServiceByPolicy() throws Exception {
        ok(call(ROOT, "Action=CreateUser&UserName=alice"));
        Document created = ok(call(ALICE, "Action=CreateVirtualMFADevice&VirtualMFADeviceName=alice"));
        String serial = text(created, "SerialNumber");
        assertEquals("arn:aws:iam::123456789012:mfa/alice", serial);
        assertEquals("JBSWY3DPEHPK3PXP",
                new String(Base64.getDecoder().decode(text(created, "Base32StringSeed")), StandardCharsets.US_ASCII));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'},
                Base64.getDecoder().decode(text(created, "QRCodePNG")));

        String enc = URLEncoder.encode(serial, StandardCharsets.UTF_8);
        assertEquals("InvalidAuthenticationCode", code(call(ALICE, "Action=EnableMFADevice&UserName=alice"
                + "&SerialNumber=" + enc + "&AuthenticationCode1=111111&AuthenticationCode2=333333")));
        ok(call(ALICE, "Action=EnableMFADevice&UserName=alice&SerialNumber=" + enc
                + "&AuthenticationCode1=111111&AuthenticationCode2=222222"));

        Document listed = ok(call(ALICE, "Action=ListMFADevices"));
        assertEquals("alice", text(listed, "UserName"));
        assertEquals(serial, text(listed, "SerialNumber"));

        // Denied by default: deactivating one's own device, listing all devices, acting on another user.
        assertEquals("AccessDenied", code(call(ALICE, "Action=DeactivateMFADevice&SerialNumber=" + enc)));
        assertEquals("AccessDenied", code(call(ALICE, "Action=ListVirtualMFADevices")));
        assertEquals("AccessDenied", code(call(ALICE, "Action=ListMFADevices&UserName=root")));

        Document virtual = ok(call(ROOT, "Action=ListVirtualMFADevices&AssignmentStatus=Assigned"));
        assertEquals("arn:aws:iam::123456789012:user/alice", text(virtual, "Arn"));
        assertEquals(0, virtual.getElementsByTagName("Base32StringSeed").getLength());
        assertEquals("DeleteConflict", code(call(ROOT, "Action=DeleteVirtualMFADevice&SerialNumber=" + enc)));
        ok(call(ROOT, "Action=DeactivateMFADevice&UserName=alice&SerialNumber=" + enc));
        ok(call(ROOT, "Action=DeleteVirtualMFADevice&SerialNumber=" + enc));
    }

    @Test
    void policyDocumentComesBackUrlEncoded() throws Exception {
        ok(call(ROOT, "Action=CreateUser&UserName=alice"));
        String doc = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
                + "\"Resource\":\"*\"}]}";
        ok(call(ROOT, "Action=PutUserPolicy&UserName=alice&PolicyName=p1&PolicyDocument="
                + URLEncoder.encode(doc, StandardCharsets.UTF_8)));
        Document got = ok(call(ROOT, "Action=GetUserPolicy&UserName=alice&PolicyName=p1"));
        String wire = text(got, "PolicyDocument");
        assertFalse(wire.contains("{"), wire);
        assertEquals(doc, URLDecoder.decode(wire, StandardCharsets.UTF_8));
        Document names = ok(call(ROOT, "Action=ListUserPolicies&UserName=alice"));
        assertEquals("p1", text(names, "member"));
        assertEquals("NoSuchEntity", code(call(ROOT, "Action=GetUserPolicy&UserName=alice&PolicyName=p2")));
    }

    @Test
    void accessKeysLoginProfilesAndSummary() throws Exception {
        Document key = ok(call(ROOT, "Action=CreateAccessKey"));
        assertEquals("root", text(key, "UserName"));
        assertEquals("secret/secret", text(key, "SecretAccessKey"));
        assertEquals(List.of("createAccessKey root"), directory.calls);
        ok(call(ROOT, "Action=UpdateAccessKey&UserName=alice&AccessKeyId=AKIAFAKEFAKEFAKE0001&Status=Inactive"));
        assertTrue(directory.calls.contains("updateAccessKey alice AKIAFAKEFAKEFAKE0001 Inactive"));
        Document keys = ok(call(ROOT, "Action=ListAccessKeys&UserName=alice"));
        assertEquals(0, keys.getElementsByTagName("SecretAccessKey").getLength());

        assertEquals("ValidationError", code(call(ROOT, "Action=CreateLoginProfile&UserName=alice")));
        Document profile = ok(call(ROOT, "Action=CreateLoginProfile&UserName=alice&Password=Pa55word%21"
                + "&PasswordResetRequired=true"));
        assertEquals("true", text(profile, "PasswordResetRequired"));
        assertEquals("InvalidUserType", code(call(ROOT, "Action=ChangePassword&OldPassword=a&NewPassword=b")));

        Document summary = ok(call(ROOT, "Action=GetAccountSummary"));
        assertEquals("AccountMFAEnabled", summary.getElementsByTagName("key").item(0).getTextContent());
        assertEquals("0", summary.getElementsByTagName("value").item(0).getTextContent());
    }

    @Test
    void deviceTags() throws Exception {
        ok(call(ROOT, "Action=TagMFADevice&SerialNumber=GAHT12345678&Tags.member.1.Key=k&Tags.member.1.Value=v"));
        ok(call(ROOT, "Action=UntagMFADevice&SerialNumber=GAHT12345678&TagKeys.member.1=k"));
        assertEquals(List.of("tag GAHT12345678 [IamTag[key=k, value=v]]", "untag GAHT12345678 [k]"),
                directory.calls);
        Document tags = ok(call(ROOT, "Action=ListMFADeviceTags&SerialNumber=GAHT12345678&MaxItems=1"));
        assertEquals("a", text(tags, "Key"));
        assertEquals("true", text(tags, "IsTruncated"));
    }
}

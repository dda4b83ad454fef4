package dev.dualkey.gateway.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.auth.Credential;
import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.gateway.iam.IamCaller;
import dev.dualkey.gateway.iam.IamResponse;
import dev.dualkey.mfa.secret.PasswordHasher;
import dev.dualkey.storage.rocks.StorageEngine;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * The IAM Query API over the real mfa store in a temporary data directory: TOTP codes are computed here
 * from the seed the API returned (RFC 6238, independently of the product's generator), the TOTP clock is
 * moved by hand.
 */
class IdentityIamTest {
    private static final String ROOT_KEY = "AKIADUALKEYTESTROOT1";
    private static final String ROOT_SECRET = "dualkeyTestRootSecretKey0000000000000001";

    @TempDir
    Path dir;

    private final MutableClock totp = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
    private StorageEngine engine;
    private IdentitySetup.Wired wired;
    private IamCaller root;

    @BeforeEach
    void open() {
        engine = StorageEngine.open(dir, IdentityStore.FAMILIES);
        wired = IdentitySetup.withRootKeys(ROOT_KEY, ROOT_SECRET)
                .totpClock(totp)
                .passwordHashing(PasswordHasher.Params.forTests())
                .wire(engine.database(), dir, engine.objectStore(), Clock.systemUTC());
        Principal p = wired.credentials().lookup(ROOT_KEY).orElseThrow().principal();
        root = IamCaller.root(p.accountId());
    }

    @AfterEach
    void close() {
        engine.close();
    }

    private IamResponse call(IamCaller caller, String form) {
        return wired.iam().handle("POST", "application/x-www-form-urlencoded", "",
                ("Version=2010-05-08&" + form).getBytes(StandardCharsets.UTF_8), caller, "AKIATEST", "req", "127.0.0.1");
    }

    private static Document xml(IamResponse r) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(r.body()));
    }

    private static String text(IamResponse r, String element) throws Exception {
        return xml(r).getElementsByTagName(element).item(0).getTextContent();
    }

    private static Document ok(IamResponse r) throws Exception {
        assertEquals(200, r.status(), () -> new String(r.body(), StandardCharsets.UTF_8));
        return xml(r);
    }

    private static void assertError(IamResponse r, int status, String code) throws Exception {
        assertEquals(code, text(r, "Code"), () -> new String(r.body(), StandardCharsets.UTF_8));
        assertEquals(status, r.status());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String totp(String base32, long step) throws Exception {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        ByteBuffer key = ByteBuffer.allocate(base32.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (char c : base32.toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                key.put((byte) (buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(key.array(), "HmacSHA1"));
        byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
        int o = h[h.length - 1] & 0x0F;
        int v = ((h[o] & 0x7F) << 24) | ((h[o + 1] & 0xFF) << 16) | ((h[o + 2] & 0xFF) << 8) | (h[o + 3] & 0xFF);
        return String.format(Locale.ROOT, "%06d", v % 1_000_000);
    }

    private long step() {
        return totp.instant().getEpochSecond() / 30;
    }

    private String seedOf(Document created) {
        return new String(Base64.getDecoder().decode(created.getElementsByTagName("Base32StringSeed").item(0)
                .getTextContent()), StandardCharsets.US_ASCII);
    }

    @Test
    void rootKeysAreBootstrappedAndResolve() {
        Credential c = wired.credentials().lookup(ROOT_KEY).orElseThrow();
        assertEquals(ROOT_SECRET, c.secretKey());
        assertTrue(c.active());
        assertTrue(c.principal().root());
        assertTrue(c.principal().accountId().matches("\\d{12}"));
        assertTrue(wired.credentials().lookup("AKIANOSUCHKEY0000000").isEmpty());
    }

    @Test
    void virtualDeviceLifecycleWithRealCodes() throws Exception {
        ok(call(root, "Action=CreateUser&UserName=alice"));
        Document created = ok(call(root, "Action=CreateVirtualMFADevice&VirtualMFADeviceName=alice"));
        String serial = created.getElementsByTagName("SerialNumber").item(0).getTextContent();
        assertEquals("arn:aws:iam::" + root.accountId() + ":mfa/alice", serial);
        String seed = seedOf(created);

        assertError(call(root, "Action=EnableMFADevice&UserName=alice&SerialNumber=" + enc(serial)
                + "&AuthenticationCode1=000000&AuthenticationCode2=000001"), 403, "InvalidAuthenticationCode");
        long t = step();
        String c1 = totp(seed, t);
        String c2 = totp(seed, t + 1);
        ok(call(root, "Action=EnableMFADevice&UserName=alice&SerialNumber=" + enc(serial)
                + "&AuthenticationCode1=" + c1 + "&AuthenticationCode2=" + c2));
        Document listed = ok(call(root, "Action=ListMFADevices&UserName=alice"));
        assertEquals(serial, listed.getElementsByTagName("SerialNumber").item(0).getTextContent());

        // Replaying the consumed pair fails; a fresh pair after the clock moved resynchronizes.
        assertError(call(root, "Action=ResyncMFADevice&UserName=alice&SerialNumber=" + enc(serial)
                + "&AuthenticationCode1=" + c1 + "&AuthenticationCode2=" + c2), 403, "InvalidAuthenticationCode");
        totp.advance(Duration.ofSeconds(90));
        ok(call(root, "Action=ResyncMFADevice&UserName=alice&SerialNumber=" + enc(serial)
                + "&AuthenticationCode1=" + totp(seed, step()) + "&AuthenticationCode2=" + totp(seed, step() + 1)));

        assertError(call(root, "Action=DeleteVirtualMFADevice&SerialNumber=" + enc(serial)), 409, "DeleteConflict");
        assertError(call(root, "Action=DeleteUser&UserName=alice"), 409, "DeleteConflict");
        ok(call(root, "Action=DeactivateMFADevice&UserName=alice&SerialNumber=" + enc(serial)));
        ok(call(root, "Action=DeleteVirtualMFADevice&SerialNumber=" + enc(serial)));
        assertError(call(root, "Action=DeleteVirtualMFADevice&SerialNumber=" + enc(serial)), 404, "NoSuchEntity");
        ok(call(root, "Action=DeleteUser&UserName=alice"));
        assertError(call(root, "Action=GetUser&UserName=alice"), 404, "NoSuchEntity");
    }

    @Test
    void policiesGovernIamUsers() throws Exception {
        ok(call(root, "Action=CreateUser&UserName=bob&Path=%2Fteam%2F"));
        String policy = "{\"Version\":\"2012-10-17\",\"Statement\":["
                + "{\"Effect\":\"Allow\",\"Action\":\"iam:CreateVirtualMFADevice\","
                + "\"Resource\":\"arn:aws:iam::*:mfa/${aws:username}\"},"
                + "{\"Effect\":\"Allow\",\"Action\":[\"iam:EnableMFADevice\",\"iam:ListMFADevices\"],"
                + "\"Resource\":\"arn:aws:iam::*:user/team/${aws:username}\"}]}";
        ok(call(root, "Action=PutUserPolicy&UserName=bob&PolicyName=self&PolicyDocument=" + enc(policy)));
        IamCaller bob = new IamCaller(root.accountId(), "bob", "/team/");

        Document created = ok(call(bob, "Action=CreateVirtualMFADevice&VirtualMFADeviceName=bob"));
        String serial = created.getElementsByTagName("SerialNumber").item(0).getTextContent();
        String seed = seedOf(created);
        ok(call(bob, "Action=EnableMFADevice&UserName=bob&SerialNumber=" + enc(serial)
                + "&AuthenticationCode1=" + totp(seed, step()) + "&AuthenticationCode2=" + totp(seed, step() + 1)));
        ok(call(bob, "Action=ListMFADevices"));
        assertError(call(bob, "Action=DeactivateMFADevice&SerialNumber=" + enc(serial)), 403, "AccessDenied");
        assertError(call(bob, "Action=CreateVirtualMFADevice&VirtualMFADeviceName=carol"), 403, "AccessDenied");
        assertError(call(bob, "Action=ListUsers"), 403, "AccessDenied");
        assertError(call(bob, "Action=ListMFADevices&UserName=root"), 403, "AccessDenied");

        // The document comes back URL-encoded, as IAM returns it.
        String returned = ok(call(root, "Action=GetUserPolicy&UserName=bob&PolicyName=self"))
                .getElementsByTagName("PolicyDocument").item(0).getTextContent();
        assertEquals(policy, java.net.URLDecoder.decode(returned, StandardCharsets.UTF_8));
    }

    @Test
    void hardwareTokenIsEnabledBySerialOnce() throws Exception {
        // A public test token (/work/shared/data/test-tokens.csv), imported as the operator command does.
        String seed = "JUGVDLRRJSJPIGTVQF7LOY6B5FU37XU5";
        java.nio.file.Path csv = dir.resolve("tokens.csv");
        java.nio.file.Files.writeString(csv, "GAHT10000001," + seed + "\n");
        wired.store().devices().importHardwareTokens(dev.dualkey.mfa.audit.Actor.operator(),
                dev.dualkey.mfa.device.TokenImport.read(csv, null));
        ok(call(root, "Action=CreateUser&UserName=erin"));
        ok(call(root, "Action=CreateUser&UserName=frank"));
        assertError(call(root, "Action=EnableMFADevice&UserName=erin&SerialNumber=GAHT99999999"
                + "&AuthenticationCode1=" + totp(seed, step()) + "&AuthenticationCode2=" + totp(seed, step() + 1)),
                404, "NoSuchEntity");
        ok(call(root, "Action=EnableMFADevice&UserName=erin&SerialNumber=GAHT10000001"
                + "&AuthenticationCode1=" + totp(seed, step()) + "&AuthenticationCode2=" + totp(seed, step() + 1)));
        totp.advance(Duration.ofSeconds(60));
        IamResponse taken = call(root, "Action=EnableMFADevice&UserName=frank&SerialNumber=GAHT10000001"
                + "&AuthenticationCode1=" + totp(seed, step()) + "&AuthenticationCode2=" + totp(seed, step() + 1));
        assertEquals(409, taken.status());
        assertEquals("EntityAlreadyExists", text(taken, "Code"));
        Document listed = ok(call(root, "Action=ListMFADevices&UserName=erin"));
        assertEquals("GAHT10000001", listed.getElementsByTagName("SerialNumber").item(0).getTextContent());
        ok(call(root, "Action=GetMFADevice&SerialNumber=GAHT10000001"));
    }

    @Test
    void s3AuthorizationDeniesOtherAccountsBuckets() {
        engine.objectStore().createBucket("mine", root.accountId(), "us-east-1");
        Principal rootP = Principal.root(root.accountId());
        Principal stranger = Principal.root("999999999999");
        assertTrue(allows(rootP, "s3:GetObject", "arn:aws:s3:::mine/k"));
        assertFalse(allows(stranger, "s3:GetObject", "arn:aws:s3:::mine/k"));
        assertTrue(allows(rootP, "s3:CreateBucket", "arn:aws:s3:::new-bucket"));
    }

    private boolean allows(Principal p, String action, String resource) {
        return wired.authorizer().allows(dev.dualkey.gateway.authz.RequestContextBuilder
                .of(dev.dualkey.gateway.authz.Subject.of(p), java.time.Clock.systemUTC())
                .build(new dev.dualkey.gateway.authz.Check(action, resource)));
    }

    @Test
    void accessKeysCreatedThroughIamAuthenticate() throws Exception {
        ok(call(root, "Action=CreateUser&UserName=dave"));
        IamResponse r = call(root, "Action=CreateAccessKey&UserName=dave");
        String id = text(r, "AccessKeyId");
        String secret = text(r, "SecretAccessKey");
        Credential c = wired.credentials().lookup(id).orElseThrow();
        assertEquals(secret, c.secretKey());
        assertEquals("dave", c.principal().userName());
        assertFalse(c.principal().root());
        ok(call(root, "Action=UpdateAccessKey&UserName=dave&AccessKeyId=" + id + "&Status=Inactive"));
        assertFalse(wired.credentials().lookup(id).orElseThrow().active());
        assertError(call(root, "Action=UpdateAccessKey&UserName=dave&AccessKeyId=" + id + "&Status=Expired"), 400,
                "InvalidInput");
    }
}

package dev.dualkey.compat.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.w3c.dom.Document;

/** Bad input on the IAM endpoint always gets IAM's {@code <ErrorResponse>} with the right code, never a 500. */
@ExtendWith(GatewayExtension.class)
class IamBadInputTest {
    private static RawIam raw;
    private static AccessKey root;

    @BeforeAll
    static void setUp(GatewayEndpoint gw) {
        raw = new RawIam(gw);
        root = gw.root();
    }

    @AfterAll
    static void close() {
        raw.close();
    }

    private static void assertIamError(RawIam.Response r, int status, String code) {
        Document d = r.xml();
        assertEquals("ErrorResponse", d.getDocumentElement().getLocalName());
        assertEquals("https://iam.amazonaws.com/doc/2010-05-08/", d.getDocumentElement().getNamespaceURI());
        assertEquals(code, r.element("Code"));
        assertEquals(status, r.status());
        assertEquals("Sender", r.element("Type"));
        assertFalse(r.element("RequestId").isBlank());
    }

    @Test
    void protocolErrors() {
        assertIamError(raw.post(root, "Version=2010-05-08"), 400, "MissingAction");
        assertIamError(raw.post(root, "Action=CreateRole&Version=2010-05-08"), 400, "InvalidAction");
        assertIamError(raw.post(root, "Action=GetUser&Version=2011-06-15"), 400, "InvalidAction");
        assertIamError(raw.post(root, "Action=GetUser&Version=2010-05-08&UserName=%zz"), 404, "MalformedQueryString");
        assertIamError(raw.post(root, "Action=GetUser&Version=2010-05-08&UserName=a&UserName=b"), 404,
                "MalformedQueryString");
    }

    @Test
    void constraintViolations() {
        RawIam.Response longName = raw.post(root, "Action=GetUser&Version=2010-05-08&UserName=" + "n".repeat(5000));
        assertIamError(longName, 400, "ValidationError");
        assertFalse(longName.element("Message").contains("nnnn"), "huge inputs are not echoed");
        assertIamError(raw.post(root, "Action=CreateUser&Version=2010-05-08&UserName=a%2Fb"), 400, "ValidationError");
        RawIam.Response password = raw.post(root,
                "Action=ChangePassword&Version=2010-05-08&OldPassword=secret%01value&NewPassword=x");
        assertIamError(password, 400, "ValidationError");
        assertFalse(password.element("Message").contains("secret"), "passwords are never echoed");
        assertIamError(raw.post(root, "Action=EnableMFADevice&Version=2010-05-08&UserName=u"
                + "&SerialNumber=short&AuthenticationCode1=12345x&AuthenticationCode2=123456"), 400, "ValidationError");
        assertIamError(raw.post(root, "Action=ListUsers&Version=2010-05-08&MaxItems=5000"), 400, "ValidationError");
    }

    @Test
    void oversizedBodyIsRefusedWithoutReadingItAll() {
        String huge = "Action=ListUsers&Version=2010-05-08&Padding=" + "x".repeat(600 * 1024);
        assertIamError(raw.post(root, huge), 413, "RequestEntityTooLarge");
    }

    @Test
    void authenticationErrors() {
        assertIamError(raw.post(null, "Action=ListUsers&Version=2010-05-08"), 403, "MissingAuthenticationToken");
        assertIamError(raw.post(new AccessKey("AKIAUNKNOWNUNKNOWN00", "x".repeat(40)),
                "Action=ListUsers&Version=2010-05-08"), 403, "InvalidClientTokenId");
        assertIamError(raw.post(new AccessKey(root.accessKeyId(), "wrong" + root.secretKey()),
                "Action=ListUsers&Version=2010-05-08"), 403, "SignatureDoesNotMatch");
    }
}

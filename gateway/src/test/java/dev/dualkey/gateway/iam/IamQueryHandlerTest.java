package dev.dualkey.gateway.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.iam.error.IamErrorCode;
import dev.dualkey.gateway.iam.error.IamException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class IamQueryHandlerTest {
    private static final String ACCT = "123456789012";

    private final List<String> evaluated = new ArrayList<>();
    private IamAuthorizer.Decision decision = IamAuthorizer.Decision.IMPLICIT_DENY;

    /** Every action answers with its user ARN after authorizing on it; a few behave specially. */
    private IamQueryHandler handler(Map<IamAction, IamActionHandler> overrides) {
        Map<IamAction, IamActionHandler> all = new EnumMap<>(IamAction.class);
        for (IamAction a : IamAction.values()) {
            all.put(a, ctx -> {
                String user = ctx.params().string("UserName");
                String arn = IamArns.user(ctx.accountId(), "/", user == null ? ctx.caller().userName() : user);
                ctx.authorize(arn);
                return x -> x.text("Arn", arn);
            });
        }
        all.putAll(overrides);
        return new IamQueryHandler(all, (caller, action, resource) -> {
            evaluated.add(caller.userName() + " " + action + " " + resource);
            return decision;
        }, e -> e instanceof IllegalArgumentException ? new IamException(IamErrorCode.NO_SUCH_ENTITY, "gone") : null);
    }

    private static IamResponse post(IamQueryHandler h, IamCaller caller, String body) {
        return h.handle("POST", "application/x-www-form-urlencoded; charset=utf-8", "",
                body.getBytes(StandardCharsets.UTF_8), caller, "AKIAEXAMPLEEXAMPLE01", "rid-1", "127.0.0.1");
    }

    private static Document xml(IamResponse r) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(r.body()));
    }

    private static void assertError(IamResponse r, int status, String code) throws Exception {
        assertEquals(status, r.status());
        Document d = xml(r);
        assertEquals("ErrorResponse", d.getDocumentElement().getLocalName());
        assertEquals(code, d.getElementsByTagName("Code").item(0).getTextContent());
        assertEquals("rid-1", d.getElementsByTagName("RequestId").item(0).getTextContent());
    }

    private static String message(IamResponse r) throws Exception {
        return xml(r).getElementsByTagName("Message").item(0).getTextContent();
    }

    @Test
    void rootSucceedsInOwnAccount() throws Exception {
        IamResponse r = post(handler(Map.of()), IamCaller.root(ACCT), "Action=GetUser&Version=2010-05-08&UserName=bob");
        assertEquals(200, r.status());
        Document d = xml(r);
        assertEquals("GetUserResponse", d.getDocumentElement().getLocalName());
        assertEquals("arn:aws:iam::123456789012:user/bob", d.getElementsByTagName("Arn").item(0).getTextContent());
        assertTrue(evaluated.isEmpty(), "root needs no policy");
    }

    @Test
    void protocolErrors() throws Exception {
        IamQueryHandler h = handler(Map.of());
        IamCaller root = IamCaller.root(ACCT);
        assertError(post(h, root, "Version=2010-05-08"), 400, "MissingAction");
        assertError(post(h, root, "Action=GetUser"), 400, "MissingParameter");
        IamResponse unknown = post(h, root, "Action=CreateRole&Version=2010-05-08");
        assertError(unknown, 400, "InvalidAction");
        assertEquals("Could not find operation CreateRole for version 2010-05-08", message(unknown));
        IamResponse wrongVersion = post(h, root, "Action=GetUser&Version=2011-06-15");
        assertError(wrongVersion, 400, "InvalidAction");
        assertEquals("Could not find operation GetUser for version 2011-06-15", message(wrongVersion));
        IamResponse hostile = post(h, root, "Action=%3Cscript%3E&Version=2010-05-08");
        assertError(hostile, 400, "InvalidAction");
        assertFalse(message(hostile).contains("script"));
        assertError(post(h, root, "Action=GetUser&Version=2010-05-08&UserName=%E0"), 404, "MalformedQueryString");
        assertError(post(h, root, "Action=GetUser&Version=2010-05-08&UserName=a%2"), 404, "MalformedQueryString");
        assertError(post(h, root, "Action=GetUser&Version=2010-05-08&UserName=" + "u".repeat(129)), 400,
                "ValidationError");
    }

    @Test
    void oversizedBodyAndWrongContentType() throws Exception {
        IamQueryHandler h = handler(Map.of());
        byte[] big = ("Action=GetUser&Version=2010-05-08&X=" + "a".repeat(IamRequestParser.MAX_BODY_BYTES))
                .getBytes(StandardCharsets.UTF_8);
        assertError(h.handle("POST", "application/x-www-form-urlencoded", "", big, IamCaller.root(ACCT), "AK",
                "rid-1", "c"), 413, "RequestEntityTooLarge");
        assertError(h.handle("POST", "application/json", "", "{}".getBytes(StandardCharsets.UTF_8),
                IamCaller.root(ACCT), "AK", "rid-1", "c"), 404, "MalformedQueryString");
    }

    @Test
    void getWithQueryStringWorks() throws Exception {
        IamResponse r = handler(Map.of()).handle("GET", null, "Action=GetUser&Version=2010-05-08&UserName=bob",
                new byte[0], IamCaller.root(ACCT), "AK", "rid-1", "c");
        assertEquals(200, r.status());
    }

    @Test
    void iamUserIsDeniedByDefaultAndAllowedByPolicy() throws Exception {
        IamQueryHandler h = handler(Map.of());
        IamCaller alice = new IamCaller(ACCT, "alice", "/");
        IamResponse denied = post(h, alice, "Action=DeleteUser&Version=2010-05-08&UserName=bob");
        assertError(denied, 403, "AccessDenied");
        assertEquals("User: arn:aws:iam::123456789012:user/alice is not authorized to perform: iam:DeleteUser on "
                + "resource: arn:aws:iam::123456789012:user/bob because no identity-based policy allows the "
                + "iam:DeleteUser action", message(denied));
        assertEquals(List.of("alice iam:DeleteUser arn:aws:iam::123456789012:user/bob"), evaluated);

        decision = IamAuthorizer.Decision.EXPLICIT_DENY;
        assertTrue(message(post(h, alice, "Action=DeleteUser&Version=2010-05-08&UserName=bob"))
                .endsWith("with an explicit deny in an identity-based policy"));

        decision = IamAuthorizer.Decision.ALLOW;
        assertEquals(200, post(h, alice, "Action=DeleteUser&Version=2010-05-08&UserName=bob").status());
    }

    @Test
    void rootCannotActOnAnotherAccount() throws Exception {
        IamQueryHandler h = handler(Map.of(IamAction.GET_USER, ctx -> {
            ctx.authorize("arn:aws:iam::999999999999:user/x");
            return null;
        }));
        assertError(post(h, IamCaller.root(ACCT), "Action=GetUser&Version=2010-05-08"), 403, "AccessDenied");
    }

    @Test
    void failuresNeverBecomeUnstructured() throws Exception {
        IamQueryHandler h = handler(Map.of(
                IamAction.GET_USER, ctx -> null, // forgets to authorize
                IamAction.LIST_USERS, ctx -> {
                    ctx.authorize("*");
                    throw new IllegalArgumentException("domain: missing");
                },
                IamAction.DELETE_USER, ctx -> {
                    ctx.authorize("*");
                    throw new IllegalStateException("secret internals");
                }));
        IamCaller root = IamCaller.root(ACCT);
        assertError(post(h, root, "Action=GetUser&Version=2010-05-08"), 500, "ServiceFailure");
        assertError(post(h, root, "Action=ListUsers&Version=2010-05-08"), 404, "NoSuchEntity");
        IamResponse r = post(h, root, "Action=DeleteUser&Version=2010-05-08&UserName=bob");
        assertError(r, 500, "ServiceFailure");
        assertEquals("Receiver", xml(r).getElementsByTagName("Type").item(0).getTextContent());
        assertFalse(message(r).contains("secret"));
    }

    @Test
    void everyActionNeedsAHandler() {
        Map<IamAction, IamActionHandler> partial = new EnumMap<>(IamAction.class);
        partial.put(IamAction.GET_USER, ctx -> null);
        assertThrows(IllegalArgumentException.class,
                () -> new IamQueryHandler(partial, (c, a, r) -> IamAuthorizer.Decision.ALLOW, e -> null));
    }
}

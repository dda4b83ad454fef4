package dev.dualkey.gateway.console.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.List;

import org.junit.jupiter.api.Test;

class WebPlumbingTest {
    @Test
    void formDecodingHandlesPlusPercentUtf8AndRepeats() {
        FormData f = FormData.parse("a=1&b=x+y%2Fz&c=%C3%BC&a=2&flag&bad=%zz");
        assertEquals("1", f.get("a"));
        assertEquals(List.of("1", "2"), f.all("a"));
        assertEquals("x y/z", f.get("b"));
        assertEquals("ü", f.get("c"));
        assertTrue(f.has("flag"));
        assertEquals("", f.get("flag"));
        assertEquals("\uFFFDzz", f.get("bad"));
        assertEquals("", f.get("missing"));
    }

    @Test
    void encodeRoundTrips() {
        String key = "photos/2024 März/a+b&c=d.jpg";
        assertEquals("photos%2F2024%20M%C3%A4rz%2Fa%2Bb%26c%3Dd.jpg", FormData.encode(key));
        assertEquals(key, FormData.decode(FormData.encode(key)));
    }

    @Test
    void cookiesParseAndBuildWithHostPrefixUnderTls() {
        assertEquals("abc", Cookies.parse("x=1; dk_session=abc; dk_session=zzz").get("dk_session"));
        Cookies plain = new Cookies(false);
        assertEquals("dk_session=v; Path=/; HttpOnly; SameSite=Strict", plain.session("v"));
        Cookies tls = new Cookies(true);
        assertEquals("__Host-dk_session=v; Path=/; HttpOnly; SameSite=Strict; Secure", tls.session("v"));
        assertTrue(tls.expire("__Host-dk_session").endsWith("Max-Age=0"));
    }

    @Test
    void csrfTokensBindToTheirBindingAndCompareSafely() {
        CsrfGuard guard = new CsrfGuard(new SecureRandom());
        String t = guard.token("session-1");
        assertTrue(guard.verify("session-1", t));
        assertFalse(guard.verify("session-2", t));
        assertFalse(guard.verify("session-1", t.substring(1)));
        assertFalse(guard.verify("session-1", ""));
        assertFalse(guard.verify(null, t));
        assertNotEquals(t, new CsrfGuard(new SecureRandom()).token("session-1"));
    }

    @Test
    void securityHeadersForbidFramingAndInlineScript() {
        ConsoleResponse r = SecurityHeaders.apply(ConsoleResponse.text(200, "x"), true);
        assertTrue(r.header("Content-Security-Policy").contains("frame-ancestors 'none'"));
        assertTrue(r.header("Content-Security-Policy").contains("default-src 'self'"));
        assertFalse(r.header("Content-Security-Policy").contains("unsafe-inline"));
        assertEquals("DENY", r.header("X-Frame-Options"));
        assertEquals("nosniff", r.header("X-Content-Type-Options"));
        assertEquals("max-age=31536000", r.header("Strict-Transport-Security"));
        assertEquals(null, SecurityHeaders.apply(ConsoleResponse.text(200, "x"), false).header("Strict-Transport-Security"));
    }

    @Test
    void redirectsStayOnTheConsole() {
        assertEquals(303, ConsoleResponse.redirect("/buckets").status());
        assertThrows(IllegalArgumentException.class, () -> ConsoleResponse.redirect("https://evil.example/"));
        assertThrows(IllegalArgumentException.class, () -> ConsoleResponse.redirect("//evil.example/"));
    }
}

package dev.dualkey.gateway.console.page;

import java.util.HashMap;
import java.util.Map;

import dev.dualkey.gateway.console.html.Html;
import dev.dualkey.gateway.console.html.SafeHtml;
import dev.dualkey.gateway.console.html.Template;
import dev.dualkey.gateway.console.web.ConsoleRequest;
import dev.dualkey.gateway.console.web.ConsoleResponse;
import dev.dualkey.gateway.console.web.Cookies;
import dev.dualkey.gateway.console.web.CsrfGuard;
import dev.dualkey.gateway.console.web.FormData;

/**
 * Sign-in as the AWS console does it: root user with account id or alias + password at {@code /signin};
 * IAM users at the account's URL {@code /a/<account id or alias>} with user name + password; then, when the
 * user has an enabled device, {@code /signin/mfa} asks for a code, and after three wrong codes also offers a
 * resync with two consecutive codes. Every failure shows the same message.
 *
 * <p>Cookies: before sign-in a random {@code dk_pre} cookie binds the forms' CSRF tokens; the MFA step is
 * named by a {@code dk_mfa} cookie holding the challenge token; on success both are expired and a brand-new
 * session cookie is set (the session id is rotated at sign-in, never reused from before authentication).
 */
public final class SignInPages {
    /** The message for a failed sign-in step when the sign-in service gives none. */
    public static final String GENERIC_FAILURE = "Your authentication information is incorrect. Please try again.";

    private final ConsoleAuth auth;
    private final PageRenderer renderer;
    private final CsrfGuard csrf;
    private final java.security.SecureRandom random;
    private final Template rootForm = Template.load("signin-root");
    private final Template userForm = Template.load("signin-user");
    private final Template mfaForm = Template.load("signin-mfa");
    private final Template resyncForm = Template.load("signin-resync");

    public SignInPages(ConsoleAuth auth, PageRenderer renderer, CsrfGuard csrf, java.security.SecureRandom random) {
        this.auth = auth;
        this.renderer = renderer;
        this.csrf = csrf;
        this.random = random;
    }

    /** Name of the MFA challenge cookie. */
    static String challengeCookie(boolean secure) {
        return secure ? "__Host-dk_mfa" : "dk_mfa";
    }

    /** The pre-sign-in binding of a request, or a fresh one to set (returned via the holder). */
    private String preBinding(ConsoleRequest req, String[] setCookie) {
        Cookies cookies = new Cookies(req.secure());
        String existing = req.cookie(cookies.preSignInName());
        if (existing != null && existing.length() >= 20) {
            return existing;
        }
        byte[] b = new byte[24];
        random.nextBytes(b);
        String fresh = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        setCookie[0] = cookies.preSignIn(fresh);
        return fresh;
    }

    /** GET /signin (and the page re-shown after a failure). */
    public ConsoleResponse rootPage(ConsoleRequest req, int status, String error, String account) {
        String[] set = new String[1];
        String token = csrf.token(preBinding(req, set));
        Map<String, Object> v = new HashMap<>();
        v.put("csrf", token);
        v.put("account", account);
        v.put("exampleAccount", account.isEmpty() ? "123456789012" : account);
        String notice = "expired".equals(req.query().get("n")) ? "Your session has ended. Please sign in again."
                : "signedout".equals(req.query().get("n")) ? "You have signed out." : null;
        SafeHtml content = notice == null ? rootForm.render(v)
                : SafeHtml.concat(Html.el("p", Html.text(notice), "class", "notice"), rootForm.render(v));
        ConsoleResponse r = renderer.publicPage(status, "Sign in", error, content);
        return withCookie(r, set[0]);
    }

    /** GET /a/{account}. */
    public ConsoleResponse userPage(ConsoleRequest req, String account, int status, String error, String userName) {
        String[] set = new String[1];
        Map<String, Object> v = new HashMap<>();
        v.put("csrf", csrf.token(preBinding(req, set)));
        v.put("account", account);
        v.put("accountPath", FormData.encode(account));
        v.put("username", userName);
        return withCookie(renderer.publicPage(status, "Sign in as IAM user", error, userForm.render(v)), set[0]);
    }

    /** POST /signin. */
    public ConsoleResponse rootSubmit(ConsoleRequest req) {
        String account = req.form().get("account").trim();
        ConsoleAuth.Result r = auth.password(account, null, req.form().get("password"), req.clientAddress());
        return afterPassword(req, r, () -> rootPage(req, 403, message(r), account));
    }

    /** POST /a/{account}. */
    public ConsoleResponse userSubmit(ConsoleRequest req, String account) {
        String userName = req.form().get("username").trim();
        if (userName.isEmpty()) {
            return userPage(req, account, 403, GENERIC_FAILURE, userName);
        }
        ConsoleAuth.Result r = auth.password(account, userName, req.form().get("password"), req.clientAddress());
        return afterPassword(req, r, () -> userPage(req, account, 403, message(r), userName));
    }

    private static String message(ConsoleAuth.Result r) {
        return r instanceof ConsoleAuth.Failed f && f.message() != null ? f.message() : GENERIC_FAILURE;
    }

    private ConsoleResponse afterPassword(ConsoleRequest req, ConsoleAuth.Result r,
                                          java.util.function.Supplier<ConsoleResponse> failed) {
        if (r instanceof ConsoleAuth.SignedIn s) {
            return signedIn(req, s.sessionToken());
        }
        if (r instanceof ConsoleAuth.MfaRequired m) {
            return ConsoleResponse.redirect("/signin/mfa")
                    .header("Set-Cookie", challengeCookieValue(req.secure(), m.challengeToken()));
        }
        return failed.get();
    }

    private static String challengeCookieValue(boolean secure, String token) {
        String name = challengeCookie(secure);
        return name + "=" + token + "; Path=/signin; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    private ConsoleResponse signedIn(ConsoleRequest req, String sessionToken) {
        Cookies cookies = new Cookies(req.secure());
        return ConsoleResponse.redirect("/buckets")
                .header("Set-Cookie", cookies.session(sessionToken))
                .header("Set-Cookie", cookies.expire(cookies.preSignInName()))
                .header("Set-Cookie", challengeCookie(req.secure()) + "=; Path=/signin; HttpOnly; SameSite=Strict"
                        + (req.secure() ? "; Secure" : "") + "; Max-Age=0");
    }

    /** GET /signin/mfa. */
    public ConsoleResponse mfaPage(ConsoleRequest req, int status, String error) {
        return mfaPage(req, status, error, null);
    }

    private ConsoleResponse mfaPage(ConsoleRequest req, int status, String error, String notice) {
        String token = req.cookie(challengeCookie(req.secure()));
        ConsoleAuth.Challenge c = token == null ? null : auth.challenge(token);
        if (c == null) {
            return ConsoleResponse.redirect("/signin?n=expired");
        }
        String[] set = new String[1];
        String csrfToken = csrf.token(preBinding(req, set));
        Map<String, Object> v = new HashMap<>();
        v.put("csrf", csrfToken);
        v.put("device", c.deviceSerial());
        v.put("resync", c.offerResync() ? resyncForm.render(Map.of("csrf", csrfToken)) : SafeHtml.EMPTY);
        SafeHtml content = notice == null ? mfaForm.render(v)
                : SafeHtml.concat(Html.el("p", Html.text(notice), "class", "notice"), mfaForm.render(v));
        return withCookie(renderer.publicPage(status, "Multi-factor authentication", error, content), set[0]);
    }

    /** POST /signin/mfa. */
    public ConsoleResponse mfaSubmit(ConsoleRequest req) {
        String token = req.cookie(challengeCookie(req.secure()));
        if (token == null) {
            return ConsoleResponse.redirect("/signin?n=expired");
        }
        return afterCode(req, auth.code(token, req.form().get("code").trim(), req.clientAddress()));
    }

    /** POST /signin/resync. */
    public ConsoleResponse resyncSubmit(ConsoleRequest req) {
        String token = req.cookie(challengeCookie(req.secure()));
        if (token == null) {
            return ConsoleResponse.redirect("/signin?n=expired");
        }
        ConsoleAuth.Result r = auth.resync(token, req.form().get("code1").trim(), req.form().get("code2").trim(),
                req.clientAddress());
        if (r instanceof ConsoleAuth.MfaRequired) {
            return mfaPage(req, 200, null, "Your MFA device is resynchronized. Wait for the next code it shows, "
                    + "then type it below to sign in.");
        }
        return afterCode(req, r);
    }

    private ConsoleResponse afterCode(ConsoleRequest req, ConsoleAuth.Result r) {
        if (r instanceof ConsoleAuth.SignedIn s) {
            return signedIn(req, s.sessionToken());
        }
        if (r instanceof ConsoleAuth.Failed f && f.challengeLive()) {
            return mfaPage(req, 403, message(r));
        }
        return rootPage(req, 403, message(r), "");
    }

    /** POST /signin/cancel. */
    public ConsoleResponse cancel(ConsoleRequest req) {
        String token = req.cookie(challengeCookie(req.secure()));
        if (token != null) {
            auth.cancel(token);
        }
        return ConsoleResponse.redirect("/signin").header("Set-Cookie", challengeCookie(req.secure())
                + "=; Path=/signin; HttpOnly; SameSite=Strict" + (req.secure() ? "; Secure" : "") + "; Max-Age=0");
    }

    /** POST /signout: revokes the session on the server and clears the cookie. */
    public ConsoleResponse signOut(ConsoleRequest req, ConsoleUser user) {
        auth.signOut(user.sessionToken());
        Cookies cookies = new Cookies(req.secure());
        return ConsoleResponse.redirect("/signin?n=signedout").header("Set-Cookie", cookies.expire(cookies.sessionName()));
    }

    private static ConsoleResponse withCookie(ConsoleResponse r, String setCookie) {
        return setCookie == null ? r : r.header("Set-Cookie", setCookie);
    }
}

package dev.dualkey.gateway.console.page;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.dualkey.gateway.console.html.Html;
import dev.dualkey.gateway.console.page.PageRenderer.Section;
import dev.dualkey.gateway.console.web.ConsoleApp;
import dev.dualkey.gateway.console.web.ConsoleRequest;
import dev.dualkey.gateway.console.web.ConsoleResponse;
import dev.dualkey.gateway.console.web.Cookies;
import dev.dualkey.gateway.console.web.CsrfGuard;
import dev.dualkey.gateway.console.web.UploadRefusedException;
import dev.dualkey.gateway.console.web.UploadSink;
import dev.dualkey.storage.model.BucketInfo;

/**
 * Maps console URLs to pages and applies the rules every page shares, in this order:
 * <ol>
 *   <li>static assets and sign-in pages are public; everything else needs a live session, or redirects to
 *       {@code /signin?n=expired} (no action is performed);</li>
 *   <li>every POST must come from the console's own origin (when the browser sends {@code Origin}) and carry
 *       the form's CSRF token, bound to the session (or, before sign-in, to the pre-sign-in cookie);
 *       otherwise 403 and nothing happens.</li>
 * </ol>
 */
public final class ConsoleRouter implements ConsoleApp {
    private static final Pattern ACCOUNT_URL = Pattern.compile("/a/([^/]{1,64})");
    private static final Pattern BUCKET = Pattern.compile("/buckets/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(/[a-z-]+)?");

    private final ConsoleAuth auth;
    private final CsrfGuard csrf;
    private final PageRenderer renderer;
    private final SignInPages signIn;
    private final BucketPages buckets;
    private final MfaProtectedPages mfaPages;
    private final CredentialPages credentials;
    private final UserPages users;
    private final StaticAssets assets = new StaticAssets();
    private final AccessPages access;
    private final UsageDashboardPage dashboard; // usage dashboard (issue 18)
    private AuditPages auditPages; // issue 18: set once by ConsolePages, before the first request
    private SettingsPages settingsPages; // issue 18: the account's settings (alert receiver), set once

    public ConsoleRouter(ConsoleAuth auth, CsrfGuard csrf, PageRenderer renderer, SignInPages signIn,
                         BucketPages buckets, MfaProtectedPages mfaPages, CredentialPages credentials,
                         UserPages users) {
        this(auth, csrf, renderer, signIn, buckets, mfaPages, credentials, users,
                dev.dualkey.mfa.policy.BucketPolicyParser.KnownPrincipals.ANY);
    }

    /** @param principals the principals a bucket policy may name (the identity store's) */
    public ConsoleRouter(ConsoleAuth auth, CsrfGuard csrf, PageRenderer renderer, SignInPages signIn,
                         BucketPages buckets, MfaProtectedPages mfaPages, CredentialPages credentials,
                         UserPages users, dev.dualkey.mfa.policy.BucketPolicyParser.KnownPrincipals principals) {
        this.access = buckets.access(principals);
        this.dashboard = buckets.dashboard();
        this.auth = auth;
        this.csrf = csrf;
        this.renderer = renderer;
        this.signIn = signIn;
        this.buckets = buckets;
        this.mfaPages = mfaPages;
        this.credentials = credentials;
        this.users = users;
    }

    /** Serves the audit page at {@code /audit} (issue 18). */
    ConsoleRouter withAuditPages(AuditPages pages) {
        this.auditPages = pages;
        this.dashboard.withRecentMfaActions(pages.recentMfaActions());
        return this;
    }

    /** Serves the account's Settings page at {@code /settings} (issue 18). */
    ConsoleRouter withSettingsPages(SettingsPages pages) {
        this.settingsPages = pages;
        return this;
    }

    /** Draws the account's growth over time on the dashboard (issue 18). */
    ConsoleRouter withUsageHistory(dev.dualkey.gateway.usagehistory.UsageHistory history) {
        this.dashboard.withUsageHistory(history);
        return this;
    }

    @Override
    public boolean isUpload(String method, String path) {
        return method.equals("POST") && path.startsWith("/buckets/") && path.endsWith("/upload");
    }

    @Override
    public ConsoleResponse handle(ConsoleRequest req) {
        // The browser's address reaches the audit records the pages' services write (audit/ConsoleClient).
        return dev.dualkey.gateway.audit.ConsoleClient.during(req.clientAddress(), () -> route(req));
    }

    private ConsoleResponse route(ConsoleRequest req) {
        String path = req.path();
        if (req.method().equals("GET") && path.startsWith("/static/")) {
            ConsoleResponse asset = assets.get(path.substring("/static/".length()));
            return asset != null ? asset : ConsoleResponse.text(404, "Not found");
        }
        if (!req.method().equals("GET") && !req.method().equals("POST")) {
            return ConsoleResponse.text(405, "Method not allowed").header("Allow", "GET, POST");
        }
        if (req.isPost() && !sameOrigin(req)) {
            return refused(req);
        }
        ConsoleResponse pub = publicRoute(req);
        if (pub != null) {
            return pub;
        }
        ConsoleUser user = currentUser(req);
        if (user == null) {
            return ConsoleResponse.redirect(path.equals("/") ? "/signin" : "/signin?n=expired");
        }
        if (req.isPost() && !csrf.verify(user.sessionToken(), req.form().get(CsrfGuard.FIELD))) {
            return refused(req);
        }
        return signedInRoute(req, user);
    }

    private ConsoleResponse publicRoute(ConsoleRequest req) {
        String path = req.path();
        boolean post = req.isPost();
        if (path.equals("/signin") || path.equals("/signin/mfa") || path.equals("/signin/resync")
                || path.equals("/signin/cancel") || ACCOUNT_URL.matcher(path).matches()) {
            if (post && !csrf.verify(req.cookie(new Cookies(req.secure()).preSignInName()),
                    req.form().get(CsrfGuard.FIELD))) {
                return refused(req);
            }
        }
        switch (path) {
            case "/signin":
                return post ? signIn.rootSubmit(req) : signIn.rootPage(req, 200, null, "");
            case "/signin/mfa":
                return post ? signIn.mfaSubmit(req) : signIn.mfaPage(req, 200, null);
            case "/signin/resync":
                return post ? signIn.resyncSubmit(req) : ConsoleResponse.redirect("/signin/mfa");
            case "/signin/cancel":
                return post ? signIn.cancel(req) : ConsoleResponse.redirect("/signin");
            default:
                break;
        }
        Matcher m = ACCOUNT_URL.matcher(path);
        if (m.matches()) {
            String account = m.group(1);
            return post ? signIn.userSubmit(req, account) : signIn.userPage(req, account, 200, null, "");
        }
        return null;
    }

    private ConsoleResponse signedInRoute(ConsoleRequest req, ConsoleUser user) {
        String path = req.path();
        boolean post = req.isPost();
        boolean showUsers = users.visibleTo(user);
        if (path.equals("/")) {
            return ConsoleResponse.redirect("/buckets");
        }
        if (path.equals("/signout") && post) {
            return signIn.signOut(req, user);
        }
        if (path.equals("/dashboard") && !post) {
            return dashboard.page(req, user, showUsers);
        }
        if (path.equals("/buckets")) {
            return post ? buckets.create(req, user, showUsers) : buckets.list(req, user, showUsers, null);
        }
        if (path.equals("/security-credentials") || path.startsWith("/security-credentials/")) {
            ConsoleResponse r = credentials.route(req, user, showUsers);
            if (r != null) {
                return r;
            }
        }
        if (path.equals("/audit") && !post && auditPages != null) { // issue 18
            return auditPages.page(req, user, showUsers);
        }
        if (path.equals(SettingsPages.PATH) && settingsPages != null) { // issue 18
            return post ? settingsPages.submit(req, user, showUsers) : settingsPages.page(req, user, showUsers);
        }
        if (path.equals("/users") || path.startsWith("/users/")) {
            ConsoleResponse r = users.route(req, user);
            if (r != null) {
                return r;
            }
        }
        Matcher m = BUCKET.matcher(path);
        if (m.matches()) {
            String bucket = m.group(1);
            String action = m.group(2) == null ? "" : m.group(2);
            switch (action) {
                case "":
                    if (!post) {
                        return buckets.browse(req, user, showUsers, bucket, null);
                    }
                    break;
                case "/object":
                    if (!post) {
                        return buckets.download(req, user, showUsers, bucket);
                    }
                    break;
                case "/delete":
                    if (post) {
                        return buckets.delete(req, user, showUsers, bucket);
                    }
                    break;
                case "/access":
                    if (!post) {
                        return access.page(req, user, showUsers, bucket);
                    }
                    break;
                case "/policy":
                    if (post) {
                        return access.submit(req, user, showUsers, bucket);
                    }
                    break;
                case "/delete-version":
                case "/versioning":
                    if (post) {
                        BucketInfo info = buckets.ownedBucket(user, bucket);
                        if (info == null) {
                            return buckets.notFound(user, showUsers);
                        }
                        MfaProtectedPages.Rerender back = (r, u, b, e) -> buckets.browse(r, u, showUsers, b, e);
                        return action.equals("/versioning") ? mfaPages.putVersioning(req, user, info, back)
                                : mfaPages.deleteVersion(req, user, info, back);
                    }
                    break;
                default:
                    break;
            }
        }
        return renderer.page(404, user, Section.NONE, showUsers, "Page not found", null,
                "There is no console page at this address.", Html.el("p", Html.link("/buckets", "Go to buckets")));
    }

    @Override
    public UploadSink beginUpload(ConsoleRequest req, String fileName, String contentType)
            throws UploadRefusedException {
        if (!sameOrigin(req)) {
            throw new UploadRefusedException(refused(req));
        }
        ConsoleUser user = currentUser(req);
        if (user == null) {
            throw new UploadRefusedException(ConsoleResponse.redirect("/signin?n=expired"));
        }
        if (!csrf.verify(user.sessionToken(), req.form().get(CsrfGuard.FIELD))) {
            throw new UploadRefusedException(refused(req));
        }
        Matcher m = BUCKET.matcher(req.path());
        if (!m.matches() || !"/upload".equals(m.group(2))) {
            throw new UploadRefusedException(ConsoleResponse.text(404, "Not found"));
        }
        return buckets.beginUpload(req, user, users.visibleTo(user), m.group(1), fileName, contentType);
    }

    private ConsoleUser currentUser(ConsoleRequest req) {
        String token = req.cookie(new Cookies(req.secure()).sessionName());
        return token == null || token.isEmpty() ? null : auth.session(token);
    }

    /**
     * A POST must come from this console: when the browser sends {@code Origin} it must be our scheme and
     * host. (SameSite=Strict cookies and CSRF tokens already stop cross-site forms; this is the third wall.)
     */
    private static boolean sameOrigin(ConsoleRequest req) {
        if (req.origin() == null) {
            return true;
        }
        return req.origin().equals((req.secure() ? "https://" : "http://") + req.host());
    }

    private ConsoleResponse refused(ConsoleRequest req) {
        return renderer.publicPage(403, "Request refused",
                "This form has expired or did not come from this console, so nothing was changed. "
                        + "Go back, reload the page and try again.",
                Html.el("p", Html.link("/", "Go to the console")));
    }
}

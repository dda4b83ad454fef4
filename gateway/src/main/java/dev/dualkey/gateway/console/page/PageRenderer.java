package dev.dualkey.gateway.console.page;

import java.util.HashMap;
import java.util.Map;

import dev.dualkey.gateway.console.html.Html;
import dev.dualkey.gateway.console.html.SafeHtml;
import dev.dualkey.gateway.console.html.Template;
import dev.dualkey.gateway.console.web.ConsoleResponse;
import dev.dualkey.gateway.console.web.CsrfGuard;

/**
 * Wraps page content in the layout: navigation (when signed in, with the sign-out form), the heading, and
 * the live regions that announce notices ({@code role=status}) and errors ({@code role=alert}) to screen
 * readers.
 */
public final class PageRenderer {
    /** Navigation sections, to mark the current one with {@code aria-current}. */
    public enum Section { BUCKETS, USERS, CREDENTIALS, NONE, DASHBOARD, AUDIT, SETTINGS }

    private final Template layout = Template.load("layout");
    private final Template nav = Template.load("nav");
    private final CsrfGuard csrf;
    /** Who sees the Audit link (issue 18); nobody until the audit page is wired. */
    private java.util.function.Predicate<ConsoleUser> auditVisible = u -> false;

    /** Who sees the Settings link (issue 18: root only); nobody until the settings page is wired. */
    private java.util.function.Predicate<ConsoleUser> settingsVisible = u -> false;

    public PageRenderer(CsrfGuard csrf) {
        this.csrf = csrf;
    }

    /** Shows the navigation's Audit link to the users {@code visible} accepts. */
    void auditLink(java.util.function.Predicate<ConsoleUser> visible) {
        this.auditVisible = visible;
    }

    /** Shows the navigation's Settings link to the users {@code visible} accepts. */
    void settingsLink(java.util.function.Predicate<ConsoleUser> visible) {
        this.settingsVisible = visible;
    }

    /** The CSRF token for forms on a signed-in page. */
    public String csrfFor(ConsoleUser user) {
        return csrf.token(user.sessionToken());
    }

    /** A page for a signed-in user. */
    public ConsoleResponse page(int status, ConsoleUser user, Section section, boolean showUsers, String title,
                                String notice, String error, SafeHtml content) {
        Map<String, Object> n = new HashMap<>();
        n.put("bucketsLink", navLink("/buckets", "Buckets", section == Section.BUCKETS));
        n.put("dashboardLink", navLink("/dashboard", "Dashboard", section == Section.DASHBOARD));
        n.put("credentialsLink", navLink("/security-credentials", "My security credentials",
                section == Section.CREDENTIALS));
        n.put("usersItem", showUsers ? Html.el("li", navLink("/users", "Users", section == Section.USERS))
                : SafeHtml.EMPTY);
        n.put("auditItem", auditVisible.test(user) // issue 18
                ? Html.el("li", navLink("/audit", "Audit log", section == Section.AUDIT)) : SafeHtml.EMPTY);
        n.put("settingsItem", settingsVisible.test(user) // issue 18
                ? Html.el("li", navLink("/settings", "Settings", section == Section.SETTINGS)) : SafeHtml.EMPTY);
        n.put("csrf", csrfFor(user));
        n.put("who", user.displayName());
        return render(status, title, nav.render(n), notice, error, content);
    }

    /** A page before sign-in (no navigation). */
    public ConsoleResponse publicPage(int status, String title, String error, SafeHtml content) {
        return render(status, title, SafeHtml.EMPTY, null, error, content);
    }

    private ConsoleResponse render(int status, String title, SafeHtml navHtml, String notice, String error,
                                   SafeHtml content) {
        Map<String, Object> v = new HashMap<>();
        v.put("title", title);
        v.put("heading", title);
        v.put("nav", navHtml);
        v.put("notice", notice == null || notice.isEmpty() ? SafeHtml.EMPTY
                : Html.el("p", Html.text(notice), "class", "notice"));
        v.put("error", error == null || error.isEmpty() ? SafeHtml.EMPTY
                : Html.el("p", Html.text(error), "class", "error"));
        v.put("content", content);
        return ConsoleResponse.html(status, layout.render(v));
    }

    private static SafeHtml navLink(String href, String text, boolean current) {
        return Html.el("a", Html.text(text), "href", href, "aria-current", current ? "page" : null);
    }
}

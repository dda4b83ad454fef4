package dev.dualkey.gateway.console.page;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import dev.dualkey.gateway.console.html.Html;
import dev.dualkey.gateway.console.html.SafeHtml;
import dev.dualkey.gateway.console.page.IdentityDirectory.IdentityException;
import dev.dualkey.gateway.console.page.PageRenderer.Section;
import dev.dualkey.gateway.console.web.ConsoleRequest;
import dev.dualkey.gateway.console.web.ConsoleResponse;
import dev.dualkey.gateway.console.web.FormData;

/**
 * Users (root user, or IAM users whose policies allow {@code iam:ListUsers}): list users, create a user with
 * a console password, see a user's MFA devices and deactivate a lost one. Every read and change is the IAM
 * API's own operation through {@link IdentityDirectory} (the user named in the URL is resolved there,
 * canonically, and authorized with the API's authorizer and root rules); this class only renders and shows
 * the controls {@link IdentityDirectory#allowed} says the user may use.
 */
public final class UserPages {
    private static final Pattern USER_PATH = Pattern.compile("/users/([\\w+=,.@-]{1,64})(/deactivate)?");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final Map<String, String> NOTICES = Map.of(
            "created", "User %s was created. They sign in at this console's /a/ address for your account.",
            "deactivated", "The MFA device %s was deactivated. The user can sign in with the password alone and "
                    + "assign a new device.");

    private final IdentityDirectory directory;
    private final PageRenderer renderer;

    /** @param authorizer unused: decisions are the IAM operations' (kept for the assembly's signature) */
    public UserPages(IdentityDirectory directory, Authorizer authorizer, PageRenderer renderer) {
        this.directory = directory;
        this.renderer = renderer;
    }

    /** Whether the Users section shows in the navigation. */
    boolean visibleTo(ConsoleUser user) {
        return directory.allowed(user, "iam:ListUsers", "*");
    }

    ConsoleResponse route(ConsoleRequest req, ConsoleUser user) {
        if (!visibleTo(user)) {
            return renderer.page(403, user, Section.USERS, false, "Users", null,
                    "Your permissions do not allow listing users (iam:ListUsers).", SafeHtml.EMPTY);
        }
        try {
            if (req.path().equals("/users")) {
                return req.isPost() ? create(req, user) : list(req, user, 200, null);
            }
            java.util.regex.Matcher m = USER_PATH.matcher(req.path());
            if (!m.matches()) {
                return null;
            }
            if (m.group(2) != null) {
                return req.isPost() ? deactivate(req, user, m.group(1)) : null;
            }
            return req.isPost() ? null : user(req, user, m.group(1), 200, null);
        } catch (IdentityException e) {
            return list(req, user, e.denied() ? 403 : 400, e.getMessage());
        }
    }

    private ConsoleResponse list(ConsoleRequest req, ConsoleUser user, int status, String error) {
        List<SafeHtml> rows = new ArrayList<>();
        for (IdentityDirectory.User u : directory.users(user)) {
            SafeHtml devices = u.deviceCount() == null ? Html.text("-")
                    : u.deviceCount() == 0 ? Html.el("span", Html.text("None"), "class", "badge warn")
                    : Html.el("span", Html.text(String.valueOf(u.deviceCount())), "class", "badge on");
            rows.add(Html.el("tr", SafeHtml.concat(
                    Html.el("td", Html.link("/users/" + FormData.encode(u.userName()), u.userName())),
                    Html.el("td", u.hasPassword() == null ? "-" : u.hasPassword() ? "Yes" : "No"),
                    Html.el("td", devices),
                    Html.el("td", TIME.format(u.createDate())))));
        }
        SafeHtml table = rows.isEmpty() ? Html.el("p", Html.text("This account has no IAM users yet."), "class", "empty")
                : CredentialPages.table("IAM users", List.of("User name", "Console password", "MFA devices", "Created"),
                rows);
        SafeHtml create = directory.allowed(user, "iam:CreateUser", "*")
                ? CredentialPages.card("create-user-title", "Create user",
                Forms.post("/users", renderer.csrfFor(user), null,
                        Forms.text("new-user-name", "userName", "User name", req.isPost() ? req.form().get("userName") : "",
                                "required", "", "autocapitalize", "none", "spellcheck", "false",
                                "aria-describedby", "new-user-help"),
                        Html.el("p", Html.text("Up to 64 letters, digits and + = , . @ _ -"), "id", "new-user-help",
                                "class", "help"),
                        Forms.password("new-user-password", "password", "Console password", "new-password"),
                        Forms.submit("Create user", "primary")))
                : SafeHtml.EMPTY;
        String accountUrl = "/a/" + (user.accountAlias() != null ? user.accountAlias() : user.accountId());
        SafeHtml signInUrl = Html.el("p", SafeHtml.concat(Html.text("IAM users sign in at "),
                Html.link(accountUrl, accountUrl), Html.text(" on this console.")));
        return renderer.page(status, user, Section.USERS, true, "Users", notice(req), error,
                SafeHtml.concat(signInUrl, table, create));
    }

    private ConsoleResponse create(ConsoleRequest req, ConsoleUser user) {
        String name = req.form().get("userName").trim();
        try {
            directory.createUser(user, user.accountId(), name, req.form().get("password"));
        } catch (IdentityException e) {
            return list(req, user, e.denied() ? 403 : 400, e.getMessage());
        }
        return ConsoleResponse.redirect("/users?n=created&name=" + FormData.encode(name));
    }

    private ConsoleResponse user(ConsoleRequest req, ConsoleUser user, String name, int status, String error) {
        List<IdentityDirectory.Device> listed;
        try {
            listed = directory.devicesOf(user, name);
        } catch (IdentityException e) {
            // ListMFADevices refused (or no such user): the same answer the API gives, nothing listed.
            return renderer.page(e.denied() ? 403 : 404, user, Section.USERS, true, "User " + name, null,
                    e.getMessage(), Html.el("p", Html.link("/users", "All users"), "class", "crumbs"));
        }
        boolean mayDeactivate = directory.allowed(user, "iam:DeactivateMFADevice", name);
        List<SafeHtml> rows = new ArrayList<>();
        for (IdentityDirectory.Device d : listed) {
            SafeHtml action = mayDeactivate ? Forms.post("/users/" + FormData.encode(name) + "/deactivate",
                    renderer.csrfFor(user), "inline", Forms.hidden("serial", d.serialNumber()),
                    Html.el("button", Html.text("Deactivate"), "type", "submit", "class", "small danger",
                            "aria-label", "Deactivate MFA device " + d.serialNumber() + " of " + name))
                    : SafeHtml.EMPTY;
            rows.add(Html.el("tr", SafeHtml.concat(Html.el("td", Html.el("code", d.serialNumber())),
                    Html.el("td", d.virtual() ? "Virtual" : "Hardware"),
                    Html.el("td", d.enableDate() == null ? "" : TIME.format(d.enableDate())),
                    Html.el("td", action))));
        }
        SafeHtml devices = rows.isEmpty() ? Html.el("p", Html.text(name + " has no MFA device."), "class", "empty")
                : CredentialPages.table("MFA devices of " + name, List.of("Identifier", "Type", "Assigned", "Actions"),
                rows);
        SafeHtml help = Html.el("p", Html.text("If the user lost their device, deactivate it here. They then sign in "
                + "with their password and assign a new device in My security credentials."), "class", "help");
        return renderer.page(status, user, Section.USERS, true, "User " + name, notice(req), error,
                SafeHtml.concat(Html.el("p", Html.link("/users", "All users"), "class", "crumbs"),
                        CredentialPages.card("devices-title", "MFA devices", devices, help)));
    }

    private ConsoleResponse deactivate(ConsoleRequest req, ConsoleUser user, String name) {
        String serial = req.form().get("serial");
        try {
            directory.deactivateDevice(user, user.accountId(), name, serial);
        } catch (IdentityException e) {
            return user(req, user, name, e.denied() ? 403 : 400, e.getMessage());
        }
        return ConsoleResponse.redirect("/users/" + FormData.encode(name) + "?n=deactivated&name=" + FormData.encode(serial));
    }

    private static String notice(ConsoleRequest req) {
        String t = NOTICES.get(req.query().get("n"));
        return t == null ? null : String.format(Locale.ROOT, t, req.query().get("name"));
    }
}

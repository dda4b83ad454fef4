package dev.dualkey.gateway.console.page;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.dualkey.gateway.console.html.Html;
import dev.dualkey.gateway.console.html.SafeHtml;
import dev.dualkey.gateway.console.page.IdentityDirectory.IdentityException;
import dev.dualkey.gateway.console.page.PageRenderer.Section;
import dev.dualkey.gateway.console.web.ConsoleRequest;
import dev.dualkey.gateway.console.web.ConsoleResponse;
import dev.dualkey.gateway.console.web.Cookies;
import dev.dualkey.gateway.console.web.FormData;

/**
 * "My security credentials": the signed-in user's MFA devices (assign a virtual device by QR code, activate
 * it with two consecutive codes, resync, remove where policy allows), password change, and access keys
 * (the secret shown once). Each action is the IAM API's own operation on the signed-in user (through
 * {@link IdentityDirectory}), so an IAM user can do only what their policies allow (by default: nothing but
 * sign in), exactly as through the API.
 *
 * <p>Root's second factor takes the second factor: while root has an enabled device, assigning another,
 * resynchronising or removing one asks for a current code of an assigned device unless the session proved one
 * within the last 15 minutes (the sign-in code counts for those 15 minutes), as the API asks for an MFA session.
 */
public final class CredentialPages {
    static final String BASE = "/security-credentials";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final Map<String, String> NOTICES = Map.of(
            "enabled", "Your MFA device %s is assigned. You will be asked for a code at your next sign-in.",
            "resynced", "Your MFA device %s was resynchronized.",
            "removed", "The MFA device %s was removed.",
            "password", "Your password was changed.",
            "key-deleted", "Access key %s was deleted.");

    static final String FRESH_CODE_NEEDED = "Confirm this change with a current code from an MFA device already "
            + "assigned to you: changing your MFA devices needs a code from the last 15 minutes.";
    static final String FRESH_CODE_REFUSED = "The MFA code was not accepted. Wait for the next code and type it.";

    private final IdentityDirectory directory;
    private final PageRenderer renderer;

    /** @param authorizer unused: decisions are the IAM operations' (kept for the assembly's signature) */
    public CredentialPages(IdentityDirectory directory, Authorizer authorizer, PageRenderer renderer) {
        this.directory = directory;
        this.renderer = renderer;
    }

    /** Routes {@code /security-credentials/...}; null when no page matches. */
    ConsoleResponse route(ConsoleRequest req, ConsoleUser user, boolean showUsers) {
        String sub = req.path().substring(BASE.length());
        boolean post = req.isPost();
        try {
            switch (sub) {
                case "":
                    return post ? null : overview(req, user, showUsers, 200, null);
                case "/mfa/new":
                    return post ? newDevice(user, showUsers, null) : ConsoleResponse.redirect(BASE);
                case "/mfa/enable":
                    return post ? enable(req, user, showUsers) : ConsoleResponse.redirect(BASE);
                case "/mfa/resync":
                    return post ? resync(req, user, showUsers) : resyncPage(req, user, showUsers, 200, null);
                case "/mfa/remove":
                    return post ? remove(req, user, showUsers) : ConsoleResponse.redirect(BASE);
                case "/password":
                    return post ? changePassword(req, user, showUsers) : ConsoleResponse.redirect(BASE);
                case "/keys":
                    return post ? createKey(user, showUsers) : ConsoleResponse.redirect(BASE);
                case "/keys/delete":
                    return post ? deleteKey(req, user, showUsers) : ConsoleResponse.redirect(BASE);
                default:
                    return null;
            }
        } catch (IdentityException e) {
            return overview(req, user, showUsers, e.denied() ? 403 : 400, e.getMessage());
        }
    }

    /** Whether to show a control: the IAM operation's own decision on the signed-in user. */
    private boolean may(ConsoleUser user, String action) {
        return directory.allowed(user, action, null);
    }

    /** The field asking root for a current code, when its session has no recent one; empty otherwise. */
    private SafeHtml freshCodeField(ConsoleUser user, String id) {
        return directory.freshCodeNeeded(user)
                ? Forms.code(id, "mfaCode", "Current code from an MFA device already assigned to you")
                : SafeHtml.EMPTY;
    }

    /** Proves the typed fresh code when one is needed: null when the change may go on, else the error. */
    private String freshCode(ConsoleRequest req, ConsoleUser user) {
        if (!directory.freshCodeNeeded(user)) {
            return null;
        }
        String code = req.form().get("mfaCode").trim();
        if (code.isEmpty()) {
            return FRESH_CODE_NEEDED;
        }
        return directory.proveFreshCode(user, code) ? null : FRESH_CODE_REFUSED;
    }

    private static String denied(String action) {
        return "Your permissions do not allow this (" + action + "). Ask an administrator of your account.";
    }

    // ---- overview -----------------------------------------------------------------------------------------

    ConsoleResponse overview(ConsoleRequest req, ConsoleUser user, boolean showUsers, int status, String error) {
        String csrf = renderer.csrfFor(user);
        List<IdentityDirectory.Device> devices = directory.devices(user.accountId(), user.userName());
        List<SafeHtml> rows = new ArrayList<>();
        boolean mayRemove = may(user, "iam:DeactivateMFADevice");
        int row = 0;
        for (IdentityDirectory.Device d : devices) {
            row++;
            List<SafeHtml> actions = new ArrayList<>();
            actions.add(Html.link(BASE + "/mfa/resync?serial=" + FormData.encode(d.serialNumber()), "Resync"));
            if (mayRemove) {
                actions.add(Forms.post(BASE + "/mfa/remove", csrf, "inline", Forms.hidden("serial", d.serialNumber()),
                        freshCodeField(user, "remove-code-" + row),
                        Html.el("button", Html.text("Remove"), "type", "submit", "class", "small",
                                "aria-label", "Remove MFA device " + d.serialNumber())));
            }
            rows.add(Html.el("tr", SafeHtml.concat(
                    Html.el("td", Html.el("code", d.serialNumber())),
                    Html.el("td", d.virtual() ? "Virtual (authenticator app)" : "Hardware TOTP token"),
                    Html.el("td", d.enableDate() == null ? "" : TIME.format(d.enableDate())),
                    Html.el("td", Html.el("div", SafeHtml.concat(actions), "class", "actions")))));
        }
        SafeHtml deviceTable = devices.isEmpty()
                ? Html.el("p", Html.text("No MFA device is assigned. Assign one so that signing in, and permanently "
                        + "deleting data in buckets with MFA Delete, need a code from your phone."), "class", "empty")
                : table("Your MFA devices", List.of("Identifier", "Type", "Assigned", "Actions"), rows);
        SafeHtml assign = may(user, "iam:CreateVirtualMFADevice") && may(user, "iam:EnableMFADevice")
                ? Forms.post(BASE + "/mfa/new", csrf, null, Forms.submit("Assign MFA device", "primary"))
                : Html.el("p", Html.text(denied("iam:CreateVirtualMFADevice")), "class", "help");
        SafeHtml mfa = card("mfa-title", "Multi-factor authentication (MFA)", deviceTable, assign);

        SafeHtml password = may(user, "iam:ChangePassword")
                ? card("password-title", "Console password", Forms.post(BASE + "/password", csrf, null,
                        Forms.password("old-password", "oldPassword", "Current password", "current-password"),
                        Forms.password("new-password", "newPassword", "New password", "new-password"),
                        Forms.password("confirm-password", "confirmPassword", "Confirm new password", "new-password"),
                        Forms.submit("Change password", "primary")))
                : SafeHtml.EMPTY;

        SafeHtml keys = SafeHtml.EMPTY;
        if (may(user, "iam:ListAccessKeys")) {
            List<SafeHtml> keyRows = new ArrayList<>();
            boolean mayDelete = may(user, "iam:DeleteAccessKey");
            for (IdentityDirectory.AccessKey k : directory.accessKeys(user)) {
                SafeHtml del = mayDelete ? Forms.post(BASE + "/keys/delete", csrf, "inline",
                        Forms.hidden("accessKeyId", k.accessKeyId()),
                        Html.el("button", Html.text("Delete"), "type", "submit", "class", "small",
                                "aria-label", "Delete access key " + k.accessKeyId())) : SafeHtml.EMPTY;
                keyRows.add(Html.el("tr", SafeHtml.concat(Html.el("td", Html.el("code", k.accessKeyId())),
                        Html.el("td", k.active() ? "Active" : "Inactive"), Html.el("td", TIME.format(k.createDate())),
                        Html.el("td", del))));
            }
            SafeHtml keyTable = keyRows.isEmpty() ? Html.el("p", Html.text("You have no access keys."), "class", "empty")
                    : table("Your access keys", List.of("Access key ID", "Status", "Created", "Actions"), keyRows);
            SafeHtml create = may(user, "iam:CreateAccessKey")
                    ? Forms.post(BASE + "/keys", csrf, null, Forms.submit("Create access key", null)) : SafeHtml.EMPTY;
            keys = card("keys-title", "Access keys for the S3 API", keyTable, create);
        }
        return renderer.page(status, user, Section.CREDENTIALS, showUsers, "My security credentials",
                notice(req), error, SafeHtml.concat(mfa, password, keys));
    }

    private static String notice(ConsoleRequest req) {
        String t = NOTICES.get(req.query().get("n"));
        return t == null ? null : String.format(Locale.ROOT, t, req.query().get("name"));
    }

    // ---- assign a virtual device --------------------------------------------------------------------------

    /** Creates a virtual device and shows its QR code, secret and the two code fields (POST, never cached). */
    private ConsoleResponse newDevice(ConsoleUser user, boolean showUsers, String error) {
        if (!may(user, "iam:CreateVirtualMFADevice") || !may(user, "iam:EnableMFADevice")) {
            return overviewError(user, showUsers, denied("iam:CreateVirtualMFADevice"));
        }
        IdentityDirectory.NewVirtualDevice d = directory.createVirtualDevice(user, user.accountId(), user.userName());
        String png = "data:image/png;base64," + Base64.getEncoder().encodeToString(d.qrPng());
        String csrf = renderer.csrfFor(user);
        SafeHtml steps = Html.el("ol", SafeHtml.concat(
                Html.el("li", Html.text("Install an authenticator app on your phone, for example Google "
                        + "Authenticator, Microsoft Authenticator, FreeOTP or 1Password.")),
                Html.el("li", SafeHtml.concat(
                        Html.el("p", Html.text("In the app, add an account and scan this QR code:")),
                        Html.voidEl("img", "src", png, "class", "qr", "id", "qr", "width", "220", "height", "220",
                                "alt", "QR code for your new MFA device. If you cannot scan it, use "
                                        + "\"Show secret key\" below and type the key into the app."),
                        Html.el("details", SafeHtml.concat(
                                Html.el("summary", Html.text("Show secret key")),
                                Html.el("p", Html.text("Type this key into the app instead of scanning (time-based, "
                                        + "6 digits, 30 seconds):")),
                                Html.el("code", Html.text(d.base32Seed()), "class", "secret-value", "id", "secret-key")),
                                "class", "secret"))),
                Html.el("li", SafeHtml.concat(
                        Html.el("p", Html.text("Type two consecutive codes from the app: the code shown now, then "
                                + "wait until it changes (up to 30 seconds) and type the next one.")),
                        Forms.post(BASE + "/mfa/enable", csrf, null, Forms.hidden("serial", d.serialNumber()),
                                freshCodeField(user, "current-code"),
                                Forms.code("code1", "code1", "MFA code 1"), Forms.code("code2", "code2", "MFA code 2"),
                                Forms.submit("Assign MFA device", "primary"))))),
                "class", "steps");
        SafeHtml content = card("assign-title", "Set up your virtual MFA device",
                Html.el("p", SafeHtml.concat(Html.text("Device identifier: "), Html.el("code", d.serialNumber()))),
                steps,
                Html.el("p", Html.text("The secret key is shown only on this page. If you leave it before assigning "
                        + "the device, start again."), "class", "once"));
        return renderer.page(error == null ? 200 : 400, user, Section.CREDENTIALS, showUsers, "Assign MFA device",
                null, error, content);
    }

    private ConsoleResponse enable(ConsoleRequest req, ConsoleUser user, boolean showUsers) {
        if (!may(user, "iam:EnableMFADevice")) {
            return overviewError(user, showUsers, denied("iam:EnableMFADevice"));
        }
        String serial = req.form().get("serial");
        try {
            String refused = freshCode(req, user);
            if (refused != null) {
                throw new IdentityException(refused, true);
            }
            directory.enableDevice(user, user.accountId(), user.userName(), serial, req.form().get("code1").trim(),
                    req.form().get("code2").trim());
        } catch (IdentityException e) {
            // The secret was shown once; a fresh device (new QR code) is safer than re-sending the old seed.
            directory.discardPendingDevice(user, user.accountId(), serial);
            return newDevice(user, showUsers, e.getMessage() + " Your app's entry for the previous code will not "
                    + "work: delete it, scan this new QR code and try again.");
        }
        return ConsoleResponse.redirect(BASE + "?n=enabled&name=" + FormData.encode(serial));
    }

    // ---- resync / remove ----------------------------------------------------------------------------------

    private ConsoleResponse resyncPage(ConsoleRequest req, ConsoleUser user, boolean showUsers, int status,
                                       String error) {
        String serial = req.isPost() ? req.form().get("serial") : req.query().get("serial");
        SafeHtml form = Forms.post(BASE + "/mfa/resync", renderer.csrfFor(user), null,
                Forms.hidden("serial", serial),
                freshCodeField(user, "current-code"),
                Html.el("p", SafeHtml.concat(Html.text("Device "), Html.el("code", serial), Html.text(
                        ": type the code shown now, wait for it to change, then type the next one."))),
                Forms.code("code1", "code1", "MFA code 1"), Forms.code("code2", "code2", "MFA code 2"),
                Forms.submit("Resync", "primary"));
        return renderer.page(status, user, Section.CREDENTIALS, showUsers, "Resync MFA device", null, error,
                card("resync-title", "Two consecutive codes", form));
    }

    private ConsoleResponse resync(ConsoleRequest req, ConsoleUser user, boolean showUsers) {
        if (!may(user, "iam:ResyncMFADevice")) {
            return overviewError(user, showUsers, denied("iam:ResyncMFADevice"));
        }
        String serial = req.form().get("serial");
        try {
            String refused = freshCode(req, user);
            if (refused != null) {
                return resyncPage(req, user, showUsers, 403, refused);
            }
            directory.resyncDevice(user, user.accountId(), user.userName(), serial, req.form().get("code1").trim(),
                    req.form().get("code2").trim());
        } catch (IdentityException e) {
            return resyncPage(req, user, showUsers, 400, e.getMessage());
        }
        return ConsoleResponse.redirect(BASE + "?n=resynced&name=" + FormData.encode(serial));
    }

    private ConsoleResponse remove(ConsoleRequest req, ConsoleUser user, boolean showUsers) {
        if (!may(user, "iam:DeactivateMFADevice")) {
            return overviewError(user, showUsers, denied("iam:DeactivateMFADevice"));
        }
        String serial = req.form().get("serial");
        String refused = freshCode(req, user);
        if (refused != null) {
            return overviewError(user, showUsers, refused);
        }
        directory.deactivateDevice(user, user.accountId(), user.userName(), serial);
        return ConsoleResponse.redirect(BASE + "?n=removed&name=" + FormData.encode(serial));
    }

    // ---- password and keys --------------------------------------------------------------------------------

    private ConsoleResponse changePassword(ConsoleRequest req, ConsoleUser user, boolean showUsers) {
        if (!may(user, "iam:ChangePassword")) {
            return overviewError(user, showUsers, denied("iam:ChangePassword"));
        }
        String newPassword = req.form().get("newPassword");
        if (!newPassword.equals(req.form().get("confirmPassword"))) {
            return overviewError(user, showUsers, "The new password and its confirmation are different.");
        }
        String reissued = directory.changePassword(user, user.accountId(), user.userName(),
                req.form().get("oldPassword"), newPassword);
        // Every session of the user ended with the change; this one continues under a new token.
        ConsoleResponse done = ConsoleResponse.redirect(BASE + "?n=password");
        return reissued == null ? done : done.header("Set-Cookie", new Cookies(req.secure()).session(reissued));
    }

    private ConsoleResponse createKey(ConsoleUser user, boolean showUsers) {
        if (!may(user, "iam:CreateAccessKey")) {
            return overviewError(user, showUsers, denied("iam:CreateAccessKey"));
        }
        IdentityDirectory.NewAccessKey k = directory.createAccessKey(user, user.accountId(), user.userName());
        SafeHtml content = card("key-title", "Your new access key",
                Html.el("p", Html.text("This is the only time the secret access key is shown. Copy it now into your "
                        + "S3 client's configuration; if you lose it, delete the key and create a new one."),
                        "class", "once"),
                Html.el("dl", SafeHtml.concat(
                        Html.el("dt", "Access key ID"), Html.el("dd", Html.el("code", Html.text(k.accessKeyId()),
                                "id", "new-access-key-id")),
                        Html.el("dt", "Secret access key"), Html.el("dd", Html.el("code",
                                Html.text(k.secretAccessKey()), "id", "new-secret-access-key", "class", "secret-value")))),
                Html.el("p", Html.link(BASE, "Done")));
        return renderer.page(200, user, Section.CREDENTIALS, showUsers, "Access key created", null, null, content);
    }

    private ConsoleResponse deleteKey(ConsoleRequest req, ConsoleUser user, boolean showUsers) {
        if (!may(user, "iam:DeleteAccessKey")) {
            return overviewError(user, showUsers, denied("iam:DeleteAccessKey"));
        }
        String id = req.form().get("accessKeyId");
        directory.deleteAccessKey(user, user.accountId(), user.userName(), id);
        return ConsoleResponse.redirect(BASE + "?n=key-deleted&name=" + FormData.encode(id));
    }

    private ConsoleResponse overviewError(ConsoleUser user, boolean showUsers, String error) {
        ConsoleRequest blank = new ConsoleRequest("GET", BASE, FormData.EMPTY, FormData.EMPTY, Map.of(), "", null, "",
                false);
        return overview(blank, user, showUsers, 403, error);
    }

    static SafeHtml card(String titleId, String title, SafeHtml... body) {
        return Html.el("section", SafeHtml.concat(Html.el("h2", Html.text(title), "id", titleId), SafeHtml.concat(body)),
                "class", "card", "aria-labelledby", titleId);
    }

    static SafeHtml table(String caption, List<String> headers, List<SafeHtml> rows) {
        List<SafeHtml> ths = new ArrayList<>();
        for (String h : headers) {
            ths.add(Html.el("th", Html.text(h), "scope", "col"));
        }
        return Html.el("table", SafeHtml.concat(Html.el("caption", Html.text(caption)),
                Html.el("thead", Html.el("tr", SafeHtml.concat(ths))), Html.el("tbody", SafeHtml.concat(rows))));
    }
}

package dev.dualkey.gateway.console.page;

import dev.dualkey.gateway.alert.AlertTarget;
import dev.dualkey.gateway.console.html.Html;
import dev.dualkey.gateway.console.html.SafeHtml;
import dev.dualkey.gateway.console.page.PageRenderer.Section;
import dev.dualkey.gateway.console.web.ConsoleRequest;
import dev.dualkey.gateway.console.web.ConsoleResponse;
import dev.dualkey.gateway.settings.AccountSettings;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The account's Settings page ({@code /settings}, issue 18): where the account's security events go (the alert
 * webhook's URL and optional signing secret), beside the operator's {@code serve --alert-webhook}.
 *
 * <p>Whoever changes where alerts go can silence them, or make the server call a URL of their choosing, so a
 * change needs, in this order: the account's root user (an IAM user is refused 403 whatever its policies: no IAM
 * action grants it), a CSRF-checked POST from this console (the router's rule for every form), a receiver URL
 * that is {@code http(s)} with a host ({@link AlertTarget}), the MFA code field over TLS or loopback only (as the
 * S3 listener treats {@code x-amz-mfa}), root having an MFA device, and a current code from it proved now: the
 * code is spent (one use, the device's throttle counts wrong ones), so a stolen session cookie or a replayed code
 * changes nothing. Refusals are audited (outcome DENIED, with the reason), a change is audited with it atomically
 * ({@link AccountSettings}). The page shows only the receiver's scheme, host and port, never its path or secret.
 */
final class SettingsPages {
    static final String PATH = "/settings";
    static final String NOT_ROOT = "Only the account's root user can change settings.";
    static final String CODE_NEEDED = "Changing where alerts go needs a current code from your MFA device.";
    static final String CODE_REFUSED = "The MFA code was not accepted. Each code works once: wait for the next code "
            + "and try again.";
    static final String NO_DEVICE = "Changing where alerts go needs a code from your MFA device, and none is "
            + "assigned. Assign one in My security credentials first.";
    static final String NOT_SECURE = "MFA codes must travel over HTTPS: open the console with https:// (or on this "
            + "machine only).";

    private final AccountSettings settings;
    private final IdentityDirectory directory;
    private final PageRenderer renderer;
    private final boolean mfaSecure;

    SettingsPages(AccountSettings settings, IdentityDirectory directory, PageRenderer renderer, boolean mfaSecure) {
        this.settings = settings;
        this.directory = directory;
        this.renderer = renderer;
        this.mfaSecure = mfaSecure;
    }

    /** Whether the navigation shows the Settings link to {@code user}: root only. */
    boolean visibleTo(ConsoleUser user) {
        return user.isRoot();
    }

    /** GET /settings. */
    ConsoleResponse page(ConsoleRequest req, ConsoleUser user, boolean showUsers) {
        if (!user.isRoot()) {
            return refusedPage(user, showUsers);
        }
        String notice = switch (req.query().get("n")) {
            case "saved" -> "Security alerts of this account now go to the new receiver.";
            case "removed" -> "This account's alert receiver was removed.";
            default -> null;
        };
        return render(200, user, showUsers, notice, null, "");
    }

    /** POST /settings (CSRF and origin already checked by the router). */
    ConsoleResponse submit(ConsoleRequest req, ConsoleUser user, boolean showUsers) {
        String client = req.clientAddress().isEmpty() ? "console" : req.clientAddress();
        if (!user.isRoot()) {
            settings.refused(user.accountId(), user.arn(), client, "not the account's root user");
            return refusedPage(user, showUsers);
        }
        boolean remove = req.form().get("action").equals("remove");
        String url = req.form().get("url");
        AlertTarget target = null;
        if (!remove) {
            String secret = req.form().get("secret");
            if (secret.getBytes(StandardCharsets.UTF_8).length > AccountSettings.MAX_SECRET_BYTES) {
                return render(400, user, showUsers, null, "The signing secret is longer than "
                        + AccountSettings.MAX_SECRET_BYTES + " bytes.", url);
            }
            try {
                target = AlertTarget.parse(url, secret.isEmpty() ? null : secret.getBytes(StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                return render(400, user, showUsers, null, "Not saved: " + e.getMessage() + ".", url);
            }
        }
        String code = req.form().get("code").strip();
        String refusal = null;
        if (!mfaSecure) {
            refusal = NOT_SECURE;
        } else if (directory.devices(user.accountId(), null).isEmpty()) {
            refusal = NO_DEVICE;
        } else if (code.isEmpty()) {
            refusal = CODE_NEEDED;
        } else if (!directory.proveFreshCode(user, code)) { // spends the code: one use, throttled
            refusal = CODE_REFUSED;
        }
        if (refusal != null) {
            settings.refused(user.accountId(), user.arn(), client, refusal == CODE_REFUSED ? "MFA code not accepted"
                    : refusal == CODE_NEEDED ? "no MFA code" : refusal == NO_DEVICE ? "no MFA device"
                    : "MFA code over plain HTTP");
            return render(403, user, showUsers, null, refusal, remove ? "" : url);
        }
        settings.setWebhook(user.accountId(), user.arn(), target, client);
        return ConsoleResponse.redirect(PATH + "?n=" + (remove ? "removed" : "saved"));
    }

    private ConsoleResponse refusedPage(ConsoleUser user, boolean showUsers) {
        return renderer.page(403, user, Section.SETTINGS, showUsers, "Settings", null, NOT_ROOT,
                Html.el("p", Html.link("/buckets", "Go to buckets")));
    }

    private ConsoleResponse render(int status, ConsoleUser user, boolean showUsers, String notice, String error,
                                   String typedUrl) {
        Optional<AccountSettings.Webhook> current = settings.webhook(user.accountId());
        SafeHtml now = current.isPresent()
                ? Html.el("p", SafeHtml.concat(Html.text("Events of this account go to "),
                        Html.el("code", Html.text(current.get().target().origin() + "/…"), "id", "webhook-current"),
                        Html.text(current.get().target().secret() != null ? ", signed" : ", unsigned"),
                        Html.text(" (set " + current.get().changedAt() + "). The path is not shown: it is often "
                                + "the receiver's credential.")))
                : Html.el("p", Html.text("No receiver is set for this account. Events still go to the operator's "
                        + "receiver, if the server was started with --alert-webhook."), "id", "webhook-none");
        String csrf = renderer.csrfFor(user);
        SafeHtml form = Forms.post(PATH, csrf, null,
                Forms.text("webhook-url", "url", "Receiver URL (http or https)", typedUrl == null ? "" : typedUrl,
                        "inputmode", "url", "maxlength", Integer.toString(AlertTarget.MAX_URL_LENGTH),
                        "autocomplete", "off", "spellcheck", "false"),
                SafeHtml.concat(Html.el("label", Html.text("Signing secret (optional: HMAC-SHA256 of each body in "
                        + "X-Dualkey-Signature-256)"), "for", "webhook-secret"),
                        Html.voidEl("input", "id", "webhook-secret", "name", "secret", "type", "password",
                                "autocomplete", "new-password")),
                Forms.code("settings-code", "code", "Current code from your MFA device"),
                Html.el("button", Html.text("Save receiver"), "type", "submit", "name", "action", "value", "save",
                        "class", "primary"),
                current.isPresent()
                        ? Html.el("button", Html.text("Remove receiver"), "type", "submit", "name", "action",
                                "value", "remove", "class", "danger", "formnovalidate", "")
                        : SafeHtml.EMPTY);
        SafeHtml card = Html.el("section", SafeHtml.concat(
                Html.el("h2", Html.text("Security alerts"), "id", "alerts-title"),
                Html.el("p", Html.text("Lockouts, refused MFA-protected requests, root sign-ins and changes of MFA "
                        + "devices of this account are posted as JSON to this receiver, in addition to the "
                        + "operator's. Changing it needs a current MFA code."), "class", "help"),
                now, form), "class", "card", "aria-labelledby", "alerts-title");
        return renderer.page(status, user, Section.SETTINGS, showUsers, "Settings", notice, error, card);
    }
}

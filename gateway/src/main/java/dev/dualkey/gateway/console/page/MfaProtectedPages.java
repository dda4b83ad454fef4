package dev.dualkey.gateway.console.page;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.dualkey.gateway.console.html.Html;
import dev.dualkey.gateway.console.html.SafeHtml;
import dev.dualkey.gateway.console.page.MfaDeleteCheck.Operation;
import dev.dualkey.gateway.console.web.ConsoleRequest;
import dev.dualkey.gateway.console.web.ConsoleResponse;
import dev.dualkey.gateway.console.web.FormData;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.error.StorageException;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;

/**
 * The two actions MFA Delete protects, done from the console with a code typed into the page: permanently
 * deleting an object version, and changing versioning / MFA Delete. Both go through {@link MfaDeleteCheck},
 * the S3 API's own check, after the IAM authorization of the matching S3 action.
 */
public final class MfaProtectedPages {
    /** Browse page to re-render with an error: (bucket, error) -> page. */
    public interface Rerender {
        ConsoleResponse show(ConsoleRequest req, ConsoleUser user, String bucket, String error);
    }

    private final ObjectStore store;
    private final Authorizer authorizer;
    private final MfaDeleteCheck check;
    private final Function<ConsoleUser, List<String>> mfaSerials;

    /**
     * @param mfaSerials the serial numbers of the user's enabled devices (the code is checked against one)
     */
    public MfaProtectedPages(ObjectStore store, Authorizer authorizer, MfaDeleteCheck check,
                             Function<ConsoleUser, List<String>> mfaSerials) {
        this.store = store;
        this.authorizer = authorizer;
        this.check = check;
        this.mfaSerials = mfaSerials;
    }

    /** The "permanently delete" control of one version row. */
    SafeHtml deleteVersionForm(String bucket, ObjectVersion v, String prefix, String csrf, boolean mfaOn) {
        String id = "code-" + Integer.toHexString((v.key() + "\u0000" + v.versionId()).hashCode());
        SafeHtml codeField = mfaOn
                ? SafeHtml.concat(Html.el("label", Html.text("MFA code"), "for", id, "class", "sr-only"),
                Html.voidEl("input", "id", id, "name", "code", "type", "text", "inputmode", "numeric", "pattern",
                        "[0-9]{6}", "maxlength", "6", "autocomplete", "one-time-code", "placeholder", "MFA code",
                        "class", "code-small", "required", "", "aria-label",
                        "MFA code to permanently delete version " + v.versionId() + " of " + v.key()))
                : SafeHtml.EMPTY;
        return Forms.post("/buckets/" + bucket + "/delete-version", csrf, "inline",
                Forms.hidden("key", v.key()), Forms.hidden("versionId", v.versionId()), Forms.hidden("prefix", prefix),
                codeField,
                Html.el("button", Html.text("Delete permanently"), "type", "submit", "class", "small danger",
                        "aria-label", "Permanently delete version " + v.versionId() + " of " + v.key()));
    }

    /** The versioning / MFA Delete card of the browse page. */
    SafeHtml versioningForm(ConsoleUser user, BucketInfo info, String csrf) {
        boolean mfaOn = info.mfaDelete() == MfaDeleteState.ENABLED;
        boolean enabled = info.versioning() == VersioningState.ENABLED;
        SafeHtml status = Html.el("fieldset", SafeHtml.concat(
                Html.el("legend", Html.text("Versioning")),
                radio("versioning-enabled", "status", "Enabled", "Enabled: keep every version", enabled),
                radio("versioning-suspended", "status", "Suspended", "Suspended: stop creating new versions",
                        info.versioning() == VersioningState.SUSPENDED)));
        SafeHtml mfa = Html.el("fieldset", SafeHtml.concat(
                Html.el("legend", Html.text("MFA Delete")),
                Html.el("p", Html.text("When on, permanently deleting a version or changing versioning needs a "
                        + "code from the root user's MFA device, here and in the S3 API."), "class", "help"),
                radio("mfa-on", "mfaDelete", "Enabled", "On", mfaOn),
                radio("mfa-off", "mfaDelete", "Disabled", "Off", !mfaOn)));
        List<String> serials = user.isRoot() ? mfaSerials.apply(user) : List.of();
        SafeHtml code = Forms.code("versioning-code", "code", "MFA code (needed when MFA Delete is on or being turned on)");
        SafeHtml hint = !user.isRoot()
                ? Html.el("p", Html.text("Only the root user can turn MFA Delete on or off."), "class", "help")
                : serials.isEmpty()
                ? Html.el("p", SafeHtml.concat(Html.text("Assign an MFA device in "),
                        Html.link("/security-credentials", "My security credentials"),
                        Html.text(" before turning MFA Delete on.")), "class", "help")
                : SafeHtml.EMPTY;
        return Html.el("section", SafeHtml.concat(
                Html.el("h2", Html.text("Versioning and MFA Delete"), "id", "versioning-title"),
                Forms.post("/buckets/" + info.name() + "/versioning", csrf, null, status, mfa, hint,
                        serialField(serials), code, Forms.submit("Save versioning settings", "primary"))),
                "class", "card", "aria-labelledby", "versioning-title");
    }

    private static SafeHtml serialField(List<String> serials) {
        if (serials.size() <= 1) {
            return serials.isEmpty() ? SafeHtml.EMPTY : Forms.hidden("serial", serials.get(0));
        }
        SafeHtml[] options = new SafeHtml[serials.size()];
        for (int i = 0; i < serials.size(); i++) {
            options[i] = Html.el("option", Html.text(serials.get(i)), "value", serials.get(i));
        }
        return SafeHtml.concat(Html.el("label", Html.text("MFA device"), "for", "serial"),
                Html.el("select", SafeHtml.concat(options), "id", "serial", "name", "serial"));
    }

    private static SafeHtml radio(String id, String name, String value, String label, boolean checked) {
        return Html.el("label", SafeHtml.concat(
                Html.voidEl("input", "type", "radio", "id", id, "name", name, "value", value, "checked", checked ? "" : null),
                Html.text(" " + label)), "class", "check", "for", id);
    }

    /** For a plain delete: null when allowed, else the refusal (D2: destroying a null version needs MFA). */
    String checkPlainDelete(ConsoleUser user, BucketInfo info, String key) {
        if (!check.required(info, Operation.DELETE_OBJECT, null)) {
            return null;
        }
        return "In this bucket, deleting " + key + " would permanently remove its null version, which MFA Delete "
                + "protects. Use \"Delete permanently\" on that version with an MFA code.";
    }

    /** POST /buckets/{bucket}/delete-version. */
    public ConsoleResponse deleteVersion(ConsoleRequest req, ConsoleUser user, BucketInfo info, Rerender page) {
        String key = req.form().get("key");
        String versionId = req.form().get("versionId");
        if (key.isEmpty() || versionId.isEmpty()) {
            return page.show(req, user, info.name(), "Choose a version to delete.");
        }
        if (!authorizer.allowed(user, "s3:DeleteObjectVersion", Authorizer.objectArn(info.name(), key),
                Map.of("s3:VersionId", versionId))) {
            return page.show(req, user, info.name(),
                    "You are not allowed to delete object versions here (s3:DeleteObjectVersion).");
        }
        String refused = mfaCheck(req, user, info, Operation.DELETE_VERSION, null, key, versionId);
        if (refused != null) {
            return page.show(req, user, info.name(), refused);
        }
        try {
            store.deleteObject(info.name(), key, versionId);
        } catch (StorageException e) {
            return page.show(req, user, info.name(), StorageMessages.of(e));
        }
        return ConsoleResponse.redirect("/buckets/" + info.name() + "?prefix=" + FormData.encode(req.form().get("prefix"))
                + "&n=version-deleted&name=" + FormData.encode(key));
    }

    /** POST /buckets/{bucket}/versioning. */
    public ConsoleResponse putVersioning(ConsoleRequest req, ConsoleUser user, BucketInfo info, Rerender page) {
        String status = req.form().get("status");
        String mfaDelete = req.form().get("mfaDelete");
        if (!status.equals("Enabled") && !status.equals("Suspended")) {
            return page.show(req, user, info.name(), "Choose Enabled or Suspended for versioning.");
        }
        if (!mfaDelete.equals("Enabled") && !mfaDelete.equals("Disabled")) {
            return page.show(req, user, info.name(), "Choose On or Off for MFA Delete.");
        }
        if (!authorizer.allowed(user, "s3:PutBucketVersioning", Authorizer.bucketArn(info.name()))) {
            return page.show(req, user, info.name(),
                    "You are not allowed to change versioning of this bucket (s3:PutBucketVersioning).");
        }
        VersioningState newStatus = status.equals("Enabled") ? VersioningState.ENABLED : VersioningState.SUSPENDED;
        boolean mfaAfter = mfaDelete.equals("Enabled");
        MfaDeleteState newMfa = mfaAfter ? MfaDeleteState.ENABLED
                : info.mfaDelete() == MfaDeleteState.NEVER_CONFIGURED ? MfaDeleteState.NEVER_CONFIGURED
                : MfaDeleteState.DISABLED;
        if (newStatus == info.versioning() && newMfa == info.mfaDelete()) {
            return ConsoleResponse.redirect("/buckets/" + info.name() + "?n=versioning&name="
                    + FormData.encode(info.name()));
        }
        // Like an S3 client, send the MfaDelete element only when it changes (else Status alone).
        MfaDeleteState requested = newMfa == info.mfaDelete() ? null : newMfa;
        String refused = mfaCheck(req, user, info, Operation.PUT_VERSIONING, requested, null, null);
        if (refused != null) {
            return page.show(req, user, info.name(), refused);
        }
        try {
            store.updateBucket(info.name(), c -> c.withVersioning(newStatus).withMfaDelete(newMfa));
        } catch (StorageException e) {
            return page.show(req, user, info.name(), StorageMessages.of(e));
        }
        return ConsoleResponse.redirect("/buckets/" + info.name() + "?n=versioning&name=" + FormData.encode(info.name()));
    }

    private String mfaCheck(ConsoleRequest req, ConsoleUser user, BucketInfo info, Operation op,
                            MfaDeleteState requested, String key, String versionId) {
        if (!check.required(info, op, requested)) {
            return null;
        }
        String code = req.form().get("code").trim();
        String serial = req.form().get("serial");
        if (serial.isEmpty()) {
            List<String> serials = mfaSerials.apply(user);
            serial = serials.isEmpty() ? "" : serials.get(0);
        }
        return check.check(user, info, op, requested, key, versionId, serial, code);
    }
}

package dev.dualkey.gateway.console.page;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.gateway.console.html.Html;
import dev.dualkey.gateway.console.html.SafeHtml;
import dev.dualkey.gateway.console.web.ConsoleRequest;
import dev.dualkey.gateway.console.web.ConsoleResponse;
import dev.dualkey.gateway.console.web.FormData;
import dev.dualkey.gateway.protect.Outcome;
import dev.dualkey.gateway.protect.ProtectedOperations;
import dev.dualkey.gateway.protect.ProtectedRequest;
import dev.dualkey.gateway.protect.Refusal;
import dev.dualkey.gateway.protect.VersioningChange;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.error.StorageException;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.DeleteOutcome;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;

/**
 * The console's side of the changes MFA Delete protects, done with a code typed into the page: permanently
 * deleting an object version, deleting on a Suspended bucket (D2), changing versioning / MFA Delete, and the
 * code field of an upload that replaces a null version (D9). Every one is made by {@link ProtectedOperations},
 * the same service the S3 API uses, which decides "code needed?" and checks the code inside the store's atomic
 * update: this class only builds the request (the code becomes {@code "SERIAL CODE"}, as {@code x-amz-mfa}) after
 * the IAM authorization of the matching S3 action, and words the {@link Refusal}. What the page shows (a code
 * field or not) is read from the bucket as it was when the page was drawn; it never decides anything.
 */
public final class MfaProtectedPages {
    /** Browse page to re-render with an error: (bucket, error) -> page. */
    public interface Rerender {
        ConsoleResponse show(ConsoleRequest req, ConsoleUser user, String bucket, String error);
    }

    private final Authorizer authorizer;
    private final ProtectedOperations protect;
    private final boolean secureTransport;
    private final Function<ConsoleUser, List<String>> mfaSerials;

    /**
     * @param protect         the service every protected change goes through (shared with the S3 API)
     * @param secureTransport whether the console listener counts as secure for a code (TLS, or loopback-only),
     *                        as the S3 listener decides it for {@code x-amz-mfa} (D4)
     * @param mfaSerials      the serial numbers of the user's enabled devices (the code is checked against one)
     */
    public MfaProtectedPages(Authorizer authorizer, ProtectedOperations protect, boolean secureTransport,
                             Function<ConsoleUser, List<String>> mfaSerials) {
        this.authorizer = authorizer;
        this.protect = protect;
        this.secureTransport = secureTransport;
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

    /**
     * A plain delete (no version id): a delete marker, or on a Suspended bucket with MFA Delete the permanent
     * removal of the null version (D2), which the page has no code field for.
     *
     * @return null when done, else the refusal in plain words
     */
    String plainDelete(ConsoleUser user, BucketInfo info, String key) {
        Outcome<DeleteOutcome> out = protect.deleteObject(request(user, null, ""), info.name(), key, null);
        if (out.refusal() == Refusal.MFA_REQUIRED) {
            return "In this bucket, deleting " + key + " would permanently remove its null version, which MFA "
                    + "Delete protects. Use \"Delete permanently\" on that version with an MFA code.";
        }
        return out.isAllowed() ? null : words(out.refusal(), true);
    }

    /** The code field of the upload form, shown where an upload may replace a null version (D9). */
    SafeHtml uploadCodeField(BucketInfo info) {
        if (!ProtectedOperations.overwriteMayNeedCode(info)) {
            return SafeHtml.EMPTY;
        }
        // Not `required`: uploads of new keys need no code.
        return Forms.text("upload-code", "code",
                "MFA code (needed to replace an existing object: it would remove its null version)", "",
                "inputmode", "numeric", "pattern", "[0-9]{6}", "maxlength", "6", "autocomplete", "one-time-code");
    }

    /** A writer for an upload whose commit refuses (ProtectedRefusalException) a D9 overwrite without a code. */
    ObjectWriter newObjectWriter(ConsoleUser user, ConsoleRequest req, String bucket, String key,
                                 ObjectMetadata metadata, WriteOptions options) {
        return protect.newObjectWriter(request(user, req), bucket, key, metadata, options, "s3:PutObject");
    }

    /** Why an upload was refused, in plain words. */
    String uploadRefused(ConsoleUser user, Refusal refusal, String key) {
        if (refusal == Refusal.MFA_REQUIRED) {
            return "Uploading " + key + " would replace its null version, which MFA Delete protects in this bucket."
                    + " Type the root user's MFA code in the upload form.";
        }
        return words(refusal, user);
    }

    /** The protected request of a console user with the form's code (and device, when several are shown). */
    ProtectedRequest request(ConsoleUser user, ConsoleRequest req) {
        return request(user, req.form().get("serial"), req.form().get("code"), req.clientAddress());
    }

    private ProtectedRequest request(ConsoleUser user, String serial, String code) {
        return request(user, serial, code, dev.dualkey.gateway.audit.ConsoleClient.currentOr("console"));
    }

    /** @param clientAddress the browser's address, for the audit record (issue 18) */
    private ProtectedRequest request(ConsoleUser user, String serial, String code, String clientAddress) {
        Principal principal = user.isRoot() ? Principal.root(user.accountId())
                : Principal.user(user.accountId(), user.userName());
        String header = null;
        if (code != null && !code.isBlank()) {
            String device = serial;
            if (device == null || device.isBlank()) {
                List<String> serials = mfaSerials.apply(user);
                device = serials.isEmpty() ? "" : serials.get(0);
            }
            header = device.isBlank() ? code.strip() : device + " " + code.strip();
        }
        return new ProtectedRequest(principal, null, header, secureTransport,
                clientAddress == null || clientAddress.isEmpty() ? "console" : clientAddress);
    }

    /** A refusal in plain words; {@code hasDevice} false says no device is assigned to the user. */
    static String words(Refusal refusal, boolean hasDevice) {
        return switch (refusal) {
            case MFA_REQUIRED -> "This needs an MFA code. Type the 6-digit code your MFA device shows now.";
            case NOT_BUCKET_OWNER, MFA_WITH_SESSION_CREDENTIALS -> "Only the bucket owner's root user can do this "
                    + "while MFA Delete is on (or to turn it on or off).";
            case MFA_OVER_HTTP -> "MFA codes must travel over HTTPS: open the console with https:// (or on this "
                    + "machine only).";
            case MFA_MALFORMED, MFA_INVALID -> hasDevice
                    ? "The MFA code was not accepted. Each code works once: wait for the next code and try again."
                    : "This needs a code from the root user's MFA device, and none is assigned. Assign one in "
                    + "My security credentials first.";
            case LIFECYCLE_CONFIGURED -> "MFA Delete cannot be turned on while the bucket has lifecycle rules "
                    + "(they delete versions without a code). Delete the lifecycle configuration first.";
        };
    }

    private String words(Refusal refusal, ConsoleUser user) {
        return words(refusal, !mfaSerials.apply(user).isEmpty());
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
        Outcome<DeleteOutcome> out;
        try {
            out = protect.deleteObject(request(user, req), info.name(), key, versionId);
        } catch (StorageException e) {
            return page.show(req, user, info.name(), StorageMessages.of(e));
        }
        if (!out.isAllowed()) {
            return page.show(req, user, info.name(), words(out.refusal(), user));
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
        // The form says the state wanted; what that changes, and whether it needs a code, is decided against the
        // bucket as it is inside the update (never against `info`, read before: finding 3 of issue 12).
        Outcome<BucketInfo> out;
        try {
            out = protect.putBucketVersioning(request(user, req), info.name(),
                    VersioningChange.desired(newStatus, mfaDelete.equals("Enabled")));
        } catch (StorageException e) {
            return page.show(req, user, info.name(), StorageMessages.of(e));
        }
        if (!out.isAllowed()) {
            return page.show(req, user, info.name(), words(out.refusal(), user));
        }
        return ConsoleResponse.redirect("/buckets/" + info.name() + "?n=versioning&name=" + FormData.encode(info.name()));
    }
}

package dev.dualkey.gateway.console.page;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.dualkey.gateway.console.html.Html;
import dev.dualkey.gateway.console.html.SafeHtml;
import dev.dualkey.gateway.console.page.PageRenderer.Section;
import dev.dualkey.gateway.console.web.ConsoleRequest;
import dev.dualkey.gateway.console.web.ConsoleResponse;
import dev.dualkey.gateway.console.web.FormData;
import dev.dualkey.gateway.console.web.StreamingBody;
import dev.dualkey.gateway.console.web.UploadRefusedException;
import dev.dualkey.gateway.console.web.UploadSink;
import dev.dualkey.gateway.protect.ProtectedRefusalException;
import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.error.NoSuchBucketException;
import dev.dualkey.storage.error.StorageException;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.ListVersionsPage;
import dev.dualkey.storage.model.ListVersionsQuery;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;

/**
 * Buckets: list and create; browse a bucket by prefix with every version and delete marker; upload (streamed
 * to an {@link ObjectWriter}); download (streamed from an {@link ObjectReader}); delete (a delete marker in
 * a versioned bucket). Permanent version deletion and versioning / MFA Delete changes are in
 * {@link MfaProtectedPages}, which share the S3 API's MFA check. Every action is authorized with the S3
 * action name it corresponds to.
 */
public final class BucketPages {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final int PAGE_SIZE = 200;

    private final ObjectStore store;
    private final Authorizer authorizer;
    private final PageRenderer renderer;
    private final String region;
    private final MfaProtectedPages mfaPages;

    public BucketPages(ObjectStore store, Authorizer authorizer, PageRenderer renderer, String region,
                       MfaProtectedPages mfaPages) {
        this.store = store;
        this.authorizer = authorizer;
        this.renderer = renderer;
        this.region = region;
        this.mfaPages = mfaPages;
    }

    // ---- bucket list --------------------------------------------------------------------------------------

    /** GET /buckets. */
    public ConsoleResponse list(ConsoleRequest req, ConsoleUser user, boolean showUsers, String error) {
        int status = error == null ? 200 : 400;
        if (!authorizer.allowed(user, "s3:ListAllMyBuckets", "*")) {
            return renderer.page(403, user, Section.BUCKETS, showUsers, "Buckets", null,
                    "You are not allowed to list buckets (s3:ListAllMyBuckets).", SafeHtml.EMPTY);
        }
        List<BucketInfo> buckets = store.listBuckets(user.accountId());
        List<SafeHtml> rows = new ArrayList<>();
        for (BucketInfo b : buckets) {
            rows.add(Html.el("tr", SafeHtml.concat(
                    Html.el("td", Html.link("/buckets/" + b.name(), b.name())),
                    Html.el("td", versioningBadge(b)),
                    Html.el("td", mfaBadge(b)),
                    Html.el("td", TIME.format(b.creationDate())))));
        }
        SafeHtml table = buckets.isEmpty()
                ? Html.el("p", Html.text("You have no buckets yet. Create one below."), "class", "empty")
                : Html.el("table", SafeHtml.concat(
                        Html.el("caption", Html.text(buckets.size() + (buckets.size() == 1 ? " bucket" : " buckets"))),
                        Html.el("thead", Html.el("tr", SafeHtml.concat(th("Name"), th("Versioning"), th("MFA Delete"),
                                th("Created")))),
                        Html.el("tbody", SafeHtml.concat(rows))));
        SafeHtml create = Html.el("section", SafeHtml.concat(
                Html.el("h2", Html.text("Create bucket"), "id", "create-title"),
                Forms.post("/buckets", renderer.csrfFor(user), null,
                        Forms.text("bucket-name", "name", "Bucket name", req.isPost() ? req.form().get("name") : "",
                                "required", "", "autocapitalize", "none", "spellcheck", "false",
                                "aria-describedby", "bucket-name-help"),
                        Html.el("p", Html.text("3 to 63 characters: lower-case letters, digits, dots and hyphens."),
                                "id", "bucket-name-help", "class", "help"),
                        Forms.submit("Create bucket", "primary"))),
                "class", "card", "aria-labelledby", "create-title");
        return renderer.page(status, user, Section.BUCKETS, showUsers, "Buckets", notice(req), error,
                SafeHtml.concat(table, create));
    }

    /** POST /buckets. */
    public ConsoleResponse create(ConsoleRequest req, ConsoleUser user, boolean showUsers) {
        String name = req.form().get("name").trim();
        if (!authorizer.allowed(user, "s3:CreateBucket", Authorizer.bucketArn(name))) {
            return list(req, user, showUsers, "You are not allowed to create buckets (s3:CreateBucket).");
        }
        try {
            // as CreateBucket without headers: AWS's default Object Ownership (ACLs disabled)
            store.createBucket(name, user.accountId(), region,
                    dev.dualkey.gateway.acl.BucketCreation.defaultConfig());
        } catch (StorageException e) {
            return list(req, user, showUsers, StorageMessages.of(e));
        }
        return ConsoleResponse.redirect("/buckets?n=created&name=" + FormData.encode(name));
    }

    // ---- browse -------------------------------------------------------------------------------------------

    /** The condition keys of the listing this page makes, as ListObjectVersions would carry them. */
    private static Map<String, String> listingKeys(String prefix) {
        return Map.of("s3:prefix", prefix, "s3:delimiter", "/", "s3:max-keys", Integer.toString(PAGE_SIZE));
    }

    /** GET /buckets/{bucket}: objects under a prefix, with all versions. */
    public ConsoleResponse browse(ConsoleRequest req, ConsoleUser user, boolean showUsers, String bucket, String error) {
        BucketInfo info = ownedBucket(user, bucket);
        if (info == null) {
            return notFound(user, showUsers);
        }
        String prefix = req.query().get("prefix");
        if (!authorizer.allowed(user, "s3:ListBucketVersions", Authorizer.bucketArn(bucket), listingKeys(prefix))) {
            return renderer.page(403, user, Section.BUCKETS, showUsers, bucket, null,
                    "You are not allowed to list this bucket (s3:ListBucketVersions).", SafeHtml.EMPTY);
        }
        ListVersionsPage page = store.listObjectVersions(bucket, new ListVersionsQuery(prefix, "/",
                req.query().get("keyMarker"), req.query().get("versionIdMarker"), PAGE_SIZE));
        String csrf = renderer.csrfFor(user);
        boolean mfaOn = info.mfaDelete() == MfaDeleteState.ENABLED;

        List<SafeHtml> rows = new ArrayList<>();
        for (String p : page.commonPrefixes()) {
            rows.add(Html.el("tr", SafeHtml.concat(
                    Html.el("td", Html.link(browseUrl(bucket, p), p.substring(prefix.length())), "class", "key"),
                    Html.el("td", Html.text("Folder"), "colspan", "5"))));
        }
        LockPanel lock = new LockPanel(authorizer, user, bucket); // Object Lock and tags, read-only
        for (ObjectVersion v : page.versions()) {
            rows.add(versionRow(bucket, v, prefix, csrf, mfaOn, lock));
        }
        SafeHtml table = rows.isEmpty()
                ? Html.el("p", Html.text(prefix.isEmpty() ? "This bucket is empty." : "Nothing under this prefix."),
                        "class", "empty")
                : Html.el("table", SafeHtml.concat(
                        Html.el("caption", Html.text("Objects and versions" + (prefix.isEmpty() ? "" : " under " + prefix))),
                        Html.el("thead", Html.el("tr", SafeHtml.concat(th("Name"), th("Version"), th("Size"),
                                th("Last modified"), th("Status"), th("Actions")))),
                        Html.el("tbody", SafeHtml.concat(rows))));
        SafeHtml more = page.truncated()
                ? Html.el("p", Html.link("/buckets/" + bucket + "?prefix=" + FormData.encode(prefix) + "&keyMarker="
                        + FormData.encode(page.nextKeyMarker() == null ? "" : page.nextKeyMarker())
                        + (page.nextVersionIdMarker() == null ? "" : "&versionIdMarker="
                        + FormData.encode(page.nextVersionIdMarker())), "Next page"))
                : SafeHtml.EMPTY;

        SafeHtml upload = Html.el("section", SafeHtml.concat(
                Html.el("h2", Html.text("Upload"), "id", "upload-title"),
                // The file field comes last: the server reads the small fields, checks them, then streams the file.
                Html.el("form", SafeHtml.concat(
                        Forms.csrf(csrf),
                        Forms.hidden("prefix", prefix),
                        mfaPages.uploadCodeField(info),
                        Html.el("label", Html.text("File (stored as " + prefix + "<file name>)"), "for", "file"),
                        Html.voidEl("input", "id", "file", "name", "file", "type", "file", "required", ""),
                        Forms.submit("Upload", "primary")),
                        "method", "post", "action", "/buckets/" + bucket + "/upload", "enctype", "multipart/form-data")),
                "class", "card", "aria-labelledby", "upload-title");
        SafeHtml body = SafeHtml.concat(crumbs(bucket, prefix), bucketSummary(info, lock), table, more, upload,
                mfaPages.versioningForm(user, info, csrf),
                LifecyclePanel.render(info, authorizer.allowed(user, "s3:GetLifecycleConfiguration",
                        Authorizer.bucketArn(bucket))), // lifecycle
                BucketAclPanel.render(info, authorizer.allowed(user, "s3:GetBucketAcl", Authorizer.bucketArn(bucket))));
        return renderer.page(error == null ? 200 : 400, user, Section.BUCKETS, showUsers, bucket, notice(req), error, body);
    }

    private SafeHtml versionRow(String bucket, ObjectVersion v, String prefix, String csrf, boolean mfaOn,
                                LockPanel lock) {
        String name = v.key().substring(Math.min(prefix.length(), v.key().length()));
        List<SafeHtml> actions = new ArrayList<>();
        if (!v.deleteMarker()) {
            actions.add(Html.link("/buckets/" + bucket + "/object?key=" + FormData.encode(v.key()) + "&versionId="
                    + FormData.encode(v.versionId()), "Download"));
        }
        if (v.latest() && !v.deleteMarker()) {
            actions.add(Forms.post("/buckets/" + bucket + "/delete", csrf, "inline",
                    Forms.hidden("key", v.key()), Forms.hidden("prefix", prefix),
                    Html.el("button", Html.text("Delete"), "type", "submit", "class", "small",
                            "aria-label", "Delete " + v.key())));
        }
        actions.add(mfaPages.deleteVersionForm(bucket, v, prefix, csrf, mfaOn));
        SafeHtml status = v.deleteMarker() ? Html.el("span", Html.text("Delete marker"), "class", "badge warn")
                : v.latest() ? Html.el("span", Html.text("Current"), "class", "badge on")
                : Html.el("span", Html.text("Older version"), "class", "badge");
        return Html.el("tr", SafeHtml.concat(
                Html.el("td", Html.text(name), "class", "key"),
                Html.el("td", Html.el("code", v.versionId())),
                Html.el("td", Html.text(v.deleteMarker() ? "" : humanSize(v.size())), "class", "num"),
                Html.el("td", Html.text(TIME.format(v.lastModified())), "class", "when"),
                Html.el("td", SafeHtml.concat(status, lock.details(v))),
                Html.el("td", Html.el("div", SafeHtml.concat(actions), "class", "actions"))),
                "data-key", v.key(), "data-version", v.versionId());
    }

    private static SafeHtml crumbs(String bucket, String prefix) {
        List<SafeHtml> parts = new ArrayList<>();
        parts.add(Html.link("/buckets", "Buckets"));
        parts.add(Html.text(" / "));
        parts.add(Html.link("/buckets/" + bucket, bucket));
        int start = 0;
        while (true) {
            int slash = prefix.indexOf('/', start);
            if (slash < 0) {
                break;
            }
            parts.add(Html.text(" / "));
            parts.add(Html.link(browseUrl(bucket, prefix.substring(0, slash + 1)), prefix.substring(start, slash)));
            start = slash + 1;
        }
        return Html.el("nav", Html.el("p", SafeHtml.concat(parts), "class", "crumbs"), "aria-label", "Breadcrumb");
    }

    private static SafeHtml bucketSummary(BucketInfo b, LockPanel lock) {
        return Html.el("p", SafeHtml.concat(Html.text("Versioning: "), versioningBadge(b), Html.text(" · MFA Delete: "),
                mfaBadge(b), Html.text(" · Region: " + b.region() + " · "),
                Html.link("/buckets/" + b.name() + "/access", "Permissions"), lock.bucketLock(b)));
    }

    private static String browseUrl(String bucket, String prefix) {
        return "/buckets/" + bucket + "?prefix=" + FormData.encode(prefix);
    }

    // ---- delete (marker) ----------------------------------------------------------------------------------

    /** POST /buckets/{bucket}/delete: DeleteObject without a version id. */
    public ConsoleResponse delete(ConsoleRequest req, ConsoleUser user, boolean showUsers, String bucket) {
        BucketInfo info = ownedBucket(user, bucket);
        if (info == null) {
            return notFound(user, showUsers);
        }
        String key = req.form().get("key");
        if (!authorizer.allowed(user, "s3:DeleteObject", Authorizer.objectArn(bucket, key))) {
            return browse(req, user, showUsers, bucket, "You are not allowed to delete objects here (s3:DeleteObject).");
        }
        String refused;
        try {
            refused = mfaPages.plainDelete(user, info, key);
        } catch (StorageException e) {
            return browse(req, user, showUsers, bucket, StorageMessages.of(e));
        }
        if (refused != null) {
            return browse(req, user, showUsers, bucket, refused);
        }
        return ConsoleResponse.redirect(browseUrl(bucket, req.form().get("prefix")) + "&n=deleted&name="
                + FormData.encode(key));
    }

    // ---- download -----------------------------------------------------------------------------------------

    /**
     * GET /buckets/{bucket}/object?key=&amp;versionId=. Always an attachment with
     * {@code application/octet-stream}: serving user content inline from the console's origin would let an
     * uploaded HTML file run in the console's security context.
     */
    public ConsoleResponse download(ConsoleRequest req, ConsoleUser user, boolean showUsers, String bucket) {
        BucketInfo info = ownedBucket(user, bucket);
        if (info == null) {
            return notFound(user, showUsers);
        }
        String key = req.query().get("key");
        String versionId = req.query().get("versionId");
        boolean specific = !versionId.isEmpty();
        if (!authorizer.allowed(user, specific ? "s3:GetObjectVersion" : "s3:GetObject",
                Authorizer.objectArn(bucket, key), specific ? Map.of("s3:VersionId", versionId) : Map.of())) {
            return browse(req, user, showUsers, bucket, "You are not allowed to download this object.");
        }
        ObjectReader reader;
        try {
            reader = store.openObject(bucket, key, specific ? versionId : null);
        } catch (StorageException e) {
            return renderer.page(404, user, Section.BUCKETS, showUsers, bucket, null, StorageMessages.of(e),
                    Html.el("p", Html.link("/buckets/" + bucket, "Back to " + bucket)));
        }
        String fileName = key.substring(key.lastIndexOf('/') + 1);
        java.io.InputStream in = reader.openStream();
        long length = reader.version().size();
        StreamingBody body = new StreamingBody() {
            @Override
            public long length() {
                return length;
            }

            @Override
            public int read(byte[] buf) throws java.io.IOException {
                return in.read(buf);
            }

            @Override
            public void close() throws java.io.IOException {
                try {
                    in.close();
                } finally {
                    reader.close();
                }
            }
        };
        return ConsoleResponse.stream(200, "application/octet-stream", body)
                .header("Content-Disposition", contentDisposition(fileName.isEmpty() ? "download" : fileName))
                .header("Cache-Control", "no-store")
                .header("x-amz-version-id", reader.version().versionId());
    }

    /** RFC 6266: an ASCII fallback plus the exact UTF-8 name. */
    static String contentDisposition(String fileName) {
        StringBuilder ascii = new StringBuilder();
        for (char c : fileName.toCharArray()) {
            ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '_');
        }
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + FormData.encode(fileName);
    }

    // ---- upload -------------------------------------------------------------------------------------------

    /** POST /buckets/{bucket}/upload, after the fields before the file (CSRF token checked by the router). */
    public UploadSink beginUpload(ConsoleRequest req, ConsoleUser user, boolean showUsers, String bucket,
                                  String fileName, String contentType) throws UploadRefusedException {
        BucketInfo info = ownedBucket(user, bucket);
        if (info == null) {
            throw new UploadRefusedException(notFound(user, showUsers));
        }
        String name = fileName == null ? "" : fileName.substring(Math.max(fileName.lastIndexOf('/'),
                fileName.lastIndexOf('\\')) + 1);
        if (name.isEmpty()) {
            throw new UploadRefusedException(browse(req, user, showUsers, bucket, "Choose a file to upload."));
        }
        String prefix = req.form().get("prefix");
        String key = prefix + name;
        if (!authorizer.allowed(user, "s3:PutObject", Authorizer.objectArn(bucket, key))) {
            throw new UploadRefusedException(browse(req, user, showUsers, bucket,
                    "You are not allowed to upload here (s3:PutObject)."));
        }
        ObjectWriter writer;
        try {
            // D9: an upload that replaces the null version of a Suspended + MFA Delete bucket needs the form's
            // code; decided when the upload is published, atomically with it.
            writer = mfaPages.newObjectWriter(user, req, bucket, key,
                    dev.dualkey.gateway.s3.sse.ServerSideEncryption.markWrite(ObjectMetadata.builder()
                    .contentType(contentType == null || contentType.isEmpty() ? null : contentType).build(), store),
                    WriteOptions.defaults().withOwner(user.accountId()));
        } catch (StorageException e) {
            throw new UploadRefusedException(browse(req, user, showUsers, bucket, StorageMessages.of(e)));
        }
        return new UploadSink() {
            @Override
            public void write(byte[] buf, int off, int len) {
                writer.write(ByteBuffer.wrap(buf, off, len));
            }

            @Override
            public ConsoleResponse commit() {
                try {
                    writer.commit(Expectations.none());
                } catch (StorageException e) {
                    return browse(req, user, showUsers, bucket, StorageMessages.of(e));
                } catch (ProtectedRefusalException e) {
                    writer.abort();
                    return browse(req, user, showUsers, bucket, mfaPages.uploadRefused(user, e.refusal(), key));
                }
                return ConsoleResponse.redirect(browseUrl(bucket, prefix) + "&n=uploaded&name=" + FormData.encode(key));
            }

            @Override
            public void abort() {
                writer.abort();
            }
        };
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    /** The bucket if it exists and belongs to the user's account; other accounts' buckets look absent. */
    /** The permissions page of these buckets (issue 14: policy, ACL, ownership, public access). */
    /** The usage dashboard over the same store, authorizer and layout. */
    UsageDashboardPage dashboard() {
        return new UsageDashboardPage(store, authorizer, renderer);
    }

    AccessPages access(dev.dualkey.mfa.policy.BucketPolicyParser.KnownPrincipals principals) {
        return new AccessPages(store, authorizer, renderer, principals, this);
    }

    BucketInfo ownedBucket(ConsoleUser user, String bucket) {
        try {
            BucketInfo b = store.headBucket(bucket);
            return b.ownerAccountId().equals(user.accountId()) ? b : null;
        } catch (NoSuchBucketException e) {
            return null;
        }
    }

    ConsoleResponse notFound(ConsoleUser user, boolean showUsers) {
        return renderer.page(404, user, Section.BUCKETS, showUsers, "Bucket not found", null,
                "That bucket does not exist in your account.", Html.el("p", Html.link("/buckets", "Back to buckets")));
    }

    private static final Map<String, String> NOTICES = Map.of(
            "created", "Bucket %s was created.",
            "uploaded", "%s was uploaded.",
            "deleted", "%s was deleted (a delete marker now hides it; older versions are kept if versioning is on).",
            "version-deleted", "The version of %s was permanently deleted.",
            "versioning", "Versioning settings of %s were saved.");

    /** The notice named by {@code ?n=} after a redirect; only fixed texts, the name is escaped like any text. */
    static String notice(ConsoleRequest req) {
        String template = NOTICES.get(req.query().get("n"));
        return template == null ? null : String.format(Locale.ROOT, template, req.query().get("name"));
    }

    private static SafeHtml th(String text) {
        return Html.el("th", Html.text(text), "scope", "col");
    }

    private static SafeHtml versioningBadge(BucketInfo b) {
        VersioningState v = b.versioning();
        return switch (v) {
            case ENABLED -> Html.el("span", Html.text("Enabled"), "class", "badge on");
            case SUSPENDED -> Html.el("span", Html.text("Suspended"), "class", "badge warn");
            case UNVERSIONED -> Html.el("span", Html.text("Off"), "class", "badge");
        };
    }

    private static SafeHtml mfaBadge(BucketInfo b) {
        return b.mfaDelete() == MfaDeleteState.ENABLED ? Html.el("span", Html.text("Enabled"), "class", "badge on")
                : Html.el("span", Html.text("Off"), "class", "badge");
    }

    static String humanSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        do {
            v /= 1024;
            u++;
        } while (v >= 1024 && u < units.length - 1);
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

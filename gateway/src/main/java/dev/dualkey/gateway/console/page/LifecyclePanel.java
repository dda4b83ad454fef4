package dev.dualkey.gateway.console.page;

import dev.dualkey.gateway.console.html.Html;
import dev.dualkey.gateway.console.html.SafeHtml;
import dev.dualkey.gateway.lifecycle.LifecycleConfiguration;
import dev.dualkey.gateway.lifecycle.LifecycleFilter;
import dev.dualkey.gateway.lifecycle.LifecycleRule;
import dev.dualkey.storage.model.BucketInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The bucket page's read-only "Lifecycle" panel: the bucket's rules (id, status, filter, actions) as
 * GetBucketLifecycleConfiguration returns them, shown only to a user allowed {@code s3:GetLifecycleConfiguration}.
 * Changing rules stays with the S3 API (the aws CLI example is in the README).
 */
final class LifecyclePanel {
    private LifecyclePanel() {
    }

    static SafeHtml render(BucketInfo bucket, boolean allowed) {
        SafeHtml title = Html.el("h2", Html.text("Lifecycle"), "id", "lifecycle-title");
        SafeHtml content;
        String doc = bucket.config().subresource(LifecycleConfiguration.SUBRESOURCE);
        if (!allowed) {
            content = Html.el("p", Html.text("You are not allowed to read the lifecycle configuration "
                    + "(s3:GetLifecycleConfiguration)."), "class", "empty");
        } else if (doc == null) {
            content = Html.el("p", Html.text("No lifecycle rules. Versions are kept until someone deletes them."),
                    "class", "empty");
        } else {
            List<SafeHtml> rows = new ArrayList<>();
            for (LifecycleRule r : LifecycleConfiguration.fromStored(doc).rules()) {
                rows.add(Html.el("tr", SafeHtml.concat(
                        Html.el("td", Html.text(r.id())),
                        Html.el("td", Html.text(r.enabled() ? "Enabled" : "Disabled")),
                        Html.el("td", Html.text(filter(r.filter()))),
                        Html.el("td", Html.text(actions(r))))));
            }
            content = Html.el("table", SafeHtml.concat(
                    Html.el("caption", Html.text(rows.size() + (rows.size() == 1 ? " rule" : " rules"))),
                    Html.el("thead", Html.el("tr", SafeHtml.concat(Html.el("th", "Rule"), Html.el("th", "Status"),
                            Html.el("th", "Applies to"), Html.el("th", "Actions")))),
                    Html.el("tbody", SafeHtml.concat(rows))), "class", "lifecycle");
        }
        return Html.el("section", SafeHtml.concat(title, content), "class", "card",
                "aria-labelledby", "lifecycle-title");
    }

    static String filter(LifecycleFilter f) {
        List<String> parts = new ArrayList<>();
        if (f.prefix() != null && !f.prefix().isEmpty()) {
            parts.add("prefix " + f.prefix());
        }
        for (Map.Entry<String, String> t : f.tags().entrySet()) {
            parts.add("tag " + t.getKey() + "=" + t.getValue());
        }
        if (f.sizeGreaterThan() != null) {
            parts.add("size > " + f.sizeGreaterThan() + " bytes");
        }
        if (f.sizeLessThan() != null) {
            parts.add("size < " + f.sizeLessThan() + " bytes");
        }
        return parts.isEmpty() ? "all objects" : String.join(", ", parts);
    }

    static String actions(LifecycleRule r) {
        List<String> parts = new ArrayList<>();
        if (r.expirationDays() != null) {
            parts.add("expire current versions " + r.expirationDays() + " days after creation");
        }
        if (r.expirationDate() != null) {
            parts.add("expire current versions on " + r.expirationDate().toString().substring(0, 10));
        }
        if (r.removesExpiredMarkers()) {
            parts.add("remove expired delete markers");
        }
        if (r.noncurrentDays() != null) {
            parts.add("permanently delete noncurrent versions " + r.noncurrentDays() + " days after they become"
                    + " noncurrent" + (r.newerNoncurrentVersions() != null
                    ? ", keeping the " + r.newerNoncurrentVersions() + " newest" : ""));
        }
        if (r.hasAbort()) {
            parts.add("abort incomplete multipart uploads after " + r.abortDaysAfterInitiation() + " days");
        }
        return String.join("; ", parts);
    }
}

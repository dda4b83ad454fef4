package dev.dualkey.gateway.console.page;

import dev.dualkey.gateway.console.html.Html;
import dev.dualkey.gateway.console.html.SafeHtml;
import dev.dualkey.gateway.console.page.PageRenderer.Section;
import dev.dualkey.gateway.console.web.ConsoleRequest;
import dev.dualkey.gateway.console.web.ConsoleResponse;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.usage.BucketUsage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * GET /dashboard: what the signed-in account's buckets hold (objects, versions, delete markers, bytes of the
 * current versions and of all versions), from the store's usage counters (no scan), as a table and a bar chart
 * drawn on the server as inline SVG (no script, no third-party asset: the console's CSP allows neither).
 * Needs {@code s3:ListAllMyBuckets}, as the bucket list. Below: the last MFA-protected actions
 * ({@link RecentMfaActions}), for those who may read the audit log.
 */
final class UsageDashboardPage {
    /** Bars in the chart: the largest buckets by bytes of all versions. */
    static final int CHART_BARS = 20;
    private static final int WIDTH = 640;
    private static final int BAR = 22;
    private static final int LABEL = 180;

    private final ObjectStore store;
    private final Authorizer authorizer;
    private final PageRenderer renderer;
    private RecentMfaActions recent; // issue 18: set once by ConsoleRouter, before the first request
    private GrowthChart growth; // issue 18: set once by ConsoleRouter, before the first request

    UsageDashboardPage(ObjectStore store, Authorizer authorizer, PageRenderer renderer) {
        this.store = store;
        this.authorizer = authorizer;
        this.renderer = renderer;
    }

    /** Adds the "last MFA-protected actions" panel, for those who may read the audit log. */
    void withRecentMfaActions(RecentMfaActions recent) {
        this.recent = recent;
    }

    /** Adds the growth-over-time chart drawn from {@code history}. */
    void withUsageHistory(dev.dualkey.gateway.usagehistory.UsageHistory history) {
        this.growth = new GrowthChart(history);
    }

    ConsoleResponse page(ConsoleRequest req, ConsoleUser user, boolean showUsers) {
        if (!authorizer.allowed(user, "s3:ListAllMyBuckets", "*")) {
            return renderer.page(403, user, Section.DASHBOARD, showUsers, "Dashboard", null,
                    "You are not allowed to list buckets (s3:ListAllMyBuckets).", SafeHtml.EMPTY);
        }
        List<BucketUsage> usage = new ArrayList<>();
        for (BucketInfo b : store.listBuckets(user.accountId())) {
            usage.add(store.bucketUsage(b.name()));
        }
        long objects = 0;
        long versions = 0;
        long markers = 0;
        long bytes = 0;
        long current = 0;
        List<SafeHtml> rows = new ArrayList<>();
        for (BucketUsage u : usage) {
            objects += u.objects();
            versions += u.versions();
            markers += u.deleteMarkers();
            bytes += u.bytes();
            current += u.currentBytes();
            rows.add(Html.el("tr", SafeHtml.concat(
                    Html.el("th", Html.link("/buckets/" + u.bucket(), u.bucket()), "scope", "row"),
                    number(u.objects(), "objects"), number(u.versions(), "versions"),
                    number(u.deleteMarkers(), "delete-markers"), size(u.currentBytes(), "current-bytes"),
                    size(u.bytes(), "bytes")), "data-bucket", u.bucket()));
        }
        SafeHtml summary = Html.el("dl", SafeHtml.concat(
                item("Buckets", Long.toString(usage.size()), "buckets"),
                item("Objects", Long.toString(objects), "objects"),
                item("Versions", Long.toString(versions), "versions"),
                item("Delete markers", Long.toString(markers), "delete-markers"),
                item("Current versions", human(current), "current-bytes"),
                item("All versions", human(bytes), "bytes")), "class", "usage-summary", "id", "usage-summary");
        SafeHtml table = usage.isEmpty()
                ? Html.el("p", Html.text("You have no buckets yet."), "class", "empty")
                : Html.el("table", SafeHtml.concat(
                        Html.el("caption", Html.text("Usage per bucket")),
                        Html.el("thead", Html.el("tr", SafeHtml.concat(th("Bucket"), th("Objects"), th("Versions"),
                                th("Delete markers"), th("Current versions"), th("All versions")))),
                        Html.el("tbody", SafeHtml.concat(rows))), "id", "usage-table");
        return renderer.page(200, user, Section.DASHBOARD, showUsers, "Dashboard", null, null,
                SafeHtml.concat(summary, chart(usage), growth == null ? SafeHtml.EMPTY : growth.chart(user.accountId()),
                        table,
                        recent == null ? SafeHtml.EMPTY : recent.panel(user)));
    }

    /** Horizontal bars, one per bucket: current versions' bytes, then noncurrent versions' bytes beside them. */
    private static SafeHtml chart(List<BucketUsage> usage) {
        List<BucketUsage> top = usage.stream().filter(u -> u.bytes() > 0)
                .sorted(Comparator.comparingLong(BucketUsage::bytes).reversed()).limit(CHART_BARS).toList();
        if (top.isEmpty()) {
            return SafeHtml.EMPTY;
        }
        long max = top.get(0).bytes();
        int plot = WIDTH - LABEL - 90;
        List<SafeHtml> parts = new ArrayList<>();
        int y = 0;
        for (BucketUsage u : top) {
            int cur = (int) Math.round((double) u.currentBytes() * plot / max);
            int all = (int) Math.max(1, Math.round((double) u.bytes() * plot / max));
            parts.add(Html.el("g", SafeHtml.concat(
                    Html.el("title", Html.text(u.bucket() + ": " + human(u.currentBytes()) + " current, "
                            + human(u.bytes()) + " in all versions")),
                    Html.el("text", Html.text(u.bucket()), "x", Integer.toString(LABEL - 6),
                            "y", Integer.toString(y + 15), "text-anchor", "end"),
                    Html.el("rect", SafeHtml.EMPTY, "x", Integer.toString(LABEL), "y", Integer.toString(y + 3),
                            "width", Integer.toString(all), "height", Integer.toString(BAR - 6),
                            "class", "bar-noncurrent"),
                    Html.el("rect", SafeHtml.EMPTY, "x", Integer.toString(LABEL), "y", Integer.toString(y + 3),
                            "width", Integer.toString(cur), "height", Integer.toString(BAR - 6),
                            "class", "bar-current"),
                    Html.el("text", Html.text(human(u.bytes())), "x", Integer.toString(LABEL + all + 6),
                            "y", Integer.toString(y + 15))),
                    "class", "bar", "data-bucket", u.bucket(), "data-width", Integer.toString(all)));
            y += BAR;
        }
        // "viewbox": the HTML parser restores SVG's camel case (viewBox) in foreign content
        SafeHtml svg = Html.el("svg", SafeHtml.concat(parts), "xmlns", "http://www.w3.org/2000/svg",
                "viewbox", "0 0 " + WIDTH + " " + y, "width", Integer.toString(WIDTH), "height", Integer.toString(y),
                "role", "img", "aria-labelledby", "usage-chart-title", "id", "usage-chart");
        return Html.el("figure", SafeHtml.concat(svg, Html.el("figcaption", Html.text(
                "Bytes stored per bucket (largest " + top.size() + "): dark = current versions, light = all "
                        + "versions including noncurrent ones"), "id", "usage-chart-title")), "class", "chart");
    }

    private static SafeHtml item(String label, String value, String name) {
        return Html.el("div", SafeHtml.concat(Html.el("dt", Html.text(label)),
                Html.el("dd", Html.text(value), "data-usage", name)));
    }

    private static SafeHtml number(long n, String name) {
        return Html.el("td", Html.text(Long.toString(n)), "data-usage", name, "data-value", Long.toString(n));
    }

    private static SafeHtml size(long n, String name) {
        return Html.el("td", Html.text(human(n)), "data-usage", name, "data-value", Long.toString(n),
                "title", n + " bytes");
    }

    private static SafeHtml th(String text) {
        return Html.el("th", Html.text(text), "scope", "col");
    }

    /** 1,234 bytes as "1.2 KiB" (binary units, as the bucket page). */
    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }
}

package dev.dualkey.gateway.console.page;

import dev.dualkey.gateway.console.html.Html;
import dev.dualkey.gateway.console.html.SafeHtml;
import dev.dualkey.gateway.usagehistory.UsageHistory;
import dev.dualkey.gateway.usagehistory.UsageSample;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The dashboard's "growth over time" (issue 18): the account's bytes in all versions at each sample the
 * {@link dev.dualkey.gateway.usagehistory.UsageSampler} took (hourly, 30 days kept), as a small line chart drawn
 * on the server as inline SVG (no script: the console's CSP allows none). The x axis is time, the y axis bytes from
 * zero to the largest sample. Only the signed-in account's own series is read.
 */
final class GrowthChart {
    /** Samples drawn at most: 30 days of hourly samples. */
    static final int MAX_POINTS = 30 * 24;
    private static final int WIDTH = 640;
    private static final int HEIGHT = 160;
    private static final int LEFT = 80;
    private static final int TOP = 10;
    private static final int BOTTOM = 24;
    private static final int RIGHT = 10;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    private final UsageHistory history;

    GrowthChart(UsageHistory history) {
        this.history = history;
    }

    SafeHtml chart(String accountId) {
        List<UsageSample> samples = history.series(UsageHistory.accountSeries(accountId), Instant.EPOCH, MAX_POINTS);
        if (samples.isEmpty()) {
            return Html.el("p", Html.text("No usage history yet: the first sample is taken when the server starts, "
                    + "then every hour."), "class", "empty", "id", "growth-empty");
        }
        long t0 = samples.get(0).time().toEpochMilli();
        long t1 = samples.get(samples.size() - 1).time().toEpochMilli();
        long max = 1;
        for (UsageSample s : samples) {
            max = Math.max(max, s.bytes());
        }
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder points = new StringBuilder();
        double lastX = 0;
        double lastY = 0;
        for (UsageSample s : samples) {
            double x = LEFT + (t1 == t0 ? plotW : (double) (s.time().toEpochMilli() - t0) * plotW / (t1 - t0));
            double y = TOP + plotH - (double) s.bytes() * plotH / max;
            if (points.length() > 0) {
                points.append(' ');
            }
            points.append(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
            lastX = x;
            lastY = y;
        }
        UsageSample last = samples.get(samples.size() - 1);
        List<SafeHtml> parts = new ArrayList<>();
        parts.add(Html.el("line", SafeHtml.EMPTY, "x1", Integer.toString(LEFT), "y1", Integer.toString(TOP + plotH),
                "x2", Integer.toString(LEFT + plotW), "y2", Integer.toString(TOP + plotH),
                "class", "axis", "stroke", "#8a94a6"));
        parts.add(Html.el("line", SafeHtml.EMPTY, "x1", Integer.toString(LEFT), "y1", Integer.toString(TOP),
                "x2", Integer.toString(LEFT), "y2", Integer.toString(TOP + plotH),
                "class", "axis", "stroke", "#8a94a6"));
        parts.add(Html.el("text", Html.text(UsageDashboardPage.human(max)), "x", Integer.toString(LEFT - 6),
                "y", Integer.toString(TOP + 10), "text-anchor", "end"));
        parts.add(Html.el("text", Html.text("0 B"), "x", Integer.toString(LEFT - 6),
                "y", Integer.toString(TOP + plotH), "text-anchor", "end"));
        parts.add(Html.el("text", Html.text(DAY.format(samples.get(0).time())), "x", Integer.toString(LEFT),
                "y", Integer.toString(HEIGHT - 6)));
        parts.add(Html.el("text", Html.text(DAY.format(last.time())), "x", Integer.toString(LEFT + plotW),
                "y", Integer.toString(HEIGHT - 6), "text-anchor", "end"));
        parts.add(Html.el("polyline", Html.el("title", Html.text(samples.size() + " samples")),
                "points", points.toString(), "fill", "none", "stroke", "currentColor", "stroke-width", "2",
                "class", "growth-line", "data-points", Integer.toString(samples.size())));
        parts.add(Html.el("circle", Html.el("title", Html.text(DAY.format(last.time()) + ": "
                        + UsageDashboardPage.human(last.bytes()))),
                "cx", String.format(Locale.ROOT, "%.1f", lastX), "cy", String.format(Locale.ROOT, "%.1f", lastY),
                "r", "3", "class", "growth-last"));
        SafeHtml svg = Html.el("svg", SafeHtml.concat(parts), "xmlns", "http://www.w3.org/2000/svg",
                "viewbox", "0 0 " + WIDTH + " " + HEIGHT, "width", Integer.toString(WIDTH),
                "height", Integer.toString(HEIGHT), "role", "img", "aria-labelledby", "growth-chart-title",
                "id", "growth-chart", "data-latest-bytes", Long.toString(last.bytes()));
        return Html.el("figure", SafeHtml.concat(svg, Html.el("figcaption", Html.text("Bytes stored in all versions "
                + "over time (" + samples.size() + " hourly samples, " + DAY.format(samples.get(0).time()) + " to "
                + DAY.format(last.time()) + ")"), "id", "growth-chart-title")), "class", "chart");
    }
}

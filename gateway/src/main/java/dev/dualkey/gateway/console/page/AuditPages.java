package dev.dualkey.gateway.console.page;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.dualkey.gateway.console.html.Html;
import dev.dualkey.gateway.console.html.SafeHtml;
import dev.dualkey.gateway.console.page.PageRenderer.Section;
import dev.dualkey.gateway.console.web.ConsoleRequest;
import dev.dualkey.gateway.console.web.ConsoleResponse;
import dev.dualkey.gateway.console.web.FormData;
import dev.dualkey.mfa.audit.AuditFilter;
import dev.dualkey.mfa.audit.AuditLog;
import dev.dualkey.mfa.audit.AuditRecord;

/**
 * The audit page ({@code GET /audit}): the signed-in account's audit records, newest first, 50 a page, with
 * filters (time range in UTC, principal, action, outcome, bucket, client address) as query parameters, so a
 * filtered view is a link one can share, and an "Older records" link carrying a stable cursor ({@code before}, the
 * last record's position: records arriving meanwhile do not shift the pages).
 *
 * <p>Who may read it: the account's root user always; an IAM user when an identity policy allows
 * {@value #ACTION} on {@code arn:aws:dualkey::ACCOUNT:audit} (a Dualkey action: AWS has none for this; CloudTrail's
 * {@code cloudtrail:LookupEvents} is the nearest). Everyone else gets 403 and the navigation hides the link. A reader
 * sees only records of their own account (the filter's account is fixed to it). Records never carry codes,
 * passwords, seeds or secret keys, so the page cannot show one; access key ids (identifiers) are shown, as
 * CloudTrail shows them.
 *
 * <p>Each page examines at most {@link #SCAN_BUDGET} records: a rare filter over a long log then shows a short
 * page with the "Older records" link to go on, instead of one unbounded scan.
 */
public final class AuditPages {
    /** The IAM action that lets an IAM user read the account's audit log in the console. */
    public static final String ACTION = "dualkey:ReadAudit";
    static final int PAGE_SIZE = 50;
    static final int SCAN_BUDGET = 20_000;
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'",
            Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final List<String> OUTCOMES = List.of("ACCEPTED", "OK", "DENIED", "INVALID", "LOCKED",
            "THROTTLED", "MFA_REQUIRED");
    private static final List<String> FIELDS = List.of("from", "to", "principal", "action", "outcome", "bucket",
            "client");

    private final AuditLog log;
    private final Authorizer authorizer;
    private final PageRenderer renderer;

    public AuditPages(AuditLog log, Authorizer authorizer, PageRenderer renderer) {
        this.log = log;
        this.authorizer = authorizer;
        this.renderer = renderer;
    }

    /** The dashboard's panel of the last MFA-protected actions, over the same log and the same access rule. */
    RecentMfaActions recentMfaActions() {
        return new RecentMfaActions(log, this);
    }

    /** The resource {@value #ACTION} is authorized on. */
    public static String resourceArn(String accountId) {
        return "arn:aws:dualkey::" + accountId + ":audit";
    }

    /** Whether {@code user} may read the audit page (and sees its link). */
    boolean allowed(ConsoleUser user) {
        return user.isRoot() || authorizer.allowed(user, ACTION, resourceArn(user.accountId()));
    }

    ConsoleResponse page(ConsoleRequest req, ConsoleUser user, boolean showUsers) {
        if (!allowed(user)) {
            return renderer.page(403, user, Section.AUDIT, showUsers, "Audit log", null,
                    "Your permissions do not allow reading the audit log (" + ACTION + ").", SafeHtml.EMPTY);
        }
        FormData q = req.query();
        AuditFilter filter;
        try {
            filter = new AuditFilter(user.accountId(), time(q.get("from"), "From"), time(q.get("to"), "To"),
                    q.get("principal"), q.get("action"), q.get("outcome"), q.get("bucket"), q.get("client"));
        } catch (IllegalArgumentException e) {
            return renderer.page(400, user, Section.AUDIT, showUsers, "Audit log", null, e.getMessage(),
                    form(q));
        }
        String before = q.get("before");
        AuditLog.Page page;
        try {
            page = log.page(filter, before.isEmpty() ? null : before, PAGE_SIZE, SCAN_BUDGET);
        } catch (IllegalArgumentException e) {
            return renderer.page(400, user, Section.AUDIT, showUsers, "Audit log", null,
                    "The page link is not valid. Start again from the newest records.", form(q));
        }
        List<SafeHtml> rows = new ArrayList<>();
        for (AuditLog.Positioned p : page.records()) {
            rows.add(row(p.record()));
        }
        SafeHtml table = rows.isEmpty()
                ? Html.el("p", Html.text(page.next() == null ? "No audit records match."
                        : "No matching records in this stretch of the log; look further back."), "class", "empty")
                : CredentialPages.table(before.isEmpty() ? "Audit records, newest first" : "Older audit records",
                List.of("Time", "Principal", "Access key", "Action", "Resource", "MFA device", "Outcome", "Client",
                        "Reason"), rows);
        List<SafeHtml> links = new ArrayList<>();
        if (!before.isEmpty()) {
            links.add(Html.link(url(q, null), "Newest records"));
        }
        if (page.next() != null) {
            links.add(Html.el("a", Html.text("Older records"), "href", url(q, page.next()), "rel", "next",
                    "id", "older"));
        }
        SafeHtml paging = links.isEmpty() ? SafeHtml.EMPTY
                : Html.el("nav", SafeHtml.concat(links), "class", "paging", "aria-label", "Audit pages");
        return renderer.page(200, user, Section.AUDIT, showUsers, "Audit log", null, null,
                SafeHtml.concat(form(q), table, paging));
    }

    private static SafeHtml row(AuditRecord r) {
        String resource = "";
        if (r.bucket() != null) {
            resource = r.bucket() + (r.key() != null ? "/" + r.key() : "")
                    + (r.versionId() != null ? " (version " + r.versionId() + ")" : "");
        }
        String outcome = r.outcome() == null ? "" : r.outcome();
        String badge = outcome.equals("OK") || outcome.equals("ACCEPTED") ? "badge on" : "badge warn";
        return Html.el("tr", SafeHtml.concat(
                Html.el("td", Html.el("time", Html.text(SHOWN.format(r.time())), "datetime", r.time().toString())),
                Html.el("td", nz(r.principal())),
                Html.el("td", nz(r.accessKeyId())),
                Html.el("td", Html.el("code", nz(r.action()))),
                Html.el("td", resource),
                Html.el("td", nz(r.deviceSerial())),
                Html.el("td", Html.el("span", Html.text(outcome), "class", badge)),
                Html.el("td", r.clientAddress() == null ? "-" : r.clientWithVia()),
                Html.el("td", nz(r.reason()))), "class", "audit-record");
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** The filter form: a GET, so no CSRF token is needed and the URL is the view. */
    private static SafeHtml form(FormData q) {
        List<SafeHtml> options = new ArrayList<>();
        options.add(Html.el("option", Html.text("Any"), "value", ""));
        for (String o : OUTCOMES) {
            options.add(Html.el("option", Html.text(o), "value", o,
                    "selected", o.equalsIgnoreCase(q.get("outcome")) ? "" : null));
        }
        SafeHtml fields = SafeHtml.concat(
                field("audit-from", "from", "From (UTC)", q.get("from"), "datetime-local"),
                field("audit-to", "to", "To (UTC)", q.get("to"), "datetime-local"),
                field("audit-principal", "principal", "Principal or user", q.get("principal"), "text"),
                field("audit-action", "action", "Action", q.get("action"), "text"),
                Html.el("div", SafeHtml.concat(Html.el("label", Html.text("Outcome"), "for", "audit-outcome"),
                        Html.el("select", SafeHtml.concat(options), "id", "audit-outcome", "name", "outcome")),
                        "class", "field"),
                field("audit-bucket", "bucket", "Bucket", q.get("bucket"), "text"),
                field("audit-client", "client", "Client address", q.get("client"), "text"));
        return CredentialPages.card("audit-filter-title", "Filter",
                Html.el("form", SafeHtml.concat(fields, Html.el("button", Html.text("Filter"), "type", "submit",
                        "class", "primary", "id", "audit-apply")), "method", "get", "action", "/audit",
                        "class", "audit-filter"));
    }

    private static SafeHtml field(String id, String name, String label, String value, String type) {
        return Html.el("div", SafeHtml.concat(Html.el("label", Html.text(label), "for", id),
                Html.voidEl("input", "id", id, "name", name, "type", type, "value", value,
                        "step", type.equals("datetime-local") ? "1" : null, "autocapitalize", "none",
                        "spellcheck", "false")), "class", "field");
    }

    /** {@code /audit} with the current filters and, when given, the cursor. */
    private static String url(FormData q, String before) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String f : FIELDS) {
            if (!q.get(f).isBlank()) {
                params.put(f, q.get(f));
            }
        }
        if (before != null) {
            params.put("before", before);
        }
        StringBuilder sb = new StringBuilder("/audit");
        char sep = '?';
        for (Map.Entry<String, String> e : params.entrySet()) {
            sb.append(sep).append(e.getKey()).append('=').append(FormData.encode(e.getValue()));
            sep = '&';
        }
        return sb.toString();
    }

    /** A datetime-local value ({@code 2026-06-01T12:00} or with seconds), read as UTC; null when blank. */
    private static Instant time(String value, String label) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDateTime.parse(value.strip()).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(value.strip());
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException(label + " must be a date and time such as 2026-06-01T12:00.");
            }
        }
    }
}

package dev.dualkey.gateway.console.page;

import dev.dualkey.gateway.alert.AlertClassifier;
import dev.dualkey.gateway.console.html.Html;
import dev.dualkey.gateway.console.html.SafeHtml;
import dev.dualkey.mfa.audit.AuditFilter;
import dev.dualkey.mfa.audit.AuditLog;
import dev.dualkey.mfa.audit.AuditRecord;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The dashboard's "last MFA-protected actions" (issue 18): the account's newest audit records of MFA-protected S3
 * requests, accepted (a version deleted with a code, MFA Delete switched, governance retention bypassed with a code,
 * any other change made with a code) or refused (missing, wrong, replayed or locked-out code), so the owner sees at
 * a glance who touched what the second factor guards. A record is one when {@link AlertClassifier} gives its
 * {@code s3:} action an event type: the same rule that decides which records the alert webhook pushes.
 *
 * <p>Shown only to callers who may read the audit log ({@link AuditPages#allowed}: root, or an IAM user allowed
 * {@value AuditPages#ACTION}); the records are the same ones the audit page shows, with the same fields, so the
 * panel reveals nothing the audit page does not. Reading is bounded: at most {@link #SCAN_BUDGET} records are
 * examined per dashboard view, newest first, so a long log of other actions costs one bounded reverse scan.
 */
final class RecentMfaActions {
    /** Records shown. */
    static final int SHOWN = 10;
    /** Records examined at most per view. */
    static final int SCAN_BUDGET = 5_000;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    private final AuditLog log;
    private final AuditPages access;

    RecentMfaActions(AuditLog log, AuditPages access) {
        this.log = log;
        this.access = access;
    }

    /** Whether {@code user} sees the panel. */
    boolean allowed(ConsoleUser user) {
        return access.allowed(user);
    }

    /** The newest {@link #SHOWN} MFA-protected actions of {@code accountId}, newest first. */
    List<AuditRecord> newest(String accountId) {
        // "s3:" narrows the scan to S3 records (only MFA-protected S3 requests are audited); the classifier decides
        AuditFilter filter = new AuditFilter(accountId, null, null, null, "s3:", null, null, null);
        List<AuditRecord> out = new ArrayList<>();
        String before = null;
        int budget = SCAN_BUDGET;
        while (out.size() < SHOWN && budget > 0) {
            AuditLog.Page page = log.page(filter, before, SHOWN, Math.min(budget, 1_000));
            budget -= 1_000;
            for (AuditLog.Positioned p : page.records()) {
                if (out.size() < SHOWN && isMfaProtected(p.record())) {
                    out.add(p.record());
                }
            }
            if (page.next() == null) {
                break;
            }
            before = page.next();
        }
        return out;
    }

    /** Whether {@code r} is an MFA-protected S3 action, accepted or refused. */
    static boolean isMfaProtected(AuditRecord r) {
        Optional<String> type = AlertClassifier.classify(r);
        return r.action() != null && r.action().startsWith("s3:") && type.isPresent();
    }

    /** The panel for {@code user}, or nothing when they may not read the audit log. */
    SafeHtml panel(ConsoleUser user) {
        if (!allowed(user)) {
            return SafeHtml.EMPTY;
        }
        List<AuditRecord> records = newest(user.accountId());
        SafeHtml body;
        if (records.isEmpty()) {
            body = Html.el("p", Html.text("No MFA-protected actions yet."), "class", "empty");
        } else {
            List<SafeHtml> rows = new ArrayList<>();
            for (AuditRecord r : records) {
                rows.add(row(r));
            }
            body = CredentialPages.table("The last " + records.size() + " MFA-protected actions, newest first",
                    List.of("Time", "Principal", "Action", "Bucket", "Key", "Version", "Outcome", "Client"), rows);
        }
        return CredentialPages.card("mfa-actions-title", "Last MFA-protected actions",
                Html.el("div", SafeHtml.concat(body, Html.el("p", Html.link("/audit?action=s3%3A",
                        "All S3 records in the audit log"))), "id", "mfa-actions"));
    }

    private static SafeHtml row(AuditRecord r) {
        String outcome = nz(r.outcome());
        String badge = outcome.equals("ACCEPTED") || outcome.equals("OK") ? "badge on" : "badge warn";
        return Html.el("tr", SafeHtml.concat(
                Html.el("td", Html.el("time", Html.text(TIME.format(r.time())), "datetime", r.time().toString())),
                Html.el("td", Html.text(nz(r.principal()))),
                Html.el("td", Html.el("code", Html.text(nz(r.action())))),
                Html.el("td", Html.text(nz(r.bucket()))),
                Html.el("td", Html.text(nz(r.key()))),
                Html.el("td", Html.text(nz(r.versionId()))),
                Html.el("td", Html.el("span", Html.text(outcome), "class", badge)),
                Html.el("td", Html.text(r.clientAddress() == null ? "-" : r.clientWithVia()))),
                "class", "mfa-action", "data-action", nz(r.action()), "data-outcome", outcome,
                "data-version", nz(r.versionId()));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}

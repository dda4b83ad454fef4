package dev.dualkey.compat.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import dev.dualkey.mfa.audit.AuditRecord;

/**
 * The console's audit page (issue 18) in headless Chromium: root reads its account's records newest first, 50 a
 * page, pages back with "Older records" without gaps or repeats, filters by outcome, bucket, principal, action,
 * client address and time; never sees another account's records; an IAM user is refused (403, no link) until an
 * identity policy allows {@code dualkey:ReadAudit}. Screenshot: {@code target/screenshots/05-audit-log.png}.
 */
class AuditPageBrowserTest extends ConsoleBrowserFixture {
    private static final String OTHER_ACCOUNT = "999999999999";
    private List<WebElement> rows() {
        return web.findElements(By.cssSelector("tr.audit-record"));
    }

    private static String cell(WebElement row, int column) {
        return row.findElements(By.tagName("td")).get(column).getText();
    }

    /** 60 records of this account a minute apart (r0 oldest), and one of another account between them. */
    private void seed() {
        Instant t0 = Instant.parse("2026-02-01T00:00:00Z");
        for (int i = 0; i < 60; i++) {
            boolean wrong = i % 10 == 3;
            gw.mfa.audit().append(new AuditRecord(t0.plus(Duration.ofMinutes(i)), gw.accountId,
                    "arn:aws:iam::" + gw.accountId + ":root", "AKIAROOT" + i, wrong ? "s3:DeleteObjectVersion"
                    : "s3:PutBucketVersioning", i % 2 == 0 ? "photos" : "logs", null, "ver-" + i, null,
                    wrong ? "INVALID" : "ACCEPTED", i == 33 ? "203.0.113.9 via 10.0.0.2" : "10.0.0." + i,
                    wrong ? "wrong code" : null));
        }
        gw.mfa.audit().append(new AuditRecord(t0.plus(Duration.ofSeconds(90)), OTHER_ACCOUNT,
                "arn:aws:iam::" + OTHER_ACCOUNT + ":root", null, "s3:DeleteObjectVersion", "photos", null,
                "SECRET-OTHER-ACCOUNT", null, "INVALID", "10.9.9.9", null));
    }

    @Test
    void rootPagesAndFiltersItsOwnRecordsNewestFirst() {
        seed();
        signInRoot(ConsoleFixture.ROOT_PASSWORD);
        WebElement link = web.findElement(By.linkText("Audit log"));
        Browser.go(web, link);
        assertEquals("Audit log", web.findElement(By.tagName("h1")).getText());
        List<WebElement> first = rows();
        assertEquals(50, first.size());
        // Newest first: the sign-in just now (clock 2026-03-01), then r59, r58, ...
        assertEquals("console:SignIn", cell(first.get(0), 3));
        assertEquals("127.0.0.1", cell(first.get(0), 7), "the browser's address on the sign-in record");
        // Then the account's bootstrap records (same clock), then the seeded ones: r59 first.
        assertEquals("logs (version ver-59)", first.stream()
                .map(r -> cell(r, 4)).filter(c -> c.contains("ver-")).findFirst().orElseThrow());
        long mine = gw.mfa.audit().read(Instant.EPOCH, 10_000).stream()
                .filter(r -> gw.accountId.equals(r.accountId())).count();
        browser.screenshot("05-audit-log");
        Set<String> seen = new HashSet<>();
        first.forEach(r -> assertTrue(seen.add(cell(r, 4) + cell(r, 3) + cell(r, 0))));

        Browser.go(web, web.findElement(By.id("older")));
        List<WebElement> second = rows();
        assertEquals(mine - 50, second.size());
        second.forEach(r -> assertTrue(seen.add(cell(r, 4) + cell(r, 3) + cell(r, 0)), "no record twice"));
        assertTrue(cell(second.get(second.size() - 1), 4).contains("ver-0"));
        assertTrue(web.findElements(By.id("older")).isEmpty(), "the last page has no older link");
        assertFalse(web.getPageSource().contains("SECRET-OTHER-ACCOUNT"), "another account's record shown");

        // Filters: outcome INVALID (i % 10 == 3, all odd: bucket logs); in bucket photos none.
        open("/audit");
        new Select(web.findElement(By.id("audit-outcome"))).selectByValue("INVALID");
        web.findElement(By.id("audit-bucket")).sendKeys("logs");
        Browser.go(web, web.findElement(By.id("audit-apply")));
        List<WebElement> invalid = rows();
        assertEquals(List.of("logs (version ver-53)", "logs (version ver-43)", "logs (version ver-33)",
                "logs (version ver-23)", "logs (version ver-13)", "logs (version ver-3)"),
                invalid.stream().map(r -> cell(r, 4)).toList());
        assertEquals("wrong code", cell(invalid.get(0), 8));
        assertTrue(web.getCurrentUrl().contains("outcome=INVALID"), "the view is a shareable link");
        open("/audit?outcome=INVALID&bucket=photos");
        assertTrue(rows().isEmpty());
        assertEquals("No audit records match.", web.findElement(By.cssSelector("p.empty")).getText());

        open("/audit?client=10.0.0.2");
        List<WebElement> byClient = rows(); // 10.0.0.2 itself, 10.0.0.2x, and r33's proxy hop
        assertTrue(byClient.stream().anyMatch(r -> cell(r, 7).equals("203.0.113.9 via 10.0.0.2")));
        assertTrue(byClient.stream().allMatch(r -> cell(r, 7).contains("10.0.0.2")));

        open("/audit?action=DeleteObjectVersion&from=2026-02-01T00:20&to=2026-02-01T00:44");
        assertEquals(List.of("ver-43", "ver-33", "ver-23"), rows().stream()
                .map(r -> cell(r, 4).replaceAll(".*version (ver-\\d+)\\)", "$1")).toList());

        open("/audit?from=yesterday");
        assertEquals("From must be a date and time such as 2026-06-01T12:00.",
                web.findElement(By.id("errors")).getText());
        open("/audit?before=nonsense");
        assertTrue(web.findElement(By.id("errors")).getText().contains("not valid"));
    }

    @Test
    void anIamUserNeedsAPolicyAllowingReadAudit() {
        gw.createUser("auditor", "Auditor-Password-1");
        signInUser("auditor", "Auditor-Password-1");
        assertTrue(web.findElements(By.linkText("Audit log")).isEmpty(), "no link without the permission");
        open("/audit");
        assertEquals("Your permissions do not allow reading the audit log (dualkey:ReadAudit).",
                web.findElement(By.id("errors")).getText());
        assertTrue(rows().isEmpty());
        // Another action, or the audit of another account, does not grant it.
        gw.putPolicy("auditor", "near-miss", """
                {"Version":"2012-10-17","Statement":[
                  {"Effect":"Allow","Action":"dualkey:ReadAudit","Resource":"arn:aws:dualkey::999999999999:audit"},
                  {"Effect":"Allow","Action":"s3:*","Resource":"*"}]}""");
        open("/audit");
        assertTrue(rows().isEmpty());
        assertTrue(web.findElement(By.id("errors")).getText().contains("dualkey:ReadAudit"));

        gw.putPolicy("auditor", "read-audit", """
                {"Version":"2012-10-17","Statement":[
                  {"Effect":"Allow","Action":"dualkey:ReadAudit","Resource":"arn:aws:dualkey::%s:audit"}]}"""
                .formatted(gw.accountId));
        open("/buckets");
        Browser.go(web, web.findElement(By.linkText("Audit log")));
        List<WebElement> rows = rows();
        assertFalse(rows.isEmpty());
        assertTrue(rows.stream().anyMatch(r -> cell(r, 3).equals("console:SignIn") && cell(r, 1).equals("auditor")
                && cell(r, 7).equals("127.0.0.1")), "the user's own sign-in, with the browser's address");
        assertTrue(rows.stream().anyMatch(r -> cell(r, 3).equals("iam:PutUserPolicy")));

        // An explicit deny wins over the allow.
        gw.putPolicy("auditor", "deny-audit", """
                {"Version":"2012-10-17","Statement":[
                  {"Effect":"Deny","Action":"dualkey:*","Resource":"*"}]}""");
        open("/audit");
        assertTrue(rows().isEmpty());
        assertTrue(web.findElement(By.id("errors")).getText().contains("dualkey:ReadAudit"));
    }
}

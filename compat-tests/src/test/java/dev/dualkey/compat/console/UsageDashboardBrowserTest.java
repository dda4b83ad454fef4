package dev.dualkey.compat.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.model.ListVersionsQuery;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The usage dashboard in headless Chromium: reached from the navigation after sign-in, it shows each bucket's
 * objects, versions, delete markers and bytes as the store counted them, and a server-drawn SVG bar per bucket
 * whose length follows the bytes; a user without {@code s3:ListAllMyBuckets} is refused, and nobody signed out
 * sees it.
 */
class UsageDashboardBrowserTest extends ConsoleBrowserFixture {
    private long cell(String bucket, String figure) {
        return Long.parseLong(web.findElement(By.cssSelector("tr[data-bucket='" + bucket + "'] td[data-usage='"
                + figure + "']")).getAttribute("data-value"));
    }

    private static void put(ObjectStore store, String bucket, String key, int size) {
        try (ObjectWriter w = store.newObjectWriter(bucket, key, ObjectMetadata.empty(), WriteOptions.defaults())) {
            w.write(ByteBuffer.wrap(new byte[size]));
            w.commit(Expectations.none());
        }
    }

    @Test
    void theDashboardShowsWhatEachBucketHoldsWithAChart() {
        ObjectStore store = gw.engine.objectStore();
        store.createBucket("photos", gw.accountId, "us-east-1");
        store.updateBucket("photos", c -> c.withVersioning(VersioningState.ENABLED));
        store.createBucket("notes", gw.accountId, "us-east-1");
        store.createBucket("empty-one", gw.accountId, "us-east-1");
        store.createBucket("not-mine", "999988887777", "us-east-1"); // another account's: never shown
        put(store, "photos", "a.jpg", 300_000);
        put(store, "photos", "a.jpg", 200_000); // a second version
        put(store, "photos", "b.jpg", 100_000);
        store.deleteObject("photos", "b.jpg", null); // a delete marker
        put(store, "notes", "n.txt", 50_000);
        put(store, "not-mine", "x", 10);
        // three hourly samples of the history: 650,000 bytes now, then 700,000, then 800,000
        gw.sampleUsage();
        gw.clock.advance(java.time.Duration.ofHours(1));
        put(store, "notes", "m.txt", 50_000);
        gw.sampleUsage();
        gw.clock.advance(java.time.Duration.ofHours(1));
        put(store, "notes", "o.txt", 100_000);
        gw.sampleUsage();

        open("/dashboard");
        assertEquals("Sign in", heading()); // signed out: the sign-in page, nothing of the dashboard

        signInRoot(ConsoleFixture.ROOT_PASSWORD);
        Browser.go(web, web.findElement(By.linkText("Dashboard")));
        assertEquals("Dashboard", heading());
        assertEquals("page", web.findElement(By.linkText("Dashboard")).getAttribute("aria-current"));
        browser.screenshot("dashboard");

        assertEquals(1, cell("photos", "objects"));
        assertEquals(3, cell("photos", "versions"));
        assertEquals(1, cell("photos", "delete-markers"));
        assertEquals(200_000, cell("photos", "current-bytes"));
        assertEquals(600_000, cell("photos", "bytes"));
        assertEquals(3, cell("notes", "objects"));
        assertEquals(200_000, cell("notes", "bytes"));
        assertEquals(0, cell("empty-one", "objects"));
        assertEquals(List.of("empty-one", "notes", "photos"), web.findElements(By.cssSelector("#usage-table tbody tr"))
                .stream().map(r -> r.getAttribute("data-bucket")).toList());
        WebElement summary = web.findElement(By.id("usage-summary"));
        assertEquals("3", summary.findElement(By.cssSelector("[data-usage='buckets']")).getText());
        assertEquals("4", summary.findElement(By.cssSelector("[data-usage='objects']")).getText());
        assertEquals("6", summary.findElement(By.cssSelector("[data-usage='versions']")).getText());

        // the chart: one bar per bucket that holds bytes, largest first, lengths in proportion
        List<WebElement> bars = web.findElements(By.cssSelector("#usage-chart g.bar"));
        assertEquals(List.of("photos", "notes"), bars.stream().map(b -> b.getAttribute("data-bucket")).toList());
        int photos = Integer.parseInt(bars.get(0).getAttribute("data-width"));
        int notes = Integer.parseInt(bars.get(1).getAttribute("data-width"));
        assertEquals(3.0, (double) photos / notes, 0.2); // 600,000 / 200,000
        assertTrue(bars.get(0).findElement(By.cssSelector("rect.bar-noncurrent")).getSize().getWidth()
                > bars.get(0).findElement(By.cssSelector("rect.bar-current")).getSize().getWidth(),
                "noncurrent versions make the light bar longer than the current one");
        assertTrue(web.findElement(By.id("usage-chart")).isDisplayed());

        // growth over time: one point per sample, the account's bytes (not the other account's), rising
        WebElement growth = web.findElement(By.id("growth-chart"));
        assertTrue(growth.isDisplayed());
        assertEquals("800000", growth.getAttribute("data-latest-bytes"));
        WebElement line = growth.findElement(By.cssSelector("polyline.growth-line"));
        assertEquals("3", line.getAttribute("data-points"));
        String[] points = line.getAttribute("points").trim().split("\\s+");
        assertEquals(3, points.length);
        double[] ys = java.util.Arrays.stream(points).mapToDouble(p -> Double.parseDouble(p.split(",")[1])).toArray();
        assertTrue(ys[0] > ys[1] && ys[1] > ys[2],
                "the line rises (SVG y grows downwards): " + line.getAttribute("points"));
        assertTrue(web.findElement(By.id("growth-chart-title")).getText().contains("3 hourly samples"));
        assertTrue(web.getPageSource().contains("not-mine") == false, "another account's bucket");
    }

    @Test
    void theDashboardShowsTheLastMfaProtectedActionsToThoseWhoMayReadTheAudit() {
        byte[] seed = gw.assignDevice("root");
        ObjectStore store = gw.engine.objectStore();
        store.createBucket("vault", gw.accountId, "us-east-1");
        store.updateBucket("vault", c -> c.withVersioning(VersioningState.ENABLED)
                .withMfaDelete(MfaDeleteState.ENABLED));
        put(store, "vault", "report.txt", 1_000);
        put(store, "vault", "report.txt", 2_000);
        List<ObjectVersion> versions = store.listObjectVersions("vault",
                new ListVersionsQuery("", null, null, null, 100)).versions();
        String older = versions.get(1).versionId();

        signInRoot(ConsoleFixture.ROOT_PASSWORD);
        WebElement field = web.findElement(By.id("code"));
        field.sendKeys(gw.code(seed, 0));
        Browser.go(web, web.findElement(By.cssSelector("form[action='/signin/mfa'] button")));
        open("/dashboard");
        assertEquals(1, web.findElements(By.id("growth-empty")).size()); // no sample taken in this test
        assertEquals("No MFA-protected actions yet.", web.findElement(By.cssSelector("#mfa-actions .empty")).getText());

        // a refused attempt (wrong code), then the MFA delete, both in the bucket page
        open("/buckets/vault");
        String right = gw.code(seed, 1);
        WebElement row = web.findElement(By.cssSelector("tr[data-version='" + older + "']"));
        row.findElement(By.name("code")).sendKeys(right.equals("123456") ? "654321" : "123456");
        Browser.go(web, row.findElement(By.xpath(".//button[normalize-space()='Delete permanently']")));
        gw.nextStep();
        row = web.findElement(By.cssSelector("tr[data-version='" + older + "']"));
        row.findElement(By.name("code")).sendKeys(gw.code(seed, 0));
        Browser.go(web, row.findElement(By.xpath(".//button[normalize-space()='Delete permanently']")));
        assertEquals(1, store.listObjectVersions("vault", new ListVersionsQuery("", null, null, null, 100))
                .versions().size());

        open("/dashboard");
        browser.screenshot("dashboard-mfa-actions");
        List<WebElement> rows = web.findElements(By.cssSelector("#mfa-actions tr.mfa-action"));
        assertEquals(2, rows.size(), web.findElement(By.id("mfa-actions")).getText());
        WebElement deleted = rows.get(0); // newest first
        assertEquals("s3:DeleteObjectVersion", deleted.getAttribute("data-action"));
        assertEquals("ACCEPTED", deleted.getAttribute("data-outcome"));
        assertEquals(older, deleted.getAttribute("data-version"));
        List<String> cells = deleted.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
        assertEquals("arn:aws:iam::" + gw.accountId + ":root", cells.get(1));
        assertEquals(List.of("vault", "report.txt", older, "ACCEPTED"), cells.subList(3, 7));
        assertTrue(cells.get(7).startsWith("127.0.0.1"), cells.get(7));
        assertEquals("s3:DeleteObjectVersion", rows.get(1).getAttribute("data-action"));
        assertEquals("INVALID", rows.get(1).getAttribute("data-outcome"));

        // an IAM user who may list buckets but not read the audit sees the usage and not the panel
        web.manage().deleteAllCookies();
        gw.createUser("viewer", "Viewer-Password-123");
        gw.putPolicy("viewer", "list", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Action\":\"s3:ListAllMyBuckets\",\"Resource\":\"*\"}]}");
        signInUser("viewer", "Viewer-Password-123");
        open("/dashboard");
        assertEquals("Dashboard", heading());
        assertEquals(1, web.findElements(By.id("usage-table")).size());
        assertTrue(web.findElements(By.id("mfa-actions")).isEmpty());
        assertTrue(!web.getPageSource().contains("DeleteObjectVersion"), "no audit record shown");
    }

    @Test
    void aUserWhoMayNotListBucketsIsRefused() {
        gw.createUser("viewer", "Viewer-Password-123");
        signInUser("viewer", "Viewer-Password-123");
        open("/dashboard");
        assertEquals("Dashboard", heading());
        assertTrue(web.findElement(By.cssSelector(".error")).getText().contains("s3:ListAllMyBuckets"));
        assertTrue(web.findElements(By.id("usage-table")).isEmpty());
    }
}

package dev.dualkey.compat.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.dualkey.mfa.otp.Base32;
import dev.dualkey.storage.model.ListVersionsQuery;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.ObjectVersion;

/**
 * The console in a real headless Chromium against an in-process gateway: sign-in with and without MFA for
 * the root user and an IAM user, wrong codes then resync, QR provisioning (the QR image on the page is
 * decoded to get the seed, as a phone would), the MFA-protected version delete and MFA Delete switch,
 * sign-out with server-side revocation, CSRF refusal and session expiry on an injected clock. Screenshots of
 * the main pages go to {@code target/screenshots/}.
 */
class ConsoleBrowserTest extends ConsoleBrowserFixture {
    // ---- helpers ------------------------------------------------------------------------------------------

    private String errorText() {
        return web.findElement(By.id("errors")).getText();
    }

    private String noticeText() {
        return web.findElement(By.tagName("main")).findElements(By.cssSelector(".notice")).stream()
                .map(WebElement::getText).findFirst().orElse("");
    }

    private String wrongCode(byte[] seed) {
        String right = gw.code(seed, 0);
        return right.equals("123456") ? "654321" : "123456";
    }

    // ---- tests --------------------------------------------------------------------------------------------

    @Test
    void rootSignsInWithoutMfaAndSignOutRevokesTheSessionOnTheServer() {
        open("/");
        assertEquals("Sign in", heading());
        browser.screenshot("01-sign-in");
        signInRoot(ConsoleFixture.ROOT_PASSWORD);
        assertEquals("Buckets", heading());
        Cookie session = web.manage().getCookieNamed("dk_session");
        assertNotNull(session);
        assertTrue(session.isHttpOnly());
        assertEquals("Strict", session.getSameSite());
        assertEquals(null, web.manage().getCookieNamed("dk_pre"), "pre-sign-in cookie is cleared at sign-in");
        browser.screenshot("02-buckets");

        signOut();
        assertEquals("Sign in", heading());
        assertTrue(noticeText().contains("You have signed out."));
        // Replaying the old cookie does not work: the session was revoked on the server, not just forgotten.
        web.manage().addCookie(session);
        open("/buckets");
        assertEquals("Sign in", heading());
    }

    @Test
    void wrongPasswordGetsOneGenericMessage() {
        signInRoot("not-the-password");
        assertEquals("Sign in", heading());
        assertEquals("Your authentication information is incorrect. Please try again.", errorText());
        assertEquals("alert", web.findElement(By.id("errors")).getAttribute("role"));
        open("/signin");
        web.findElement(By.id("account")).sendKeys("999999999999");
        web.findElement(By.id("password")).sendKeys(ConsoleFixture.ROOT_PASSWORD);
        Browser.go(web, web.findElement(By.cssSelector("button.primary")));
        assertEquals("Your authentication information is incorrect. Please try again.", errorText());
    }

    @Test
    void rootProvisionsAVirtualDeviceFromTheQrCodeThenSignsInWithACode() {
        signInRoot(ConsoleFixture.ROOT_PASSWORD);
        Browser.go(web, web.findElement(By.linkText("My security credentials")));
        assertEquals("My security credentials", heading());
        Browser.go(web, web.findElement(By.xpath("//button[normalize-space()='Assign MFA device']")));
        assertEquals("Assign MFA device", heading());
        browser.screenshot("03-assign-mfa-device");

        String uri = QrImages.decodeDataUrl(web.findElement(By.id("qr")).getAttribute("src"));
        String secret = QrImages.secretOf(uri);
        assertTrue(uri.startsWith("otpauth://totp/"), uri);
        assertTrue(uri.contains("issuer=Dualkey"), uri);
        assertFalse(web.findElement(By.id("secret-key")).isDisplayed(), "secret hidden until asked for");
        web.findElement(By.cssSelector("details.secret summary")).click();
        assertEquals(secret, web.findElement(By.id("secret-key")).getText());

        byte[] seed = Base32.decode(secret);
        web.findElement(By.id("code1")).sendKeys(gw.code(seed, -1));
        web.findElement(By.id("code2")).sendKeys(gw.code(seed, 0));
        Browser.go(web, web.findElement(By.xpath("//button[normalize-space()='Assign MFA device']")));
        assertEquals("My security credentials", heading());
        assertTrue(noticeText().contains("is assigned"), noticeText());
        assertEquals(1, web.findElements(By.cssSelector("section[aria-labelledby=mfa-title] table tbody tr")).size());
        browser.screenshot("04-security-credentials");

        signOut();
        gw.nextStep();
        signInRoot(ConsoleFixture.ROOT_PASSWORD);
        assertEquals("Multi-factor authentication", heading());
        browser.screenshot("05-mfa-code");
        typeCode(gw.code(seed, 0));
        assertEquals("Buckets", heading());
    }

    @Test
    void threeWrongCodesOfferResyncWhichRepairsADriftedDevice() {
        byte[] seed = gw.assignDevice("root");
        gw.clock.advance(Duration.ofMinutes(5)); // unused for 5 minutes, while the phone's clock fell behind
        signInRoot(ConsoleFixture.ROOT_PASSWORD);
        assertEquals("Multi-factor authentication", heading());
        assertTrue(web.findElements(By.id("code1")).isEmpty(), "no resync offer before three failures");
        for (int i = 0; i < 3; i++) {
            typeCode(wrongCode(seed));
            assertEquals("Your authentication information is incorrect. Please try again.", errorText());
        }
        assertFalse(web.findElements(By.id("code1")).isEmpty(), "resync offered after three wrong codes");
        browser.screenshot("06-resync-offer");

        // The phone's clock runs 3 minutes slow: its codes are 6 steps behind, outside the sign-in window, yet
        // after the last code it gave. (A fast phone cannot be resynchronized: D11 refuses pairs from the future.)
        typeCode(gw.code(seed, -6));
        assertEquals("Your authentication information is incorrect. Please try again.", errorText());
        web.findElement(By.id("code1")).sendKeys(gw.code(seed, -6 + 1));
        web.findElement(By.id("code2")).sendKeys(gw.code(seed, -6 + 2));
        Browser.go(web, web.findElement(By.xpath("//button[normalize-space()='Resynchronize and sign in']")));
        assertTrue(noticeText().contains("resynchronized"), noticeText());
        gw.nextStep();
        typeCode(gw.code(seed, -6 + 2)); // the device's next code after the pair
        assertEquals("Buckets", heading());
    }

    @Test
    void iamUserSignsInAtTheAccountUrlWithAndWithoutMfa() {
        gw.createUser("bob", "Bobs-Password-123");
        signInUser("bob", "Bobs-Password-123");
        assertEquals("Buckets", heading());
        assertTrue(errorText().contains("not allowed to list buckets"), errorText());
        assertTrue(web.findElements(By.linkText("Users")).isEmpty(), "no Users section without iam:ListUsers");
        assertTrue(web.findElement(By.cssSelector(".who")).getText().startsWith("bob @ "));
        signOut();

        byte[] seed = gw.assignDevice("bob");
        signInUser("bob", "Bobs-Password-123");
        assertEquals("Multi-factor authentication", heading());
        typeCode(gw.code(seed, 0));
        assertEquals("Buckets", heading());
        // Default IAM policy: no self-service removal of the device.
        open("/security-credentials");
        assertTrue(web.findElements(By.xpath("//button[normalize-space()='Remove']")).isEmpty());
        signOut();

        signInRoot(ConsoleFixture.ROOT_PASSWORD);
        Browser.go(web, web.findElement(By.linkText("Users")));
        Browser.go(web, web.findElement(By.linkText("bob")));
        browser.screenshot("07-user-devices");
        Browser.go(web, web.findElement(By.xpath("//button[normalize-space()='Deactivate']")));
        assertTrue(noticeText().contains("was deactivated"), noticeText());
        signOut();
        signInUser("bob", "Bobs-Password-123");
        assertEquals("Buckets", heading(), "a lost device, once deactivated by the admin, no longer blocks sign-in");
    }

    @Test
    void aFormWithoutTheRightCsrfTokenIsRefused() {
        signInRoot(ConsoleFixture.ROOT_PASSWORD);
        web.findElement(By.id("bucket-name")).sendKeys("forged-bucket");
        ((JavascriptExecutor) web).executeScript(
                "document.querySelector(\"form[action='/buckets'] input[name=csrf]\").value = 'forged';");
        Browser.go(web, web.findElement(By.xpath("//button[normalize-space()='Create bucket']")));
        assertEquals("Request refused", heading());
        assertTrue(errorText().contains("nothing was changed"));
        browser.screenshot("08-csrf-refused");
        assertTrue(gw.engine.objectStore().listBuckets(gw.accountId).isEmpty());
    }

    @Test
    void anIdleSessionExpires() {
        signInRoot(ConsoleFixture.ROOT_PASSWORD);
        assertEquals("Buckets", heading());
        gw.clock.advance(Duration.ofMinutes(14));
        open("/buckets");
        assertEquals("Buckets", heading(), "still inside the 15-minute idle timeout");
        gw.clock.advance(Duration.ofMinutes(16));
        open("/buckets");
        assertEquals("Sign in", heading());
        assertTrue(noticeText().contains("Your session has ended"), noticeText());
    }

    @Test
    void versionDeleteAndMfaDeleteSwitchTakeACodeTypedIntoThePage() throws Exception {
        byte[] seed = gw.assignDevice("root");
        signInRoot(ConsoleFixture.ROOT_PASSWORD);
        typeCode(gw.code(seed, 0));
        web.findElement(By.id("bucket-name")).sendKeys("vault");
        Browser.go(web, web.findElement(By.xpath("//button[normalize-space()='Create bucket']")));
        Browser.go(web, web.findElement(By.linkText("vault")));

        gw.nextStep();
        web.findElement(By.id("versioning-enabled")).click();
        web.findElement(By.id("mfa-on")).click();
        web.findElement(By.id("versioning-code")).sendKeys(gw.code(seed, 0));
        Browser.go(web, web.findElement(By.xpath("//button[normalize-space()='Save versioning settings']")));
        assertTrue(noticeText().contains("Versioning settings of vault were saved"), noticeText());
        assertEquals(MfaDeleteState.ENABLED, gw.engine.objectStore().headBucket("vault").mfaDelete());

        Path file = Files.createTempFile("report-", ".txt");
        try {
            Files.writeString(file, "first draft", StandardCharsets.UTF_8);
            upload(file);
            Files.writeString(file, "second draft, longer", StandardCharsets.UTF_8);
            upload(file);
        } finally {
            Files.delete(file);
        }
        String key = file.getFileName().toString();
        List<ObjectVersion> versions = versions();
        assertEquals(2, versions.size());
        browser.screenshot("09-bucket-versions");

        String older = versions.get(1).versionId();
        WebElement row = web.findElement(By.cssSelector("tr[data-version='" + older + "']"));
        row.findElement(By.name("code")).sendKeys(wrongCode(seed));
        Browser.go(web, row.findElement(By.xpath(".//button[normalize-space()='Delete permanently']")));
        assertTrue(errorText().contains("The MFA code was not accepted"), errorText());
        assertEquals(2, versions().size());

        gw.nextStep();
        row = web.findElement(By.cssSelector("tr[data-version='" + older + "']"));
        row.findElement(By.name("code")).sendKeys(gw.code(seed, 0));
        Browser.go(web, row.findElement(By.xpath(".//button[normalize-space()='Delete permanently']")));
        assertTrue(noticeText().contains("permanently deleted"), noticeText());
        List<ObjectVersion> left = versions();
        assertEquals(1, left.size());
        assertNotEquals(older, left.get(0).versionId());
        assertEquals(key, left.get(0).key());

        // The same code cannot be used twice (shared with the x-amz-mfa header's replay guard).
        String latest = left.get(0).versionId();
        row = web.findElement(By.cssSelector("tr[data-version='" + latest + "']"));
        row.findElement(By.name("code")).sendKeys(gw.code(seed, 0));
        Browser.go(web, row.findElement(By.xpath(".//button[normalize-space()='Delete permanently']")));
        assertTrue(errorText().contains("The MFA code was not accepted"), errorText());
        assertEquals(1, versions().size());
    }

    private void upload(Path file) {
        web.findElement(By.id("file")).sendKeys(file.toAbsolutePath().toString());
        Browser.go(web, web.findElement(By.xpath("//button[normalize-space()='Upload']")));
        assertTrue(noticeText().contains("was uploaded"), noticeText());
    }

    private List<ObjectVersion> versions() {
        return gw.engine.objectStore().listObjectVersions("vault", new ListVersionsQuery("", null, null, null, 100))
                .versions();
    }
}

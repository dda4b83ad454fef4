package dev.dualkey.compat.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The Settings page (issue 18) in headless Chromium: root reaches it from the navigation, a wrong code changes
 * nothing, a current code sets the account's alert receiver (the page then shows only its scheme, host and port);
 * an IAM user sees no Settings link and is refused the page. Screenshot: {@code target/screenshots/settings.png}
 * (copied to {@code docs/screenshots/console-settings.png} for the README).
 */
class SettingsPageBrowserTest extends ConsoleBrowserFixture {
    private static final String URL = "https://hooks.example.com/services/T000/B000/secretPathToken";

    private String errorText() {
        return web.findElement(By.id("errors")).getText();
    }

    @Test
    void rootSetsTheAlertReceiverWithACurrentCode() {
        byte[] seed = gw.assignDevice("root");
        signInRoot(ConsoleFixture.ROOT_PASSWORD);
        typeCode(gw.code(seed, 0));
        Browser.go(web, web.findElement(By.linkText("Settings")));
        assertEquals("Settings", heading());
        assertEquals("page", web.findElement(By.linkText("Settings")).getAttribute("aria-current"));
        assertFalse(web.findElements(By.id("webhook-none")).isEmpty());

        gw.nextStep();
        web.findElement(By.id("webhook-url")).sendKeys(URL);
        web.findElement(By.id("webhook-secret")).sendKeys("chosen-secret");
        web.findElement(By.id("settings-code")).sendKeys(gw.code(seed, 0).equals("000000") ? "111111" : "000000");
        Browser.go(web, web.findElement(By.xpath("//button[normalize-space()='Save receiver']")));
        assertTrue(errorText().contains("The MFA code was not accepted"), errorText());
        assertTrue(gw.settings.webhook(gw.accountId).isEmpty());

        web.findElement(By.id("settings-code")).sendKeys(gw.code(seed, 0));
        Browser.go(web, web.findElement(By.xpath("//button[normalize-space()='Save receiver']")));
        assertEquals("Settings", heading());
        assertEquals(URI.create(URL), gw.settings.webhook(gw.accountId).orElseThrow().target().url());
        assertEquals("https://hooks.example.com/…", web.findElement(By.id("webhook-current")).getText());
        assertFalse(web.getPageSource().contains("secretPathToken"), "the receiver's path is shown");
        browser.screenshot("settings");
    }

    @Test
    void anIamUserSeesNoSettings() {
        gw.createUser("viewer", "Viewer-Password-123");
        gw.putPolicy("viewer", "all", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""");
        signInUser("viewer", "Viewer-Password-123");
        assertEquals("Buckets", heading());
        assertTrue(web.findElements(By.linkText("Settings")).isEmpty(), "a Settings link for an IAM user");
        open("/settings");
        assertEquals("Settings", heading());
        assertTrue(errorText().contains("Only the account's root user can change settings."), errorText());
        assertTrue(web.findElements(By.id("webhook-url")).isEmpty());
    }
}

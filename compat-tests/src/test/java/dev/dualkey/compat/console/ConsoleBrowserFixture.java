package dev.dualkey.compat.console;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * What every console browser test sets up the same way (review debt D4-D6): one headless Chromium per test class
 * ({@link Browser}), a fresh gateway with its console per test ({@link ConsoleFixture}), cookies cleared between
 * tests, and the sign-in steps a person takes (root with account id and password, an IAM user on the account's
 * sign-in URL, the MFA code step, sign-out), each waiting for the next page to load.
 */
abstract class ConsoleBrowserFixture {
    protected static Browser browser;
    protected ConsoleFixture gw;
    protected WebDriver web;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.open();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    @BeforeEach
    void startGateway() {
        gw = new ConsoleFixture();
        web = browser.driver();
    }

    @AfterEach
    void stopGateway() {
        try {
            web.get("about:blank");
            web.manage().deleteAllCookies();
        } finally {
            gw.close();
        }
    }

    /** Loads a console page by path (and query). */
    protected void open(String path) {
        web.get(gw.url(path).toString());
    }

    /** The page's {@code h1}. */
    protected String heading() {
        return web.findElement(By.tagName("h1")).getText();
    }

    /** Root's password step on {@code /signin} (a code step follows when root has a device). */
    protected void signInRoot(String password) {
        open("/signin");
        web.findElement(By.id("account")).sendKeys(gw.accountId);
        web.findElement(By.id("password")).sendKeys(password);
        Browser.go(web, web.findElement(By.cssSelector("button.primary")));
    }

    /** An IAM user's password step on the account's sign-in URL {@code /a/ACCOUNT}. */
    protected void signInUser(String user, String password) {
        open("/a/" + gw.accountId);
        web.findElement(By.id("username")).sendKeys(user);
        web.findElement(By.id("password")).sendKeys(password);
        Browser.go(web, web.findElement(By.cssSelector("button.primary")));
    }

    /** Types {@code code} into the sign-in's MFA step and submits it. */
    protected void typeCode(String code) {
        WebElement field = web.findElement(By.id("code"));
        field.clear();
        field.sendKeys(code);
        Browser.go(web, web.findElement(By.cssSelector("form[action='/signin/mfa'] button")));
    }

    /** The sign-out button of the navigation. */
    protected void signOut() {
        Browser.go(web, web.findElement(By.cssSelector("form.signout button")));
    }
}

package dev.dualkey.compat.console;

import org.openqa.selenium.support.ui.WebDriverWait;

import org.openqa.selenium.WebElement;

import org.openqa.selenium.WebDriverException;

import org.openqa.selenium.StaleElementReferenceException;

import org.openqa.selenium.By;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through its chromedriver, with a fresh profile per browser. Selenium
 * Manager is never used (it would try to download a driver): the binaries are given explicitly and
 * {@code SE_OFFLINE} is set. When the binaries are missing, a test fails under {@code CI=true} and is
 * skipped, with a message, elsewhere.
 */
public final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Paths.get(System.getProperty("console.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Paths.get(System.getProperty("console.chromedriver", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Paths.get("target", "screenshots");

    private final WebDriver driver;
    private final Path profile;

    private Browser(WebDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Fails (CI) or skips (elsewhere) when Chromium or chromedriver is missing. */
    public static void requireBinaries() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String message = CHROMIUM + " and " + CHROMEDRIVER
                + " (Debian packages chromium and chromium-driver)";
        dev.dualkey.testkit.Prerequisites.require("the browser tests", present, message);
    }

    public static Browser open() {
        requireBinaries();
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        System.setProperty("SE_OFFLINE", "true");
        Path profile;
        try {
            profile = Files.createTempDirectory("dualkey-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return new Browser(driver, profile);
    }

    public WebDriver driver() {
        return driver;
    }

    /** Saves a PNG of the current page as {@code target/screenshots/<name>.png}. */
    void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            Files.write(SCREENSHOTS.resolve(name + ".png"), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a leftover temp profile is harmless
            }
        }
    }

    /** Clicks a control that submits a form or follows a link, and waits until the next page has loaded. */
    public static void go(WebDriver web, WebElement control) {
        WebElement page = web.findElement(By.tagName("html"));
        control.click();
        new WebDriverWait(web, Duration.ofSeconds(20)).until(d -> replaced(page));
    }

    /**
     * Whether the element's document was replaced by a navigation. Chromium reports that either as a stale
     * element or, while the new document is being attached, as an inspector error about the node.
     */
    private static boolean replaced(WebElement oldRoot) {
        try {
            oldRoot.isEnabled();
            return false;
        } catch (StaleElementReferenceException e) {
            return true;
        } catch (WebDriverException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("does not belong to the document") || m.contains("No node with given id")) {
                return true;
            }
            throw e;
        }
    }
}

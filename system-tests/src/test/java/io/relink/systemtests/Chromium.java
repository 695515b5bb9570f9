package io.relink.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.relink.devstack.Devstack;

/**
 * A real Chromium (Debian's {@code chromium} and {@code chromium-driver}), headless, with a fresh profile: it enforces
 * CSP on every redirect, keeps cookies by their SameSite rules and follows meta refreshes, as users' browsers do.
 * Nothing is downloaded: both binaries come from the system ({@code relink.chromium} and {@code relink.chromedriver}
 * override their paths). Every console message is kept, so a test can show that no page broke its CSP.
 */
final class Chromium implements AutoCloseable {
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final Path profile;
    private final List<String> console = new ArrayList<>();

    Chromium() {
        try {
            profile = Files.createTempDirectory("relink-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions().setBinary(System.getProperty("relink.chromium", "/usr/bin/chromium"))
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--window-size=900,1000", "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(System.getProperty("relink.chromedriver", "/usr/bin/chromedriver")).toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    }

    WebDriver driver() {
        return driver;
    }

    void open(String url) {
        driver.get(url);
        collectConsole();
    }

    /** Presses the button with this text and waits until the browser has come to rest on a page matching {@code arrived}. */
    void press(String buttonText, java.util.function.Predicate<WebDriver> arrived) {
        driver.findElement(By.xpath("//button[normalize-space()='" + buttonText + "']")).click();
        waitFor(arrived);
    }

    void waitFor(java.util.function.Predicate<WebDriver> arrived) {
        try {
            new WebDriverWait(driver, Duration.ofSeconds(30)).withMessage(() -> "still on " + where() + ": " + text())
                    .until(d -> arrived.test(d) && "complete".equals(driver.executeScript("return document.readyState")));
        } finally {
            collectConsole();
        }
    }

    /**
     * The page the browser is on, for failure messages that end up in CI logs: without its query (OAuth codes and
     * states) and with a link token in the path replaced, since both are secrets even in a test.
     */
    private String where() {
        java.net.URI url = java.net.URI.create(driver.getCurrentUrl());
        String path = url.getPath() == null ? "" : url.getPath().replaceFirst("^/reauth/[^/]*\\.[^/]*$", "/reauth/<link token>");
        return url.getScheme() + "://" + url.getAuthority() + path + (url.getQuery() == null ? "" : "?<query>");
    }

    String heading() {
        return driver.findElement(By.tagName("h1")).getText();
    }

    String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    /** A PNG under target/screenshots of the page's {@code <main>} (what the user reads), or of the window without one. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            List<WebElement> main = driver.findElements(By.tagName("main"));
            Files.write(file, main.isEmpty() ? driver.getScreenshotAs(OutputType.BYTES) : main.get(0).getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Console messages in which the browser reports a Content-Security-Policy violation, so far. */
    List<String> cspViolations() {
        collectConsole();
        return console.stream().filter(m -> m.contains("Content Security Policy") || m.contains("Content-Security-Policy")).toList();
    }

    private void collectConsole() {
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            console.add(entry.getLevel() + " " + entry.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            Devstack.deleteRecursively(profile);
        }
    }
}

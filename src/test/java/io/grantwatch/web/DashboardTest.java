package io.grantwatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.simulator.Fault;
import io.grantwatch.simulator.SimGrant;
import io.grantwatch.simulator.SimSite;
import io.grantwatch.testing.ApiClient;
import io.grantwatch.testing.AppHarness;
import io.grantwatch.testing.GrantwatchExtension;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium against the real daemon and the Atlassian simulator:
 * the page asks for the API key, shows a grant's sites, and shows a site turn revoked when the
 * simulator revokes it. Skipped, with the reason, where Debian's chromium and chromium-driver are
 * not installed.
 */
class DashboardTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String API_KEY = AppHarness.API_KEY;
    private static final String CHART_JS = "/webjars/chart.js/4.5.1/dist/chart.umd.min.js";
    private static final Path SCREENSHOT = Path.of("target", "dashboard.png");

    private static final SimSite JIRA = SimSite.of("Acme Jira", "read:jira-work", "read:jira-user");
    private static final SimSite WIKI = SimSite.of("Acme Wiki", "read:confluence-content.all", "write:confluence-content");
    private static final SimSite SERVICE_DESK = SimSite.of("Acme Service Desk", "read:servicedesk-request", "read:jira-work");

    @RegisterExtension
    static final GrantwatchExtension grantwatch = GrantwatchExtension.create().env("GRANTWATCH_POLLING_DEGRADEDAFTER", "2");

    static final List<String> tokens = new ArrayList<>();

    @Test
    void thePageAndItsChartLibraryAreServedWithoutAKey() throws Exception {
        HttpResponse<String> page = anonymousGet("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(policy -> assertThat(policy).contains("script-src 'self'"));
        assertThat(page.body()).contains(CHART_JS).contains("dashboard.js");

        assertThat(anonymousGet(CHART_JS).statusCode()).as("the Chart.js version in index.html is the one in pom.xml").isEqualTo(200);
        assertThat(anonymousGet("/dashboard.js").statusCode()).isEqualTo(200);
        assertThat(anonymousGet("/v1/grants").statusCode()).as("the API still wants its key").isEqualTo(401);
    }

    @Test
    void aSiteRevokedInAtlassianTurnsRevokedOnThePage() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the dashboard test needs headless Chromium: apt-get install -y chromium chromium-driver (" + CHROMIUM + ", "
                        + CHROMEDRIVER + ")");

        SimGrant acme = grantwatch.simulator().newGrant();
        acme.setSites(List.of(JIRA, WIKI));
        long acmeId = registerHealthy(acme, "acme-alice", "Acme · alice@acme.test", true);
        acme.addSite(SERVICE_DESK);
        acme.setScopes(JIRA.cloudId(), "read:jira-work", "read:jira-user", "write:jira-work");
        check(acmeId);
        List<Long> others = otherGrants();

        WebDriver browser = chromium();
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
            browser.get("http://127.0.0.1:" + grantwatch.app().port() + "/");

            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("key-input"))).sendKeys(API_KEY);
            browser.findElement(By.id("key-submit")).click();
            wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".grant-row[data-grant-id='" + acmeId + "']"))).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(site(WIKI, ":not(.revoked)")));
            assertThat(browser.findElement(By.cssSelector("#detail .newest-site")).getAttribute("data-cloud-id"))
                    .as("the site granted last").isEqualTo(SERVICE_DESK.cloudId());

            // Checks of every outcome while the page is open, for the checks-per-minute chart.
            others.forEach(DashboardTest::check);
            acme.removeSite(WIKI.cloudId());
            check(acmeId);

            wait.until(ExpectedConditions.visibilityOfElementLocated(site(WIKI, ".revoked")));
            wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("#detail .tl[data-type='site.revoked'][data-cloud-id='" + WIKI.cloudId() + "']")));
            wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("#event-stream .ev[data-type='site.revoked'][data-cloud-id='" + WIKI.cloudId() + "']")));
            assertThat(browser.findElements(site(WIKI, ":not(.revoked)"))).isEmpty();
            wait.until(ExpectedConditions.textToBe(By.id("live"), "live"));

            String page = browser.getPageSource();
            assertThat(tokens).allSatisfy(token -> assertThat(page).doesNotContain(token));
            assertThat(page).doesNotContain(API_KEY);
            assertThat(consoleErrors(browser)).isEmpty();
        } catch (RuntimeException | AssertionError e) {
            System.out.println("browser console: " + browser.manage().logs().get(LogType.BROWSER).getAll());
            throw e;
        } finally {
            // Also on failure: the picture is the quickest way to see what went wrong.
            screenshot(browser);
            browser.quit();
        }
    }

    private static void screenshot(WebDriver browser) throws IOException {
        Files.createDirectories(SCREENSHOT.getParent());
        File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
    }

    /** A few more grants, so that the list, the charts and the screenshot show every colour. */
    private static List<Long> otherGrants() {
        SimGrant globex = grantwatch.simulator().newGrant();
        globex.setSites(List.of(SimSite.of("Globex", "read:jira-work")));
        long globexId = registerHealthy(globex, "globex-bob", "Globex · bob@globex.test", false);

        SimGrant initech = grantwatch.simulator().newGrant();
        initech.setSites(List.of(SimSite.of("Initech", "read:confluence-content.all")));
        long initechId = registerHealthy(initech, "initech-carol", "Initech · carol@initech.test", false);
        initech.failNext(1000, Fault.SERVER_ERROR);
        check(initechId);
        check(initechId);

        SimGrant umbrella = grantwatch.simulator().newGrant();
        umbrella.setSites(List.of(SimSite.of("Umbrella", "read:jira-work", "read:jira-user")));
        long umbrellaId = registerHealthy(umbrella, "umbrella-dave", "Umbrella · dave@umbrella.test", false);
        umbrella.expireAccessToken();
        check(umbrellaId);

        SimGrant hooli = grantwatch.simulator().newGrant();
        hooli.setSites(List.of(SimSite.of("Hooli", "read:jira-work"), SimSite.of("Hooli Docs", "read:confluence-content.all")));
        long hooliId = registerHealthy(hooli, "hooli-erin", "Hooli · erin@hooli.test", false);
        return List.of(globexId, initechId, umbrellaId, hooliId);
    }

    private static By site(SimSite site, String state) {
        return By.cssSelector("#detail .site[data-cloud-id='" + site.cloudId() + "']" + state);
    }

    private static long registerHealthy(SimGrant grant, String externalId, String label, boolean withRefreshToken) {
        tokens.add(grant.accessToken());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accessToken", grant.accessToken());
        if (withRefreshToken) {
            tokens.add(grant.refreshToken());
            body.put("refreshToken", grant.refreshToken());
        }
        body.put("expiresIn", 3600);
        body.put("externalId", externalId);
        body.put("label", label);
        ApiClient.Response response = grantwatch.api().post("/v1/grants", body);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        long id = response.json().get("id").asLong();
        await().atMost(Duration.ofSeconds(20)).until(() -> grantwatch.api().get("/v1/grants/" + id).json().get("status").asText().equals("HEALTHY"));
        return id;
    }

    private static JsonNode check(long id) {
        ApiClient.Response response = grantwatch.api().post("/v1/grants/" + id + "/check", null);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private static HttpResponse<String> anonymousGet(String path) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + grantwatch.app().port() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    /** Debian's browser and driver, named explicitly, so Selenium never looks for or downloads one. */
    private static WebDriver chromium() {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1440,1500", "--force-device-scale-factor=1", "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        return new ChromeDriver(service, options);
    }

    /**
     * What the page logged as errors: script errors and refused loads (CSP included). Two are
     * expected: the 401 that makes the page ask for the key, and the 404 from /v1/webhooks while
     * this daemon has no webhooks.
     */
    private static List<String> consoleErrors(WebDriver browser) {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(message -> !message.contains("/v1/webhooks ") && !message.contains("/v1/grants?limit=1 "))
                .toList();
    }
}

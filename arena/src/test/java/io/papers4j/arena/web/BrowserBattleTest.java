package io.papers4j.arena.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.papers4j.arena.store.ArenaStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A full battle in a real browser: Debian's chromium (headless) driven by chromium-driver through
 * Selenium — prompt, two streamed replies, votes enabled only afterwards, vote, reveal, leaderboard.
 * Skips when the browser or driver is not installed (scripts/deps/arena.test lists them).
 */
class BrowserBattleTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  @TempDir Path dir;
  FakeOpenAi fake;
  ArenaStore store;
  Javalin app;
  WebDriver browser;

  @AfterEach
  void stop() throws Exception {
    if (browser != null) browser.quit();
    if (app != null) app.stop();
    if (fake != null) fake.close();
    if (store != null) store.close();
  }

  @Test
  void a_person_battles_votes_and_sees_the_leaderboard() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
        "needs Debian's chromium and chromium-driver (scripts/setup --test)");
    fake = new FakeOpenAi();
    ArenaConfig cfg = ArenaConfig.parse(new ObjectMapper().readTree(
        "{\"models\":[{\"name\":\"alpha\",\"api_base\":\"" + fake.base() + "\"},{\"name\":\"beta\",\"api_base\":\"" + fake.base() + "\"}]}"));
    store = ArenaStore.sqlite(dir.resolve("arena.db"));
    app = ArenaApp.create(new Arena(cfg, store, Moderation.keywords(cfg.moderationKeywords()),
        m -> new OpenAiBackend(m, cfg.temperature(), cfg.topP(), cfg.maxTokens()), 10)).start(0);

    ChromeOptions opts = new ChromeOptions();
    opts.setBinary(CHROMIUM.toFile());
    opts.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--user-data-dir=" + dir.resolve("profile"));
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
    browser = new ChromeDriver(service, opts);
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    String base = "http://127.0.0.1:" + app.port();

    browser.get(base + "/");
    assertThat(browser.findElement(By.id("leftvote")).isEnabled()).isFalse();
    String hostile = "<img src=x onerror=alert(1)> hi";
    browser.findElement(By.id("text")).sendKeys(hostile);
    browser.findElement(By.id("send")).click();
    wait.until(d -> d.findElement(By.id("leftvote")).isEnabled());
    for (String id : new String[] {"rightvote", "tievote", "bothbad_vote", "regenerate"}) {
      assertThat(browser.findElement(By.id(id)).isEnabled()).as(id).isTrue();
    }
    String paneA = browser.findElement(By.id("chat-a")).getText();
    String paneB = browser.findElement(By.id("chat-b")).getText();
    assertThat(paneA).contains("says: " + hostile);
    assertThat(paneB).contains("says: " + hostile);
    // replies are text, never markup
    assertThat(browser.findElements(By.cssSelector("#chat-a img, #chat-b img"))).isEmpty();
    assertThat(browser.findElement(By.id("label-a")).getText()).isEqualTo("Model A");

    browser.findElement(By.id("leftvote")).click();
    wait.until(d -> d.findElement(By.id("label-a")).getText().startsWith("Model A: "));
    String winner = browser.findElement(By.id("label-a")).getText().substring("Model A: ".length());
    assertThat(winner).isIn("alpha", "beta");
    assertThat(paneA).contains("[" + FakeOpenAi.code(winner) + "]");
    assertThat(browser.findElement(By.id("leftvote")).isEnabled()).isFalse();
    assertThat(store.count()).isEqualTo(1);

    browser.get(base + "/leaderboard");
    wait.until(d -> !d.findElements(By.cssSelector("#board tbody tr")).isEmpty());
    var first = browser.findElements(By.cssSelector("#board tbody tr")).get(0).findElements(By.tagName("td"));
    assertThat(first.get(1).getText()).isEqualTo(winner + " (preliminary)"); // one vote: under the 30-vote minimum
    assertThat(browser.findElements(By.cssSelector("#heatmaps img"))).hasSize(3);
  }
}

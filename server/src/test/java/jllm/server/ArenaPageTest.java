package jllm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import jllm.eval.arena.ArenaStore;
import jllm.eval.arena.Battle;
import jllm.eval.arena.Outcome;
import jllm.model.LoadedModel;
import jllm.tokenizer.Tokenizer;

/**
 * The arena and leaderboard pages in headless Chromium against the in-process server: a prompt, two
 * streamed anonymous answers (one of them hostile markup), a vote, the names revealed, the leaderboard.
 */
class ArenaPageTest {
    static LoadedModel loaded;
    static ArenaStore store;
    static OpenAiServer server;
    static WebDriver driver;
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(Files.isExecutable(WebPageTest.CHROMIUM) && Files.isExecutable(WebPageTest.CHROMEDRIVER),
                "skipped: no Chromium at " + WebPageTest.CHROMIUM + " with " + WebPageTest.CHROMEDRIVER
                        + " (apt-get install chromium chromium-driver; .ci/run does)");
        loaded = TestServers.stories();
        ServedModel stories = ServedModel.of("stories", loaded);
        Tokenizer tok = loaded.tokenizer();
        // slowed so that the page is seen streaming; the hostile one answers markup that must stay text
        ServedModel slow = new ServedModel("slow-stories", TestModels.slow(loaded.model(), 25), tok, stories.template(), 0);
        ServedModel hostile = new ServedModel("hostile", TestModels.scripted(loaded.model(),
                tok.encode(WebPageTest.HOSTILE, false, false), tok.vocabulary().eos()), tok, stories.template(), 0);
        dir = Files.createTempDirectory("jllm-arena-page");
        store = ArenaStore.open(dir.resolve("arena.db"));
        server = OpenAiServer.start(List.of(slow, hostile), ServerOptions.DEFAULTS.withPort(0).withContextLength(256)
                .withParallel(2), List.of(new ArenaRoutes(store, List.of("slow-stories", "hostile"), 3)));
        ChromeOptions o = new ChromeOptions();
        o.setBinary(WebPageTest.CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + dir.resolve("profile"), "--window-size=1200,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(WebPageTest.CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, o);
    }

    @AfterAll
    static void stop() throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
        if (loaded != null) {
            loaded.close();
        }
        if (dir != null) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    private static void waitUntil(Function<WebDriver, Boolean> condition) {
        new WebDriverWait(driver, Duration.ofSeconds(60)).until(condition::apply);
    }

    private static WebElement answer(String side) {
        return driver.findElement(By.cssSelector("#side-" + side + " .answer"));
    }

    private static String name(String side) {
        return driver.findElement(By.cssSelector("#side-" + side + " .name")).getText();
    }

    @Test
    void promptTwoStreamsVoteRevealAndLeaderboard() {
        driver.get("http://127.0.0.1:" + server.port() + "/arena.html");
        driver.findElement(By.id("prompt")).sendKeys("Once upon a time");
        driver.findElement(By.id("fight")).click();
        // the slow model's side is seen mid-stream: some text, not yet done
        waitUntil(d -> Stream.of("a", "b").anyMatch(s -> "streaming".equals(answer(s).getDomAttribute("data-state"))
                && !answer(s).getText().isEmpty()));
        assertThat(driver.findElement(By.id("vote-a")).isEnabled()).isFalse();
        waitUntil(d -> Stream.of("a", "b").allMatch(s -> "done".equals(answer(s).getDomAttribute("data-state"))));
        waitUntil(d -> driver.findElement(By.id("vote-a")).isEnabled());
        // anonymous until the vote
        assertThat(name("a")).isEmpty();
        assertThat(name("b")).isEmpty();
        assertThat(driver.findElement(By.tagName("body")).getText()).doesNotContain("slow-stories").doesNotContain("hostile");

        String hostileSide = answer("a").getText().contains("<script>") ? "a" : "b";
        String storiesSide = hostileSide.equals("a") ? "b" : "a";
        WebElement bad = answer(hostileSide);
        assertThat(bad.getText()).contains("<script>window.pwned=1</script>").contains("onerror=").contains("javascript:window.pwned=3");
        assertThat(bad.findElements(By.cssSelector("*"))).isEmpty(); // text only: no element at all
        JavascriptExecutor js = (JavascriptExecutor) driver;
        assertThat(js.executeScript("return typeof window.pwned")).isEqualTo("undefined");
        assertThat(answer(storiesSide).getText()).isNotBlank();

        driver.findElement(By.id("vote-" + storiesSide)).click();
        waitUntil(d -> !name("a").isEmpty());
        assertThat(name(storiesSide)).isEqualTo("slow-stories");
        assertThat(name(hostileSide)).isEqualTo("hostile");
        assertThat(driver.findElement(By.id("status")).getText()).contains("vote is stored");
        List<Battle> decided = store.decided();
        assertThat(decided).hasSize(1);
        Battle b = decided.getFirst();
        assertThat(b.vote().orElseThrow().outcome()).isEqualTo(storiesSide.equals("a") ? Outcome.MODEL_A : Outcome.MODEL_B);
        assertThat(hostileSide.equals("a") ? b.answerA() : b.answerB()).isEqualTo(bad.getText());

        driver.get("http://127.0.0.1:" + server.port() + "/leaderboard.html");
        waitUntil(d -> d.findElements(By.cssSelector("#board tbody tr")).size() == 2);
        List<WebElement> rows = driver.findElements(By.cssSelector("#board tbody tr"));
        assertThat(rows.get(0).getDomAttribute("data-model")).isEqualTo("slow-stories");
        assertThat(rows.get(1).getDomAttribute("data-model")).isEqualTo("hostile");
        assertThat(rows.get(0).findElement(By.className("votes")).getText()).isEqualTo("1");
        // one vote rates nobody: no 3000 and -1000, but why not and from when
        for (WebElement row : rows) {
            assertThat(row.findElement(By.className("rating")).getText()).isEqualTo("too few votes: 1 of the 10 needed");
            assertThat(row.getText()).doesNotContain("3000").doesNotContain("-1000");
        }
        assertThat(driver.findElement(By.id("summary")).getText())
                .isEqualTo("1 vote; a rating is shown once its model has 10 votes with at least one win and one loss");
        assertThat(driver.findElements(By.cssSelector("#matrix tbody tr"))).hasSize(2);
        WebElement picture = driver.findElement(By.id("picture"));
        waitUntil(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                "const i = arguments[0]; return i.complete && i.naturalWidth > 0;", picture));
    }
}

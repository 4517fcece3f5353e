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
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;

import jllm.model.LoadedModel;
import jllm.tokenizer.Tokenizer;

/** The chat page in headless Chromium (Debian's chromium and chromedriver), against the in-process server. */
class WebPageTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    /** An answer that would run script or load remote content if the page rendered it as HTML. */
    static final String HOSTILE = "Hi <script>window.pwned=1</script> <img src=x onerror=\"window.pwned=2\"> "
            + "[click me](javascript:window.pwned=3) ![pic](http://127.0.0.1:9/x.png) **bold** `code`";

    static final String SLOW_DESCRIPTION = "Tells tiny stories about Lily, one token every 40 ms.";

    static LoadedModel loaded;
    static OpenAiServer server;
    static WebDriver driver;
    static Path profile;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "skipped: no Chromium at " + CHROMIUM + " with " + CHROMEDRIVER + " (apt-get install chromium chromium-driver; .ci/run does)");
        loaded = TestServers.stories();
        ServedModel stories = ServedModel.of("stories", loaded);
        Tokenizer tok = loaded.tokenizer();
        ServedModel slow = new ServedModel("slow", TestModels.slow(loaded.model(), 40), tok, stories.template(), 0)
                .describedAs(SLOW_DESCRIPTION);
        ServedModel hostile = new ServedModel("hostile", TestModels.scripted(loaded.model(), tok.encode(HOSTILE, false, false),
                tok.vocabulary().eos()), tok, stories.template(), 0);
        server = TestServers.start(ServerOptions.DEFAULTS.withContextLength(256).withParallel(2), stories, slow, hostile);
        profile = Files.createTempDirectory("jllm-chromium");
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1200,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
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
        if (loaded != null) {
            loaded.close();
        }
        if (profile != null) {
            try (Stream<Path> s = Files.walk(profile)) {
                s.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @BeforeEach
    void open() {
        driver.manage().window().setSize(new Dimension(1200, 900));
        driver.get("http://127.0.0.1:" + server.port() + "/");
        waitUntil(d -> d.findElements(By.cssSelector("#model option")).size() == 3);
    }

    private static void waitUntil(java.util.function.Function<WebDriver, Boolean> condition) {
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(condition::apply);
    }

    private static void ask(String model, String text) {
        new Select(driver.findElement(By.id("model"))).selectByValue(model);
        driver.findElement(By.id("settings")).click();
        WebElement temp = driver.findElement(By.id("temperature"));
        temp.clear();
        temp.sendKeys("0");
        WebElement input = driver.findElement(By.id("input"));
        input.sendKeys(text);
        driver.findElement(By.id("send")).click();
    }

    /** Sets the settings panel's max_tokens, opening and closing the panel. */
    private static void setMaxTokens(int n) {
        driver.findElement(By.id("settings")).click();
        WebElement max = driver.findElement(By.id("max_tokens"));
        max.clear();
        max.sendKeys(Integer.toString(n));
        driver.findElement(By.id("settings")).click();
    }

    private static WebElement lastAnswer() {
        List<WebElement> all = driver.findElements(By.cssSelector(".msg.assistant"));
        return all.getLast();
    }

    @Test
    void sendsAMessageStreamsTheAnswerAndShowsTokenProbabilitiesOnHover() {
        ask("stories", "Once upon a time");
        waitUntil(d -> "done".equals(lastAnswer().getDomAttribute("data-state")));
        String shown = lastAnswer().findElement(By.className("body")).getText();
        // the same request through the API gives the same greedy answer
        Http.Reply api = new Http(server.port()).post("/v1/chat/completions", "{\"model\":\"stories\",\"temperature\":0,"
                + "\"max_tokens\":256,\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}]}");
        String expected = api.json().get("choices").get(0).get("message").get("content").asText();
        assertThat(shown.replaceAll("\\s+", " ").strip()).isEqualTo(expected.replaceAll("\\s+", " ").strip());
        List<WebElement> tokens = lastAnswer().findElements(By.cssSelector(".tok"));
        assertThat(tokens).hasSizeGreaterThan(5);
        new Actions(driver).moveToElement(tokens.get(2)).perform();
        WebElement tip = driver.findElement(By.id("tip"));
        waitUntil(d -> tip.isDisplayed());
        assertThat(tip.getText()).contains("p=").contains("%");
        assertThat(driver.findElement(By.id("status")).getText()).contains("tokens/s");
    }

    @Test
    void theEmptyStateSaysWhatTheModelIsAndWhatItCanDo() {
        // stories260K's card: general.name "llama", 292,800 parameters, context 128, no chat template of its own
        waitUntil(d -> !d.findElements(By.id("empty")).isEmpty());
        String card = driver.findElement(By.id("empty")).getText();
        assertThat(card).contains("llama").contains("served as stories").contains("292.8 K parameters")
                .contains("trained context 128 tokens").contains("no chat template")
                .contains("most likely a base model: it continues text rather than answering");
        // another model's card, with the description its server gave it
        new Select(driver.findElement(By.id("model"))).selectByValue("slow");
        waitUntil(d -> d.findElement(By.id("empty")).getText().contains(SLOW_DESCRIPTION));
        assertThat(driver.findElement(By.id("empty")).getText()).startsWith("slow").doesNotContain("base model");
        // the conversation replaces it; a new chat brings it back
        ask("stories", "Lily");
        assertThat(driver.findElements(By.id("empty"))).isEmpty();
        waitUntil(d -> "done".equals(lastAnswer().getDomAttribute("data-state")));
        driver.findElement(By.id("new")).click();
        waitUntil(d -> !d.findElements(By.id("empty")).isEmpty());
        assertThat(driver.findElements(By.cssSelector(".msg"))).isEmpty();
        // the same card for API clients, under meta
        JsonNode meta = new Http(server.port()).get("/v1/models").json().get("data").get(0).get("meta");
        assertThat(meta.get("name").asText()).isEqualTo("llama");
        assertThat(meta.get("architecture").asText()).isEqualTo("llama");
        assertThat(meta.get("parameters").asLong()).isEqualTo(292_800);
        assertThat(meta.get("context_length").asInt()).isEqualTo(128);
        assertThat(meta.get("chat_template").asBoolean()).isFalse();
        assertThat(meta.get("description").isNull()).isTrue();
    }

    @Test
    void theStopButtonStopsAGenerationAndFreesTheSlot() throws InterruptedException {
        setMaxTokens(200);
        ask("slow", "Once upon a time");
        waitUntil(d -> lastAnswer().findElements(By.cssSelector(".tok")).size() >= 3);
        assertThat(server.metrics().render()).contains("jllm_slots_busy{model=\"slow\"} 1");
        driver.findElement(By.id("stop")).click();
        waitUntil(d -> "stopped".equals(lastAnswer().getDomAttribute("data-state")));
        assertThat(lastAnswer().getText()).contains("(stopped)");
        SlotsTest.waitFor(() -> server.metrics().render().contains("jllm_slots_busy{model=\"slow\"} 0"));
        assertThat(driver.findElement(By.id("send")).isDisplayed()).isTrue();
    }

    /** "New chat" during an answer: the cut-off answer stays out of the new chat's first request. */
    @Test
    void aNewChatDuringAnAnswerStartsClean() throws Exception {
        JavascriptExecutor js = (JavascriptExecutor) driver;
        js.executeScript("window.sent = []; const f = window.fetch; window.fetch = (u, o) => {"
                + " if (o && o.body) window.sent.push(o.body); return f(u, o); };");
        setMaxTokens(200);
        ask("slow", "Once upon a time");
        waitUntil(d -> lastAnswer().findElements(By.cssSelector(".tok")).size() >= 3);
        driver.findElement(By.id("new")).click();
        waitUntil(d -> driver.findElement(By.id("send")).isDisplayed());
        driver.findElement(By.id("input")).sendKeys("Lily");
        driver.findElement(By.id("send")).click();
        waitUntil(d -> "done".equals(lastAnswer().getDomAttribute("data-state")));
        String last = (String) js.executeScript("return window.sent[window.sent.length - 1]");
        JsonNode messages = Requests.JSON.readTree(last).get("messages");
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).get("role").asText()).isEqualTo("user");
        assertThat(messages.get(0).get("content").asText()).isEqualTo("Lily");
        assertThat(driver.findElements(By.cssSelector(".msg"))).hasSize(2);
    }

    @Test
    void hostileMarkupInAnAnswerRendersInert() {
        ask("hostile", "Say something nasty");
        waitUntil(d -> "done".equals(lastAnswer().getDomAttribute("data-state")));
        WebElement body = lastAnswer().findElement(By.className("body"));
        String text = body.getText();
        assertThat(text).contains("<script>window.pwned=1</script>").contains("onerror=").contains("javascript:window.pwned=3");
        JavascriptExecutor js = (JavascriptExecutor) driver;
        assertThat(js.executeScript("return typeof window.pwned")).isEqualTo("undefined");
        assertThat(body.findElements(By.cssSelector("script, img, iframe, object, embed, [onerror], a[href^='javascript']"))).isEmpty();
        assertThat(body.findElements(By.tagName("strong"))).extracting(WebElement::getText).containsExactly("bold");
        assertThat(body.findElements(By.tagName("code"))).extracting(WebElement::getText).containsExactly("code");
        // hovering the token spans that hold the markup runs nothing either
        for (WebElement t : body.findElements(By.cssSelector(".tok"))) {
            if (t.getText().contains("<") || t.getText().contains("javascript")) {
                new Actions(driver).moveToElement(t).perform();
            }
        }
        assertThat(js.executeScript("return typeof window.pwned")).isEqualTo("undefined");
    }

    @Test
    void fitsAPhoneSizedWindow() {
        driver.manage().window().setSize(new Dimension(375, 740));
        ask("stories", "Lily");
        waitUntil(d -> "done".equals(lastAnswer().getDomAttribute("data-state")));
        JavascriptExecutor js = (JavascriptExecutor) driver;
        long scrollWidth = (Long) js.executeScript("return document.documentElement.scrollWidth");
        long clientWidth = (Long) js.executeScript("return document.documentElement.clientWidth");
        assertThat(scrollWidth).isLessThanOrEqualTo(clientWidth);
        assertThat(driver.findElement(By.id("input")).isDisplayed()).isTrue();
        assertThat(driver.findElement(By.id("send")).isDisplayed()).isTrue();
    }
}

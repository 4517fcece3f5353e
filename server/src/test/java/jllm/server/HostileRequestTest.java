package jllm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import jllm.model.LoadedModel;

/** Hostile and malformed requests get 4xx OpenAI error objects, never a 500; limits and guards hold. */
class HostileRequestTest {
    static LoadedModel loaded;
    static OpenAiServer server;
    static Http http;

    @BeforeAll
    static void start() {
        loaded = TestServers.stories();
        server = TestServers.start(ServerOptions.DEFAULTS.withContextLength(128).withParallel(1)
                .withReadTimeout(Duration.ofMillis(1500)), ServedModel.of("stories", loaded));
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (loaded != null) {
            loaded.close();
        }
    }

    static void assertError(Http.Reply r, int status, String param) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(c -> assertThat(c).startsWith("application/json"));
        JsonNode e = r.json().get("error");
        assertThat(e).as(r.body()).isNotNull();
        assertThat(e.get("message").asText()).isNotBlank();
        assertThat(e.get("type").asText()).isNotBlank();
        if (param != null) {
            assertThat(e.get("param").asText()).as(r.body()).isEqualTo(param);
        }
    }

    static final String OK_MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    @ParameterizedTest
    @ValueSource(strings = {
            "", "{", "{\"messages\":", "[1,2]", "\"text\"", "null", "{} {}", "{\"a\":1,\"a\":2}",
            "{\"messages\":[]}", "{\"messages\":\"hi\"}", "{\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":5}]}", "{\"messages\":[{\"role\":\"user\"}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]}",
            "{" + OK_MESSAGES + ",\"temperature\":\"hot\"}", "{" + OK_MESSAGES + ",\"temperature\":NaN}",
            "{" + OK_MESSAGES + ",\"temperature\":1e999}", "{" + OK_MESSAGES + ",\"temperature\":-1}",
            "{" + OK_MESSAGES + ",\"top_p\":2}", "{" + OK_MESSAGES + ",\"max_tokens\":\"10\"}",
            "{" + OK_MESSAGES + ",\"max_tokens\":2147483648}", "{" + OK_MESSAGES + ",\"max_tokens\":2147483647}",
            "{" + OK_MESSAGES + ",\"max_tokens\":-1}", "{" + OK_MESSAGES + ",\"max_tokens\":1.5}",
            "{" + OK_MESSAGES + ",\"max_completion_tokens\":99999999999999999999999}",
            "{" + OK_MESSAGES + ",\"stop\":[1,2]}", "{" + OK_MESSAGES + ",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}",
            "{" + OK_MESSAGES + ",\"stream\":\"yes\"}", "{" + OK_MESSAGES + ",\"seed\":1.5}",
            "{" + OK_MESSAGES + ",\"n\":17}", "{" + OK_MESSAGES + ",\"n\":0}", "{" + OK_MESSAGES + ",\"logprobs\":true,\"top_logprobs\":21}",
            "{" + OK_MESSAGES + ",\"top_logprobs\":2}", "{" + OK_MESSAGES + ",\"response_format\":{\"type\":\"json_schema\"}}",
            "{" + OK_MESSAGES + ",\"stream_options\":5}", "{" + OK_MESSAGES + ",\"tools\":[{\"type\":\"function\"}]}",
            "{" + OK_MESSAGES + ",\"model\":7}",
    })
    void malformedChatRequestsAre400(String body) {
        assertError(http.post("/v1/chat/completions", body), 400, null);
    }

    @Test
    void deepNestingIs400() {
        String deep = "{\"messages\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertError(http.post("/v1/chat/completions", deep), 400, null);
    }

    @Test
    void promptLongerThanTheContextIs400() {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "Lily ".repeat(300) + "\"}]}";
        Http.Reply r = http.post("/v1/chat/completions", body);
        assertError(r, 400, "messages");
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("context_length_exceeded");
        // the legacy endpoint names its own field
        Http.Reply c = http.post("/v1/completions", "{\"prompt\":\"" + "Lily ".repeat(300) + "\"}");
        assertError(c, 400, "prompt");
        assertThat(c.json().get("error").get("code").asText()).isEqualTo("context_length_exceeded");
    }

    @Test
    void maxTokensBeyondTheContextIs400() {
        assertError(http.post("/v1/chat/completions", "{" + OK_MESSAGES + ",\"max_tokens\":129}"), 400, "max_tokens");
    }

    @Test
    void unknownModelIs404ModelNotFoundAndNeverAPath() {
        for (String name : List.of("gpt-4", "../../etc/passwd", "/work/shared/testdata/models/stories260K/stories260K-Q8_0.gguf",
                "stories\u0000", "x".repeat(10_000))) {
            Http.Reply r = http.post("/v1/chat/completions", "{\"model\":" + quote(name) + "," + OK_MESSAGES + "}");
            assertError(r, 404, "model");
            assertThat(r.json().get("error").get("code").asText()).isEqualTo("model_not_found");
            assertThat(r.body().length()).isLessThan(1000);
        }
        for (String endpoint : List.of("/v1/completions", "/v1/embeddings")) {
            Http.Reply r = http.post(endpoint, "{\"model\":\"gpt-4\",\"prompt\":\"Lily\",\"input\":\"Lily\"}");
            assertError(r, 404, "model");
            assertThat(r.json().get("error").get("code").asText()).isEqualTo("model_not_found");
        }
        assertThat(http.get("/v1/models/..%2F..%2Fetc%2Fpasswd").status()).isIn(400, 404);
        assertError(http.get("/v1/models/gpt-4"), 404, "model");
    }

    @Test
    void otherEndpointsValidateToo() {
        assertError(http.post("/v1/completions", "{\"prompt\":5}"), 400, "prompt");
        assertError(http.post("/v1/completions", "{\"prompt\":[99999]}"), 400, "prompt");
        assertError(http.post("/v1/embeddings", "{\"input\":{}}"), 400, "input");
        assertError(http.post("/v1/embeddings", "{\"input\":\"x\",\"encoding_format\":\"hex\"}"), 400, "encoding_format");
        assertError(http.post("/v1/nothing", "{}"), 404, null);
        assertError(http.get("/v1/chat/completions"), 405, null);
    }

    @Test
    void oversizedBodiesAndHeadersAreRefused() throws IOException {
        // the declared length alone is refused: the server answers before reading a byte of the body (sending
        // the 5 MiB too raced with the server closing the connection after its answer)
        String bigBody = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + (5 << 20) + "\r\n\r\n";
        assertThat(http.raw(bigBody.getBytes(StandardCharsets.US_ASCII))).startsWith("HTTP/1.1 413");
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "b".repeat(20_000)
                + "\r\nContent-Length: 2\r\n\r\n{}";
        assertThat(http.raw(head.getBytes(StandardCharsets.US_ASCII))).startsWith("HTTP/1.1 431");
    }

    /** Errors that Jetty answers before any route (431, 400 for a /../ path, 414) are OpenAI error objects, not HTML. */
    @Test
    void errorsBeforeAnyRouteAreJsonToo() throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpRequest big = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/models"))
                    .header("X-Big", "b".repeat(20_000)).build();
            HttpResponse<String> r = client.send(big, HttpResponse.BodyHandlers.ofString());
            assertError(new Http.Reply(r.statusCode(), r.body(), r.headers()), 431, null);
            assertThat(r.body()).contains("at most " + ServerOptions.DEFAULTS.maxHeaderBytes() + " bytes");
        }
        for (String path : List.of("/../etc/passwd", "/v1/%2e%2e/%2e%2e/etc/passwd")) {
            String reply = http.raw(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(reply).as(path).startsWith("HTTP/1.1 400").containsIgnoringCase("Content-Type: application/json")
                    .doesNotContainIgnoringCase("<html");
            JsonNode e = Requests.JSON.readTree(reply.substring(reply.indexOf("\r\n\r\n") + 4)).get("error");
            assertThat(e.get("code").asText()).isEqualTo("bad_request");
            assertThat(e.get("message").asText()).contains("/../");
        }
        String longUri = http.raw(("GET /" + "a".repeat(70_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(longUri).startsWith("HTTP/1.1 414").containsIgnoringCase("Content-Type: application/json").contains("\"error\"");
        assertError(http.get("/no-such-page.html"), 404, null);
    }

    @Test
    void foreignOriginsAreRefusedAndNeverEchoed() {
        Http.Reply r = http.post("/v1/chat/completions", "{" + OK_MESSAGES + ",\"max_tokens\":1}", "Origin", "http://evil.example");
        assertError(r, 403, null);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        Http.Reply own = http.post("/v1/chat/completions", "{" + OK_MESSAGES + ",\"max_tokens\":1}",
                "Origin", "http://127.0.0.1:" + server.port());
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void slowSendersAreCutOffWhileHealthStaysFast() throws Exception {
        try (Socket header = new Socket("127.0.0.1", server.port()); Socket body = new Socket("127.0.0.1", server.port())) {
            OutputStream ho = header.getOutputStream();
            OutputStream bo = body.getOutputStream();
            bo.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            long t0 = System.nanoTime();
            boolean headerCut = false;
            boolean bodyCut = false;
            // one byte every 200 ms on each socket: never idle, never done
            for (int i = 0; i < 40 && !(headerCut && bodyCut); i++) {
                headerCut = headerCut || !trickle(ho, (byte) "POST /v1/chat/completions HTTP/1.1\r\nX".charAt(i % 36));
                bodyCut = bodyCut || !trickle(bo, (byte) ' ');
                long h0 = System.nanoTime();
                assertThat(http.get("/health").status()).isEqualTo(200);
                assertThat((System.nanoTime() - h0) / 1e6).as("/health ms").isLessThan(500);
                Thread.sleep(200);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(headerCut).as("header trickle cut off").isTrue();
            assertThat(bodyCut).as("body trickle cut off").isTrue();
            assertThat(seconds).isLessThan(6);
            InputStream in = body.getInputStream();
            body.setSoTimeout(2000);
            String reply = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(reply).isIn("HTTP/1.1 408", "");
        }
    }

    private static boolean trickle(OutputStream out, byte b) {
        try {
            out.write(b);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void nonLoopbackBindsNeedAKeyAndKeysAreChecked() {
        assertThatThrownBy(() -> ServerOptions.DEFAULTS.withHost("0.0.0.0")).hasMessageContaining("--api-key");
        try (OpenAiServer keyed = TestServers.start(ServerOptions.DEFAULTS.withApiKey("s3cret").withContextLength(64),
                ServedModel.of("stories", loaded))) {
            Http h = new Http(keyed.port());
            assertError(h.get("/v1/models"), 401, null);
            assertError(h.get("/v1/models", "Authorization", "Bearer wrong"), 401, null);
            assertThat(h.get("/v1/models", "Authorization", "Bearer s3cret").status()).isEqualTo(200);
            assertError(h.get("/metrics"), 401, null);
            assertThat(h.get("/health").status()).isEqualTo(200);
        }
    }

    private static String quote(String s) {
        try {
            return Requests.JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

}

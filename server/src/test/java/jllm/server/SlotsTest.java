package jllm.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import jllm.model.LoadedModel;

/** Slots, the bounded queue, cancellation by disconnecting, prefix reuse, and concurrent = sequential. */
class SlotsTest {
    static LoadedModel loaded;

    @BeforeAll
    static void load() {
        loaded = TestServers.stories();
    }

    @AfterAll
    static void close() {
        if (loaded != null) {
            loaded.close();
        }
    }

    static String chat(String user, int maxTokens, boolean stream) {
        return "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + user + "\"}],\"temperature\":0,"
                + "\"max_tokens\":" + maxTokens + ",\"stream\":" + stream + "}";
    }

    @Test
    void aFullQueueIs503AndADisconnectFreesTheSlotAtOnce() throws Exception {
        ServedModel slow = new ServedModel("m", TestModels.slow(loaded.model(), 40), loaded.tokenizer(),
                ServedModel.of("m", loaded).template(), 0);
        try (OpenAiServer server = TestServers.start(ServerOptions.DEFAULTS.withContextLength(256).withParallel(1)
                .withQueueCapacity(1), slow)) {
            Http http = new Http(server.port());
            try (Socket a = new Socket("127.0.0.1", server.port())) {
                byte[] body = chat("Once upon a time", 200, true).getBytes(StandardCharsets.UTF_8);
                a.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                a.getOutputStream().write(body);
                a.getOutputStream().flush();
                readUntil(a.getInputStream(), "data: ");
                // A generates; B waits in the queue; C finds the queue full
                CompletableFuture<Http.Reply> b = CompletableFuture.supplyAsync(() -> http.post("/v1/chat/completions", chat("Lily", 3, false)));
                waitFor(() -> server.metrics().render().contains("jllm_queue_depth{model=\"m\"} 1"));
                Http.Reply c = http.post("/v1/chat/completions", chat("Tom", 3, false));
                HostileRequestTest.assertError(c, 503, null);
                assertThat(c.headers().firstValue("Retry-After")).contains("1");
                long t0 = System.nanoTime();
                a.close();
                Http.Reply rb = b.get(10, TimeUnit.SECONDS);
                double ms = (System.nanoTime() - t0) / 1e6;
                assertThat(rb.status()).isEqualTo(200);
                // A had ~190 tokens (~8 s) left; B needs a prefill and 3 steps
                assertThat(ms).as("ms from A's disconnect to B's answer").isLessThan(2000);
            }
            waitFor(() -> server.metrics().render().contains("jllm_slots_busy{model=\"m\"} 0"));
        }
    }

    @Test
    void followUpTurnsReuseTheCachedPrefix() {
        try (OpenAiServer server = TestServers.start(ServerOptions.DEFAULTS.withContextLength(256).withParallel(2),
                ServedModel.of("m", loaded))) {
            Http http = new Http(server.port());
            JsonNode first = http.post("/v1/chat/completions", chat("Once upon a time", 12, false)).json();
            String answer = first.get("choices").get(0).get("message").get("content").asText();
            int firstPrompt = first.get("usage").get("prompt_tokens").asInt();
            String second = "{\"model\":\"m\",\"temperature\":0,\"max_tokens\":8,\"messages\":["
                    + "{\"role\":\"user\",\"content\":\"Once upon a time\"},"
                    + "{\"role\":\"assistant\",\"content\":" + Requests.JSON.valueToTree(answer) + "},"
                    + "{\"role\":\"user\",\"content\":\"And then?\"}]}";
            JsonNode r = http.post("/v1/chat/completions", second).json();
            int cached = r.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt();
            assertThat(cached).isGreaterThanOrEqualTo(firstPrompt).isLessThan(r.get("usage").get("prompt_tokens").asInt());
        }
    }

    @Test
    void concurrentGreedyStreamsEqualSequentialOnes() throws Exception {
        List<String> prompts = List.of("Once upon a time", "Lily had a dog", "Tom went to the park", "The sun");
        try (OpenAiServer server = TestServers.start(ServerOptions.DEFAULTS.withContextLength(256).withParallel(4),
                ServedModel.of("m", loaded))) {
            Http http = new Http(server.port());
            List<String> sequential = new ArrayList<>();
            for (String p : prompts) {
                sequential.add(http.post("/v1/chat/completions", chat(p, 40, false)).json()
                        .get("choices").get(0).get("message").get("content").asText());
            }
            List<CompletableFuture<String>> concurrent = new ArrayList<>();
            for (String p : prompts) {
                concurrent.add(CompletableFuture.supplyAsync(() -> http.post("/v1/chat/completions", chat(p, 40, false)).json()
                        .get("choices").get(0).get("message").get("content").asText()));
            }
            for (int i = 0; i < prompts.size(); i++) {
                assertThat(concurrent.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(sequential.get(i));
            }
        }
    }

    static void readUntil(InputStream in, String marker) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().contains(marker)) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before " + marker + ": " + sb);
            }
            sb.append((char) b);
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}

package jllm.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import jllm.model.LoadedModel;

/**
 * A Mamba model served: its recurrent state takes the KV cache's place in the slots, so chat
 * completions, follow-up turns that reuse the state, and concurrent streams batched in one forward call
 * work as for a transformer.
 */
class MambaServeTest {
    static LoadedModel loaded;

    @BeforeAll
    static void load() {
        loaded = TestServers.mamba();
    }

    @AfterAll
    static void close() {
        if (loaded != null) {
            loaded.close();
        }
    }

    private static JsonNode complete(Http http, String messages, int maxTokens) {
        Http.Reply r = http.post("/v1/chat/completions", "{\"model\":\"m\",\"temperature\":0,\"max_tokens\":" + maxTokens
                + ",\"messages\":[" + messages + "]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static String user(String text) {
        return "{\"role\":\"user\",\"content\":" + Requests.JSON.valueToTree(text) + "}";
    }

    private static String content(JsonNode reply) {
        return reply.get("choices").get(0).get("message").get("content").asText();
    }

    @Test
    void aFollowUpTurnReusesTheStateAndAnswersAsAFreshSlot() {
        String first = user("Once upon a time");
        String followUp;
        String reusedAnswer;
        try (OpenAiServer server = TestServers.start(ServerOptions.DEFAULTS.withContextLength(256).withParallel(1),
                ServedModel.of("m", loaded))) {
            Http http = new Http(server.port());
            JsonNode r1 = complete(http, first, 12);
            assertThat(r1.get("usage").get("completion_tokens").asInt()).isPositive();
            int firstPrompt = r1.get("usage").get("prompt_tokens").asInt();
            followUp = first + ",{\"role\":\"assistant\",\"content\":" + Requests.JSON.valueToTree(content(r1)) + "}," + user("And then?");
            JsonNode r2 = complete(http, followUp, 8);
            int cached = r2.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt();
            assertThat(cached).isGreaterThanOrEqualTo(firstPrompt).isLessThan(r2.get("usage").get("prompt_tokens").asInt());
            reusedAnswer = content(r2);
        }
        // the same conversation on a new server, evaluated from the empty state
        try (OpenAiServer server = TestServers.start(ServerOptions.DEFAULTS.withContextLength(256).withParallel(1),
                ServedModel.of("m", loaded))) {
            JsonNode fresh = complete(new Http(server.port()), followUp, 8);
            assertThat(fresh.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt()).isZero();
            assertThat(content(fresh)).isEqualTo(reusedAnswer);
        }
    }

    @Test
    void concurrentGreedyStreamsEqualSequentialOnes() throws Exception {
        List<String> prompts = List.of("Once upon a time", "Lily had a dog", "Tom went to the park");
        try (OpenAiServer server = TestServers.start(ServerOptions.DEFAULTS.withContextLength(256).withParallel(3),
                ServedModel.of("m", loaded))) {
            Http http = new Http(server.port());
            List<String> sequential = new ArrayList<>();
            for (String p : prompts) {
                sequential.add(content(complete(http, user(p), 16)));
            }
            List<CompletableFuture<String>> concurrent = new ArrayList<>();
            for (String p : prompts) {
                concurrent.add(CompletableFuture.supplyAsync(() -> content(complete(http, user(p), 16))));
            }
            for (int i = 0; i < prompts.size(); i++) {
                assertThat(concurrent.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(sequential.get(i));
            }
        }
    }
}

package jllm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;

import jllm.chat.ChatMessage;
import jllm.generate.Generator;
import jllm.generate.SamplerSettings;
import jllm.generate.Session;
import jllm.model.LoadedModel;

/**
 * The {@code n} parameter: n choices per request, each an independent sample of the same prompt with
 * the request's seed plus its index, through the official OpenAI Java SDK and plain HTTP.
 */
class ChoicesTest {
    static final int CONTEXT = 1024;
    static LoadedModel loaded;
    static ServedModel stories;
    static OpenAiServer server;
    static OpenAIClient client;
    static Http http;

    @BeforeAll
    static void start() {
        loaded = TestServers.stories();
        stories = ServedModel.of("stories260K", loaded);
        server = TestServers.start(ServerOptions.DEFAULTS.withContextLength(CONTEXT).withParallel(3), stories);
        client = OpenAIOkHttpClient.builder().baseUrl(server.baseUri().toString()).apiKey("not-needed").maxRetries(0).build();
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (loaded != null) {
            loaded.close();
        }
    }

    private static ChatCompletionCreateParams.Builder ask(String user, double temperature, long seed, long n, long maxTokens) {
        return ChatCompletionCreateParams.builder().model("stories260K").addUserMessage(user).temperature(temperature)
                .seed(seed).n(n).maxCompletionTokens(maxTokens);
    }

    /** What the engine alone generates from {@code tokens} with the server's sampler and {@code seed}. */
    private static Generator.Result direct(int[] tokens, double temperature, long seed, int maxTokens) {
        SamplerSettings s = new SamplerSettings((float) temperature, 0, 1f, 0f, 1f, 64, 0f, 0f, seed);
        return Generator.generate(Session.of(stories.model(), CONTEXT), stories.tokenizer(), tokens,
                new Generator.Options(maxTokens, s, List.of(), false), step -> { }, () -> false);
    }

    private static int[] chatTokens(String user) {
        return stories.prompt().tokens(List.of(ChatMessage.user(user)));
    }

    @Test
    void eachChoiceIsTheEngineSampleWithTheSeedPlusItsIndex() {
        ChatCompletion c = client.chat().completions().create(ask("Once upon a time", 1.0, 41, 3, 24).build());
        assertThat(c.choices()).extracting(ChatCompletion.Choice::index).containsExactly(0L, 1L, 2L);
        long completion = 0;
        Set<String> texts = new HashSet<>();
        for (ChatCompletion.Choice ch : c.choices()) {
            Generator.Result expected = direct(chatTokens("Once upon a time"), 1.0, 41 + ch.index(), 24);
            assertThat(ch.message().content().orElseThrow()).as("choice %d", ch.index()).isEqualTo(expected.text());
            assertThat(ch.finishReason().asString())
                    .isEqualTo(expected.finishReason() == Generator.FinishReason.LENGTH ? "length" : "stop");
            completion += expected.tokens().length;
            texts.add(expected.text());
        }
        assertThat(texts).as("three seeds sample three different stories").hasSize(3);
        // the prompt is counted once, the completions summed
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(chatTokens("Once upon a time").length);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(completion);
        assertThat(c.usage().orElseThrow().totalTokens()).isEqualTo(chatTokens("Once upon a time").length + completion);
    }

    @Test
    void seededRequestsRepeatAndChoiceZeroIsTheSingleAnswer() {
        ChatCompletionCreateParams p = ask("Tom", 1.0, 7, 4, 16).build();
        List<String> a = contents(client.chat().completions().create(p));
        List<String> b = contents(client.chat().completions().create(p));
        assertThat(a).hasSize(4).isEqualTo(b);
        String single = contents(client.chat().completions().create(ask("Tom", 1.0, 7, 1, 16).build())).getFirst();
        assertThat(a.getFirst()).isEqualTo(single);
    }

    @Test
    void greedyChoicesAreAllTheGreedyText() {
        ChatCompletion c = client.chat().completions().create(ask("Lily had a dog", 0.0, 3, 4, 20).build());
        String greedy = direct(chatTokens("Lily had a dog"), 0.0, 0, 20).text();
        assertThat(greedy).isNotBlank();
        assertThat(contents(c)).containsExactly(greedy, greedy, greedy, greedy);
    }

    @Test
    void streamedDeltasReassemblePerIndex() {
        ChatCompletionCreateParams p = ask("Once upon a time", 1.0, 5, 3, 20)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        ChatCompletion whole = client.chat().completions().create(p.toBuilder().streamOptions(java.util.Optional.empty()).build());
        Map<Long, StringBuilder> text = new TreeMap<>();
        Map<Long, List<String>> finish = new TreeMap<>();
        List<String> order = new ArrayList<>(); // "finish" and "usage", in the order they came
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(p)) {
            s.stream().forEach(chunk -> {
                assertThat(order).as("nothing after the usage chunk").doesNotContain("usage");
                chunk.choices().forEach(ch -> {
                    ch.delta().content().ifPresent(t -> text.computeIfAbsent(ch.index(), k -> new StringBuilder()).append(t));
                    ch.finishReason().ifPresent(f -> {
                        finish.computeIfAbsent(ch.index(), k -> new ArrayList<>()).add(f.asString());
                        order.add("finish");
                    });
                });
                chunk.usage().ifPresent(u -> {
                    assertThat(chunk.choices()).isEmpty();
                    assertThat(u.completionTokens()).isEqualTo(whole.usage().orElseThrow().completionTokens());
                    order.add("usage");
                });
            });
        }
        assertThat(text.keySet()).containsExactly(0L, 1L, 2L);
        for (ChatCompletion.Choice ch : whole.choices()) {
            assertThat(text.get(ch.index()).toString()).isEqualTo(ch.message().content().orElseThrow());
            assertThat(finish.get(ch.index())).containsExactly(ch.finishReason().asString());
        }
        assertThat(order).containsExactly("finish", "finish", "finish", "usage");
    }

    @Test
    void textCompletionsGiveNChoices() {
        int[] prompt = stories.tokenizer().encode("Once upon a time");
        Completion c = client.completions().create(CompletionCreateParams.builder().model("stories260K")
                .prompt("Once upon a time").maxTokens(16).temperature(0.8).seed(99).n(2).bestOf(2).logprobs(1).build());
        assertThat(c.choices()).extracting(CompletionChoice::index).containsExactly(0L, 1L);
        for (CompletionChoice ch : c.choices()) {
            Generator.Result expected = direct(prompt, 0.8, 99 + ch.index(), 16);
            assertThat(ch.text()).isEqualTo(expected.text());
            assertThat(ch.logprobs().orElseThrow().tokens().orElseThrow()).hasSize(expected.tokens().length);
        }
        Map<Long, StringBuilder> streamed = new TreeMap<>();
        try (StreamResponse<Completion> s = client.completions().createStreaming(CompletionCreateParams.builder()
                .model("stories260K").prompt("Once upon a time").maxTokens(16).temperature(0.8).seed(99).n(2).build())) {
            s.stream().forEach(chunk -> chunk.choices().forEach(ch ->
                    streamed.computeIfAbsent(ch.index(), k -> new StringBuilder()).append(ch.text())));
        }
        assertThat(streamed.keySet()).containsExactly(0L, 1L);
        assertThat(streamed.get(0L).toString()).isEqualTo(c.choices().get(0).text());
        assertThat(streamed.get(1L).toString()).isEqualTo(c.choices().get(1).text());
        assertThatThrownBy(() -> client.completions().create(CompletionCreateParams.builder().model("stories260K")
                .prompt("Once").maxTokens(4).n(2).bestOf(3).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).contains("best_of"));
    }

    @Test
    void nOutsideOneToSixteenIs400NamingN() {
        for (String n : List.of("0", "17", "-1", "1.5", "\"2\"")) {
            for (String body : List.of("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":" + n + "}",
                    "{\"prompt\":\"hi\",\"n\":" + n + "}")) {
                String endpoint = body.contains("messages") ? "/v1/chat/completions" : "/v1/completions";
                Http.Reply r = http.post(endpoint, body);
                HostileRequestTest.assertError(r, 400, "n");
                assertThat(r.json().get("error").get("message").asText()).contains("[1, 16]");
            }
        }
        assertThat(http.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":16,"
                + "\"max_tokens\":2}").json().get("choices")).hasSize(16);
    }

    @Test
    void eachChoiceCallsToolsThroughItsOwnParser() {
        String tools = "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":10},\"days\":{\"type\":\"integer\",\"minimum\":1,"
                + "\"maximum\":7}},\"required\":[\"city\",\"days\"],\"additionalProperties\":false}}}]";
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}],\"tools\":" + tools
                + ",\"tool_choice\":\"required\",\"parallel_tool_calls\":false,\"temperature\":1.0,\"seed\":3,\"n\":3,"
                + "\"max_tokens\":300";
        JsonNode whole = http.post("/v1/chat/completions", body + "}").json();
        JsonNode choices = whole.get("choices");
        assertThat(choices).as(whole.toString()).hasSize(3);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            JsonNode ch = choices.get(i);
            assertThat(ch.get("index").asInt()).isEqualTo(i);
            assertThat(ch.get("finish_reason").asText()).as(ch.toString()).isEqualTo("tool_calls");
            JsonNode call = ch.get("message").get("tool_calls").get(0);
            assertThat(call.get("function").get("name").asText()).isEqualTo("get_weather");
            JsonNode a = json(call.get("function").get("arguments").asText());
            assertThat(a.get("days").asInt()).isBetween(1, 7);
            ids.add(call.get("id").asText());
        }
        assertThat(ids).as("every call has its own id").hasSize(3);
        // streamed: each index reassembles to its whole call
        Map<Integer, StringBuilder> streamedArgs = new TreeMap<>();
        Map<Integer, String> streamedFinish = new TreeMap<>();
        for (JsonNode chunk : sse(http.stream("/v1/chat/completions", body + ",\"stream\":true}"))) {
            for (JsonNode ch : chunk.get("choices")) {
                int index = ch.get("index").asInt();
                JsonNode calls = ch.path("delta").path("tool_calls");
                for (JsonNode c : calls) {
                    streamedArgs.computeIfAbsent(index, k -> new StringBuilder()).append(c.path("function").path("arguments").asText());
                }
                if (!ch.get("finish_reason").isNull()) {
                    assertThat(streamedFinish.put(index, ch.get("finish_reason").asText())).isNull();
                }
            }
        }
        for (int i = 0; i < 3; i++) {
            assertThat(streamedArgs.get(i).toString()).isEqualTo(choices.get(i).get("message").get("tool_calls").get(0)
                    .get("function").get("arguments").asText());
            assertThat(streamedFinish.get(i)).isEqualTo("tool_calls");
        }
    }

    @Test
    void aDisconnectStopsAllChoices() throws Exception {
        // a model that never ends by itself (always one ordinary token) and takes 50 ms per forward call:
        // without cancellation the three choices would hold their slots for 200 turns, 10 s
        int word = stories.tokenizer().encode("Lily", false, false)[0];
        ServedModel slow = new ServedModel("slow", TestModels.slow(TestModels.scripted(loaded.model(), new int[0], word), 50),
                loaded.tokenizer(), stories.template(), 0);
        try (OpenAiServer s = TestServers.start(ServerOptions.DEFAULTS.withContextLength(256).withParallel(4), slow)) {
            Engine engine = s.engine("slow").orElseThrow();
            try (Socket socket = new Socket("127.0.0.1", s.port())) {
                byte[] body = ("{\"messages\":[{\"role\":\"user\",\"content\":\"Once\"}],\"n\":3,\"max_tokens\":200,"
                        + "\"stream\":true}").getBytes(StandardCharsets.UTF_8);
                socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                        + "application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().write(body);
                socket.getOutputStream().flush();
                SlotsTest.readUntil(socket.getInputStream(), "data: ");
                SlotsTest.waitFor(() -> engine.busy() == 3);
            }
            long t0 = System.nanoTime();
            SlotsTest.waitFor(() -> engine.busy() == 0);
            assertThat((System.nanoTime() - t0) / 1e6).as("ms until all three slots are free").isLessThan(5000);
        }
    }

    private static List<String> contents(ChatCompletion c) {
        return c.choices().stream().map(ch -> ch.message().content().orElseThrow()).toList();
    }

    private static JsonNode json(String s) {
        try {
            return Requests.JSON.readTree(s);
        } catch (java.io.IOException e) {
            throw new AssertionError(s, e);
        }
    }

    /** The JSON events of a server-sent event stream, up to {@code [DONE]}. */
    private static List<JsonNode> sse(InputStream in) {
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.equals("data: [DONE]")) {
                    return events;
                }
                if (line.startsWith("data: ")) {
                    events.add(json(line.substring(6)));
                }
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the stream ended without [DONE]");
    }
}

package jllm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.models.Model;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;

import jllm.chat.ChatMessage;
import jllm.generate.Generator;
import jllm.generate.SamplerSettings;
import jllm.generate.Session;
import jllm.model.Embeddings;
import jllm.model.LoadedModel;

/** The official OpenAI Java SDK, changed only in its base URL, against the in-process server. */
class OpenAiSdkTest {
    static LoadedModel loaded;
    static ServedModel stories;
    static OpenAiServer server;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        loaded = TestServers.stories();
        stories = ServedModel.of("stories260K", loaded);
        server = TestServers.start(ServerOptions.DEFAULTS.withContextLength(256).withParallel(2), stories);
        client = OpenAIOkHttpClient.builder().baseUrl(server.baseUri().toString()).apiKey("not-needed").maxRetries(0).build();
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

    private static ChatCompletionCreateParams.Builder greedy(String user, long maxTokens) {
        return ChatCompletionCreateParams.builder().model("stories260K").addSystemMessage("You tell stories.")
                .addUserMessage(user).temperature(0.0).maxCompletionTokens(maxTokens);
    }

    /** What the engine alone generates for the same conversation: the server must answer exactly this. */
    private static Generator.Result direct(String user, int maxTokens) {
        int[] tokens = stories.prompt().tokens(List.of(ChatMessage.system("You tell stories."), ChatMessage.user(user)));
        return Generator.generate(Session.of(stories.model(), 256), stories.tokenizer(), tokens,
                new Generator.Options(maxTokens, SamplerSettings.GREEDY, List.of(), false), s -> { }, () -> false);
    }

    @Test
    void chatCompletionEqualsTheEngineGreedyText() {
        ChatCompletion c = client.chat().completions().create(greedy("Once upon a time", 24).build());
        Generator.Result expected = direct("Once upon a time", 24);
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().getFirst().message().content()).contains(expected.text());
        assertThat(expected.text()).isNotBlank();
        assertThat(c.choices().getFirst().finishReason().asString())
                .isEqualTo(expected.finishReason() == Generator.FinishReason.LENGTH ? "length" : "stop");
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(expected.promptTokens());
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(expected.tokens().length);
        assertThat(c.usage().orElseThrow().totalTokens()).isEqualTo(expected.promptTokens() + expected.tokens().length);
        assertThat(c.model()).isEqualTo("stories260K");
    }

    @Test
    void streamingGivesTheSameTextAndUsage() {
        ChatCompletion whole = client.chat().completions().create(greedy("Lily had a dog", 20).build());
        StringBuilder text = new StringBuilder();
        List<String> finish = new ArrayList<>();
        List<Long> usage = new ArrayList<>();
        ChatCompletionCreateParams p = greedy("Lily had a dog", 20)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(p)) {
            s.stream().forEach(chunk -> {
                chunk.choices().forEach(ch -> {
                    ch.delta().content().ifPresent(text::append);
                    ch.finishReason().ifPresent(f -> finish.add(f.asString()));
                });
                chunk.usage().ifPresent(u -> usage.add(u.completionTokens()));
            });
        }
        assertThat(text.toString()).isEqualTo(whole.choices().getFirst().message().content().orElseThrow());
        assertThat(finish).containsExactly(whole.choices().getFirst().finishReason().asString());
        assertThat(usage).containsExactly(whole.usage().orElseThrow().completionTokens());
    }

    @Test
    void stopStringsEndTheAnswerBeforeTheStop() {
        String full = client.chat().completions().create(greedy("Once upon a time", 40).build())
                .choices().getFirst().message().content().orElseThrow();
        String stopAt = full.substring(full.length() / 2, full.length() / 2 + 3);
        ChatCompletion c = client.chat().completions().create(greedy("Once upon a time", 40).stop(stopAt).build());
        assertThat(c.choices().getFirst().message().content().orElseThrow()).isEqualTo(full.substring(0, full.indexOf(stopAt)));
        assertThat(c.choices().getFirst().finishReason().asString()).isEqualTo("stop");
    }

    @Test
    void seededSamplingRepeats() {
        ChatCompletionCreateParams p = ChatCompletionCreateParams.builder().model("stories260K").addUserMessage("Tom")
                .temperature(1.0).topP(0.9).seed(7).maxCompletionTokens(16).build();
        String a = client.chat().completions().create(p).choices().getFirst().message().content().orElseThrow();
        String b = client.chat().completions().create(p).choices().getFirst().message().content().orElseThrow();
        assertThat(a).isEqualTo(b);
    }

    @Test
    void modelsAreListed() {
        List<Model> models = client.models().list().data();
        assertThat(models).extracting(Model::id).containsExactly("stories260K");
        assertThat(client.models().retrieve("stories260K").id()).isEqualTo("stories260K");
    }

    @Test
    void errorsAreOpenAiErrors() {
        assertThatThrownBy(() -> client.chat().completions().create(greedy("x", 4).model("no-such-model").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.code()).contains("model_not_found");
                    assertThat(e.param()).contains("model");
                });
        assertThatThrownBy(() -> client.chat().completions().create(greedy("x", 1L << 31).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).contains("max_completion_tokens"));
        assertThatThrownBy(() -> client.chat().completions().create(greedy("word ".repeat(400), 4).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.code()).contains("context_length_exceeded"));
    }

    @Test
    void logprobsAreTheModelsAndStreamTheSame() {
        ChatCompletionCreateParams p = greedy("Once upon a time", 12).logprobs(true).topLogprobs(3).build();
        ChatCompletion c = client.chat().completions().create(p);
        List<ChatCompletionTokenLogprob> content = c.choices().getFirst().logprobs().orElseThrow().content().orElseThrow();
        assertThat(content).hasSize((int) c.usage().orElseThrow().completionTokens());
        StringBuilder joined = new StringBuilder();
        for (ChatCompletionTokenLogprob t : content) {
            assertThat(t.topLogprobs()).hasSize(3);
            // greedy: the chosen token is the most likely one
            assertThat(t.logprob()).isEqualTo(t.topLogprobs().getFirst().logprob());
            assertThat(t.topLogprobs().get(0).logprob()).isGreaterThanOrEqualTo(t.topLogprobs().get(1).logprob());
            assertThat(t.logprob()).isLessThanOrEqualTo(0.0);
            joined.append(t.token());
        }
        assertThat(joined.toString()).isEqualTo(c.choices().getFirst().message().content().orElseThrow());
        List<ChatCompletionTokenLogprob> streamed = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(p)) {
            s.stream().forEach(chunk -> chunk.choices().forEach(ch -> ch.logprobs()
                    .flatMap(ChatCompletionChunk.Choice.Logprobs::content).ifPresent(streamed::addAll)));
        }
        assertThat(streamed).extracting(ChatCompletionTokenLogprob::token).isEqualTo(content.stream().map(ChatCompletionTokenLogprob::token).toList());
        assertThat(streamed).extracting(ChatCompletionTokenLogprob::logprob).isEqualTo(content.stream().map(ChatCompletionTokenLogprob::logprob).toList());
    }

    @Test
    void textCompletionsContinueThePrompt() {
        Completion c = client.completions().create(CompletionCreateParams.builder().model("stories260K")
                .prompt("Once upon a time").maxTokens(20).temperature(0.0).logprobs(2).build());
        int[] prompt = stories.tokenizer().encode("Once upon a time");
        Generator.Result expected = Generator.generate(Session.of(stories.model(), 256), stories.tokenizer(), prompt,
                new Generator.Options(20, SamplerSettings.GREEDY, List.of(), false), s -> { }, () -> false);
        assertThat(c.choices().getFirst().text()).isEqualTo(expected.text());
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(prompt.length);
        assertThat(c.choices().getFirst().logprobs().orElseThrow().tokens().orElseThrow()).hasSize(expected.tokens().length);
        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<Completion> s = client.completions().createStreaming(CompletionCreateParams.builder()
                .model("stories260K").prompt("Once upon a time").maxTokens(20).temperature(0.0).build())) {
            s.stream().forEach(chunk -> chunk.choices().forEach(ch -> streamed.append(ch.text())));
        }
        assertThat(streamed.toString()).isEqualTo(expected.text());
    }

    @Test
    void embeddingsArePooledNormalizedHiddenStates() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model("stories260K")
                .inputOfArrayOfStrings(List.of("Lily likes cats", "Lily likes cats", "The big red truck")).build());
        assertThat(r.data()).hasSize(3);
        List<Float> a = r.data().get(0).embedding();
        List<Float> b = r.data().get(1).embedding();
        List<Float> c = r.data().get(2).embedding();
        assertThat(a).hasSize(stories.model().info().dim()).isEqualTo(b);
        assertThat(dot(a, a)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(dot(a, c)).isLessThan(0.9999);
        assertThat(r.usage().promptTokens()).isEqualTo((long) stories.tokenizer().encode("Lily likes cats").length * 2
                + stories.tokenizer().encode("The big red truck").length);
        // the same vector as the engine's own pooling
        float[] direct = Embeddings.pooled(stories.model(), stories.tokenizer().encode("Lily likes cats"));
        for (int i = 0; i < direct.length; i++) {
            assertThat(a.get(i)).isEqualTo(direct[i]);
        }
    }

    @Test
    void metricsCountRequestsAndTokens() {
        client.chat().completions().create(greedy("Tom", 5).build());
        String m = new Http(server.port()).get("/metrics").body();
        assertThat(m).contains("jllm_requests_total{endpoint=\"/v1/chat/completions\",status=\"200\"}")
                .contains("jllm_completion_tokens_total").contains("jllm_tokens_per_second")
                .contains("jllm_queue_depth{model=\"stories260K\"} 0").contains("jllm_slots_busy{model=\"stories260K\"}");
        assertThat(m.lines().filter(l -> l.startsWith("jllm_completion_tokens_total ")).findFirst().orElseThrow())
                .isNotEqualTo("jllm_completion_tokens_total 0");
    }

    private static double dot(List<Float> x, List<Float> y) {
        double s = 0;
        for (int i = 0; i < x.size(); i++) {
            s += x.get(i) * (double) y.get(i);
        }
        return s;
    }

    @Test
    void jsonObjectResponsesAreJsonObjects() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("stories260K")
                    .addUserMessage("Answer in JSON").temperature(1.0).seed(seed).maxCompletionTokens(200)
                    .responseFormat(com.openai.models.ResponseFormatJsonObject.builder().build()).build());
            String text = c.choices().getFirst().message().content().orElseThrow();
            assertThat(new jllm.generate.JsonPrefix().accept(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))).as(text).isTrue();
            if (c.choices().getFirst().finishReason().asString().equals("stop")) {
                assertThat(Requests.JSON.readTree(text).isObject()).as(text).isTrue();
            }
        }
    }

    /** The schema of the structured-output test: a bounded name and an age. */
    private static final String PERSON = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":12},"
            + "\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":120}},\"required\":[\"name\",\"age\"],"
            + "\"additionalProperties\":false}";

    /**
     * Structured outputs as the OpenAI SDK sends them ({@code response_format: json_schema}): every answer
     * that ends is an instance of the schema (checked with the schema validator), even from a tiny story
     * model sampling at temperature 1; a schema with a keyword the compiler does not support is a 400
     * naming it.
     */
    @Test
    void jsonSchemaResponsesAreInstancesOfTheSchema() throws Exception {
        com.openai.models.ResponseFormatJsonSchema.JsonSchema.Schema.Builder schema =
                com.openai.models.ResponseFormatJsonSchema.JsonSchema.Schema.builder();
        Requests.JSON.readTree(PERSON).properties().forEach(e -> schema.putAdditionalProperty(e.getKey(),
                com.openai.core.JsonValue.from(Requests.JSON.convertValue(e.getValue(), Object.class))));
        com.openai.models.ResponseFormatJsonSchema format = com.openai.models.ResponseFormatJsonSchema.builder()
                .jsonSchema(com.openai.models.ResponseFormatJsonSchema.JsonSchema.builder().name("person")
                        .schema(schema.build()).strict(true).build()).build();
        jllm.generate.schema.SchemaValidator validator = jllm.generate.schema.SchemaValidator.of(
                jllm.format.json.Json.parse(PERSON, "person schema"));
        int ended = 0;
        for (long seed = 1; seed <= 3; seed++) {
            ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("stories260K")
                    .addUserMessage("Who is Lily?").temperature(1.0).seed(seed).maxCompletionTokens(200)
                    .responseFormat(format).build());
            String text = c.choices().getFirst().message().content().orElseThrow();
            if (c.choices().getFirst().finishReason().asString().equals("stop")) {
                ended++;
                assertThat(validator.validate(jllm.format.json.Json.parse(text, "answer"))).as(text).isTrue();
            }
        }
        assertThat(ended).as("answers that ended within 200 tokens").isPositive();
        String unsupported = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"response_format\":{\"type\":"
                + "\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{\"type\":\"array\",\"uniqueItems\":true,"
                + "\"items\":{\"type\":\"string\"}}}}}";
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                server.baseUri().resolve("/v1/chat/completions")).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(unsupported)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Requests.JSON.readTree(r.body()).get("error").get("param").asText()).isEqualTo("response_format");
        assertThat(r.body()).contains("uniqueItems");
    }
}

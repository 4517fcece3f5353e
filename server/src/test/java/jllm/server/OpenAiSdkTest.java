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

import jllm.chat.ChatMessage;
import jllm.generate.Generator;
import jllm.generate.SamplerSettings;
import jllm.generate.Session;
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
        String prompt = stories.template().render(List.of(ChatMessage.system("You tell stories."), ChatMessage.user(user)),
                true, stories.bosText(), stories.eosText());
        int[] tokens = stories.tokenizer().encode(prompt, !prompt.startsWith(stories.bosText()), true);
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
                });
        assertThatThrownBy(() -> client.chat().completions().create(greedy("x", 1L << 31).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).contains("max_completion_tokens"));
        assertThatThrownBy(() -> client.chat().completions().create(greedy("word ".repeat(400), 4).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.code()).contains("context_length_exceeded"));
    }
}

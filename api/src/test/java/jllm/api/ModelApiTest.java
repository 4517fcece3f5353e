package jllm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jllm.chat.ChatMessage;
import jllm.chat.ChatPrompt;
import jllm.format.json.Json;
import jllm.generate.Generator;
import jllm.generate.SamplerSettings;
import jllm.generate.Session;
import jllm.model.LoadedModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The library API on the built-in model (models/builtin.gguf), as a Java program would use it. */
class ModelApiTest {
    static final Path BUILTIN = Path.of("..", "models", "builtin.gguf");
    static final GenerateOptions GREEDY = GenerateOptions.builder().temperature(0).maxTokens(40).build();

    private static Model model;

    @BeforeAll
    static void open() {
        assumeTrue(Files.exists(BUILTIN), "skipped: " + BUILTIN.toAbsolutePath() + " is missing");
        model = Model.open(BUILTIN.toString(), Model.Options.DEFAULTS.withThreads(2));
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void chatAnswersThroughTheModelsTemplate() {
        GenerateOptions options = GREEDY.toBuilder().maxTokens(100).build();
        Completion c = model.chat(List.of(ChatMessage.user("Who are you?")), options);
        assertThat(c.text()).contains("jllm-tiny");
        assertThat(c.finishReason()).isEqualTo(Generator.FinishReason.STOP);
        // the same conversation, assembled by hand from the pieces the API stands for
        LoadedModel m = model.loaded();
        int[] prompt = ChatPrompt.of(m.chatTemplate(), m.tokenizer()).tokens(List.of(ChatMessage.user("Who are you?")));
        Generator.Result direct = Generator.generate(Session.of(m.model(), 256), m.tokenizer(), prompt,
                new Generator.Options(100, SamplerSettings.GREEDY, List.of(), false), s -> { }, () -> false);
        assertThat(c.text()).isEqualTo(direct.text());
        assertThat(c.promptTokens()).isEqualTo(prompt.length);
        assertThat(c.generatedTokens()).isEqualTo(direct.tokens().length);
    }

    @Test
    void streamAndPublisherGiveTheCompletionsText() throws Exception {
        Completion whole = model.complete("Once upon a time", GREEDY);
        assertThat(whole.text()).isNotBlank();
        assertThat(whole.finishReason()).isEqualTo(Generator.FinishReason.LENGTH);
        assertThat(whole.generatedTokens()).isEqualTo(40);

        StringBuilder streamed = new StringBuilder();
        List<String> pieces = new ArrayList<>();
        Completion again = model.stream("Once upon a time", GREEDY, p -> {
            streamed.append(p);
            pieces.add(p);
        });
        assertThat(streamed.toString()).isEqualTo(whole.text()).isEqualTo(again.text());
        assertThat(pieces.size()).isGreaterThan(5);

        assertThat(collect(model.publisher("Once upon a time", GREEDY), Long.MAX_VALUE).get(60, TimeUnit.SECONDS))
                .isEqualTo(whole.text());
    }

    @Test
    void cancellingASubscriptionStopsTheGeneration() throws Exception {
        GenerateOptions longRun = GREEDY.toBuilder().maxTokens(100_000).build();
        CountDownLatch done = new CountDownLatch(1);
        List<String> got = new ArrayList<>();
        model.publisher("Once upon a time", longRun).subscribe(new Flow.Subscriber<>() {
            Flow.Subscription s;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                this.s = s;
                s.request(3);
            }

            @Override
            public void onNext(String item) {
                got.add(item);
                if (got.size() == 3) {
                    s.cancel();
                    done.countDown();
                }
            }

            @Override
            public void onError(Throwable t) {
                done.countDown();
            }

            @Override
            public void onComplete() {
                done.countDown();
            }
        });
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(got).hasSize(3);
    }

    @Test
    void concurrentChatsEachEqualTheSameChatRunAlone() throws Exception {
        List<String> questions = List.of("Who are you?", "Tell me a story about a cat", "What can you do?",
                "Tell me a story about a dog", "Who made you?", "Write a short story.");
        List<String> alone = new ArrayList<>();
        for (String q : questions) {
            alone.add(model.chat(List.of(ChatMessage.user(q)), GREEDY).text());
        }
        assertThat(new java.util.HashSet<>(alone)).hasSizeGreaterThan(3);
        try (ExecutorService pool = Executors.newFixedThreadPool(questions.size())) {
            for (int round = 0; round < 2; round++) {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<String>> futures = new ArrayList<>();
                for (String q : questions) {
                    futures.add(pool.submit(() -> {
                        start.await();
                        return model.chat(List.of(ChatMessage.user(q)), GREEDY).text();
                    }));
                }
                start.countDown();
                for (int i = 0; i < questions.size(); i++) {
                    assertThat(futures.get(i).get(60, TimeUnit.SECONDS)).as(questions.get(i)).isEqualTo(alone.get(i));
                }
            }
        }
    }

    @Test
    void sampledTextRepeatsWithItsSeedAndChangesWithAnother() {
        GenerateOptions sampled = GenerateOptions.builder().temperature(1.0).seed(7).maxTokens(30).build();
        String a = model.complete("Once upon a time", sampled).text();
        assertThat(model.complete("Once upon a time", sampled).text()).isEqualTo(a);
        List<String> others = new ArrayList<>();
        for (long seed = 8; seed < 12; seed++) {
            others.add(model.complete("Once upon a time", sampled.toBuilder().seed(seed).build()).text());
        }
        assertThat(others).anyMatch(t -> !t.equals(a));
    }

    @Test
    void stopStringsEndTheTextBeforeThem() {
        String free = model.complete("Once upon a time", GREEDY).text();
        int dot = free.indexOf('.');
        assumeTrue(dot > 0, "the greedy text has no full stop: " + free);
        Completion c = model.complete("Once upon a time", GREEDY.toBuilder().stop(".").build());
        assertThat(c.text()).isEqualTo(free.substring(0, dot));
        assertThat(c.finishReason()).isEqualTo(Generator.FinishReason.STOP);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aJsonSchemaConstrainsTheReply() {
        String schema = """
                {"type": "object", "properties": {"name": {"type": "string", "maxLength": 12},
                 "age": {"type": "integer", "minimum": 1, "maximum": 99}}, "required": ["name", "age"],
                 "additionalProperties": false}""";
        Completion c = model.chat(List.of(ChatMessage.user("Tell me a story about a cat")),
                GenerateOptions.builder().temperature(0).maxTokens(400).jsonSchema(schema).build());
        assertThat(c.finishReason()).as(c.text()).isEqualTo(Generator.FinishReason.STOP);
        Map<String, Object> obj = (Map<String, Object>) Json.parse(c.text(), "reply");
        assertThat(obj.keySet()).containsExactlyInAnyOrder("name", "age");
        assertThat(((Number) obj.get("age")).longValue()).isBetween(1L, 99L);
        assertThat((String) obj.get("name")).hasSizeLessThanOrEqualTo(12);
    }

    @Test
    void aGbnfGrammarConstrainsTheText() {
        Completion c = model.complete("Once upon a time",
                GenerateOptions.builder().temperature(0).maxTokens(20).grammar("root ::= (\"yes\" | \"no\") \" \" [a-z]+").build());
        assertThat(c.text()).matches("(yes|no) [a-z]+");
    }

    @Test
    void embeddingsAreNormalizedAndTellTextsApart() {
        List<float[]> v = model.embed(List.of("Lily likes cats", "Lily likes cats", "The sun is hot today"));
        assertThat(v).hasSize(3);
        assertThat(v.get(0)).hasSize(model.info().dim());
        assertThat(dot(v.get(0), v.get(0))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(v.get(1)).isEqualTo(v.get(0));
        assertThat(dot(v.get(0), v.get(2))).isLessThan(0.999);
    }

    @Test
    void logprobsAreTheModelsNextTokenDistribution() {
        List<NextToken> top = model.logprobs("Once upon a time", 5);
        assertThat(top).hasSize(5);
        for (int i = 1; i < top.size(); i++) {
            assertThat(top.get(i).logprob()).isLessThanOrEqualTo(top.get(i - 1).logprob());
        }
        double mass = top.stream().mapToDouble(t -> Math.exp(t.logprob())).sum();
        assertThat(mass).isGreaterThan(0).isLessThanOrEqualTo(1.0 + 1e-5);
        // greedy decoding picks the most likely token
        String first = model.complete("Once upon a time", GREEDY.toBuilder().maxTokens(1).build()).text();
        assertThat(first).isEqualTo(top.getFirst().text());
    }

    @Test
    void tokenizeAndDetokenizeRoundTrip() {
        int[] ids = model.tokenize("Lily went to the park.");
        assertThat(ids.length).isGreaterThan(3);
        assertThat(model.detokenize(ids)).isEqualTo("Lily went to the park.");
    }

    @Test
    void badInputGetsAMessageNamingTheProblem() {
        String tooLong = "cat ".repeat(model.contextLength() + 10);
        assertThatThrownBy(() -> model.complete(tooLong, GREEDY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the context holds").hasMessageContaining("shorten the prompt");
        assertThatThrownBy(() -> GenerateOptions.builder().maxTokens(0).build()).hasMessageContaining("maxTokens");
        assertThatThrownBy(() -> GenerateOptions.builder().temperature(-1).build()).hasMessageContaining("temperature");
        assertThatThrownBy(() -> GenerateOptions.builder().jsonSchema("{\"type\": \"array\", \"items\": {\"type\": \"string\"}, \"uniqueItems\": true}"))
                .hasMessageContaining("uniqueItems");
        assertThatThrownBy(() -> GenerateOptions.builder().grammar("root ::= missing")).hasMessageContaining("missing");
        assertThatThrownBy(() -> Model.open("no/such/model.gguf")).hasMessageContaining("no such file");
        assertThatThrownBy(() -> Model.open("hf:nobody/nothing-GGUF")).hasMessageContaining("jllm pull");
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    /** The concatenated items of a publisher, requesting {@code batch} at a time. */
    static CompletableFuture<String> collect(Flow.Publisher<String> p, long batch) {
        CompletableFuture<String> out = new CompletableFuture<>();
        p.subscribe(new Flow.Subscriber<>() {
            final StringBuilder sb = new StringBuilder();
            Flow.Subscription s;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                this.s = s;
                s.request(batch);
            }

            @Override
            public void onNext(String item) {
                sb.append(item);
            }

            @Override
            public void onError(Throwable t) {
                out.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                out.complete(sb.toString());
            }
        });
        return out;
    }
}

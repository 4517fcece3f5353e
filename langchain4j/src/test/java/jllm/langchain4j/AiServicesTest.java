package jllm.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import jllm.api.GenerateOptions;
import jllm.api.Model;
import jllm.chat.ChatMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** LangChain4j's AI services on jllm's in-process models, with the built-in model (models/builtin.gguf). */
class AiServicesTest {
    static final Path BUILTIN = Path.of("..", "models", "builtin.gguf");
    static final GenerateOptions GREEDY = GenerateOptions.builder().temperature(0).maxTokens(100).build();

    interface Assistant {
        String chat(String message);
    }

    interface StreamingAssistant {
        TokenStream chat(String message);
    }

    enum Animal { CAT, DOG, BIRD }

    /**
     * A structured output: AI services ask for this record's JSON schema. (No free-text field: the tiny
     * built-in model, asked for a string, writes one until the token limit.)
     */
    record Story(Animal hero, int friends, boolean happyEnding) {
    }

    interface Extractor {
        Story story(String message);
    }

    private static Model model;

    @BeforeAll
    static void open() {
        assumeTrue(Files.exists(BUILTIN), "skipped: " + BUILTIN.toAbsolutePath() + " is missing");
        model = Model.open(BUILTIN, Model.Options.DEFAULTS.withThreads(2));
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void aPlainChatThroughAiServicesIsTheModelsReply() {
        Assistant a = AiServices.create(Assistant.class, new JllmChatModel(model, GREEDY));
        String reply = a.chat("Who are you?");
        assertThat(reply).contains("jllm-tiny");
        assertThat(reply).isEqualTo(model.chat(List.of(ChatMessage.user("Who are you?")), GREEDY).text());
    }

    @Test
    void streamingDeliversPiecesThatMakeTheWholeReply() throws Exception {
        StreamingAssistant a = AiServices.create(StreamingAssistant.class, new JllmStreamingChatModel(model, GREEDY));
        StringBuilder pieces = new StringBuilder();
        int[] count = {0};
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        a.chat("Tell me a story about a cat")
                .onPartialResponse(p -> {
                    pieces.append(p);
                    count[0]++;
                })
                .onCompleteResponse(done::complete)
                .onError(done::completeExceptionally)
                .start();
        ChatResponse r = done.get(60, TimeUnit.SECONDS);
        assertThat(count[0]).isGreaterThan(5);
        assertThat(pieces.toString()).isEqualTo(r.aiMessage().text())
                .isEqualTo(model.chat(List.of(ChatMessage.user("Tell me a story about a cat")), GREEDY).text());
        assertThat(r.tokenUsage().outputTokenCount()).isPositive();
    }

    @Test
    void aRecordReturnedByAnAiServiceIsFilledFromConstrainedOutput() {
        JllmChatModel chat = new JllmChatModel(model, GREEDY.toBuilder().maxTokens(400).build());
        Extractor e = AiServices.create(Extractor.class, chat);
        Story s = e.story("Tell me a story about a cat");
        assertThat(s).isNotNull();
        assertThat(s.hero()).isIn((Object[]) Animal.values());
        // the same request without the schema is no JSON at all: the fields come from the constraint
        String free = model.chat(List.of(ChatMessage.user("Tell me a story about a cat")), GREEDY).text();
        assertThat(free).doesNotContain("\"name\"");
    }

    @Test
    void requestParametersOverrideTheDefaults() {
        JllmChatModel chat = new JllmChatModel(model, GREEDY);
        ChatResponse r = chat.chat(ChatRequest.builder().messages(UserMessage.from("Tell me a story about a cat"))
                .maxOutputTokens(5).build());
        assertThat(r.tokenUsage().outputTokenCount()).isEqualTo(5);
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void embeddingsFindTheNearestTextInAStore() {
        JllmEmbeddingModel embeddings = new JllmEmbeddingModel(model);
        assertThat(embeddings.dimension()).isEqualTo(model.info().dim());
        InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
        List<TextSegment> texts = List.of(TextSegment.from("Lily likes her cat."), TextSegment.from("The sun was hot at the beach."),
                TextSegment.from("Tom kicked the red ball."));
        store.addAll(embeddings.embedAll(texts).content(), texts);
        for (TextSegment t : texts) {
            Embedding q = embeddings.embed(t.text()).content();
            assertThat(q.vector()).isEqualTo(model.embed(t.text()));
            var best = store.search(EmbeddingSearchRequest.builder().queryEmbedding(q).maxResults(1).build()).matches().getFirst();
            assertThat(best.embedded()).isEqualTo(t);
            assertThat(best.score()).isGreaterThan(0.99);
        }
    }
}

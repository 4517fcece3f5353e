package jllm.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import jllm.model.LoadedModel;

/** LangChain4j's OpenAI module, changed only in its base URL, against the in-process server. */
class LangChain4jTest {
    static LoadedModel loaded;
    static OpenAiServer server;

    @BeforeAll
    static void start() {
        loaded = TestServers.stories();
        server = TestServers.start(ServerOptions.DEFAULTS.withContextLength(256).withParallel(2), ServedModel.of("stories260K", loaded));
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

    @Test
    void chatStreamingAndEmbeddings() throws Exception {
        String base = server.baseUri().toString();
        OpenAiChatModel chat = OpenAiChatModel.builder().baseUrl(base).apiKey("not-needed").modelName("stories260K")
                .temperature(0.0).maxTokens(24).build();
        ChatResponse answer = chat.chat(dev.langchain4j.model.chat.request.ChatRequest.builder()
                .messages(dev.langchain4j.data.message.UserMessage.from("Once upon a time")).build());
        String text = answer.aiMessage().text();
        assertThat(text).isNotBlank();
        assertThat(answer.tokenUsage().outputTokenCount()).isPositive();

        OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder().baseUrl(base).apiKey("not-needed")
                .modelName("stories260K").temperature(0.0).maxTokens(24).build();
        StringBuilder parts = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat("Once upon a time", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                parts.append(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse r) {
                done.complete(r);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }
        });
        ChatResponse streamed = done.get(30, TimeUnit.SECONDS);
        assertThat(parts.toString()).isEqualTo(text);
        assertThat(streamed.aiMessage().text()).isEqualTo(text);

        OpenAiEmbeddingModel embeddings = OpenAiEmbeddingModel.builder().baseUrl(base).apiKey("not-needed")
                .modelName("stories260K").build();
        Embedding e = embeddings.embed("Lily likes cats").content();
        assertThat(e.dimension()).isEqualTo(loaded.model().info().dim());
        double norm = 0;
        for (float f : e.vector()) {
            norm += f * f;
        }
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    }
}

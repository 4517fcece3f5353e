package jllm.langchain4j;

import java.util.Objects;
import java.util.Set;

import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import jllm.api.Completion;
import jllm.api.GenerateOptions;
import jllm.api.Model;

/**
 * A LangChain4j {@link StreamingChatModel} running a jllm {@link Model} in this process: each request
 * generates on a thread of its own and hands the reply to the handler piece by piece. Parameters and
 * response formats as {@link JllmChatModel}.
 *
 * <pre>{@code
 * interface Assistant { TokenStream chat(String message); }
 * Assistant a = AiServices.create(Assistant.class, new JllmStreamingChatModel(model));
 * a.chat("Tell me a story").onPartialResponse(System.out::print).onCompleteResponse(r -> {}).onError(e -> {}).start();
 * }</pre>
 */
public final class JllmStreamingChatModel implements StreamingChatModel {
    private final Model model;
    private final GenerateOptions defaults;
    private final String name;

    /** A streaming chat model with jllm's default generation options. */
    public JllmStreamingChatModel(Model model) {
        this(model, GenerateOptions.DEFAULTS);
    }

    /** A streaming chat model whose requests start from {@code defaults}. */
    public JllmStreamingChatModel(Model model, GenerateOptions defaults) {
        this.model = Objects.requireNonNull(model, "model");
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.name = model.loaded().source().path().getFileName().toString();
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        Thread.ofPlatform().daemon().name("jllm-langchain4j").start(() -> {
            Completion c;
            try {
                GenerateOptions options = Conversations.options(request, defaults);
                c = model.chat(Conversations.messages(request.messages()), options, handler::onPartialResponse);
            } catch (RuntimeException e) {
                handler.onError(e);
                return;
            }
            handler.onCompleteResponse(Conversations.response(c, name));
        });
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
    }
}

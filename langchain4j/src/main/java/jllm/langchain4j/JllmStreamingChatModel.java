package jllm.langchain4j;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import jllm.api.ChatReply;
import jllm.api.GenerateOptions;
import jllm.api.Model;
import jllm.chat.reply.ReplyEvent;

/**
 * A LangChain4j {@link StreamingChatModel} running a jllm {@link Model} in this process: each request
 * generates on a thread of its own and hands the reply to the handler piece by piece: answer text,
 * thinking, and each tool call once it is whole. Parameters, response formats and tools as {@link JllmChatModel}.
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
            ChatReply c;
            try {
                GenerateOptions options = Conversations.options(request, defaults);
                c = model.chat(Conversations.messages(request.messages()), Conversations.tools(request), Map.of(), options,
                        e -> {
                            switch (e) {
                                case ReplyEvent.Content t -> handler.onPartialResponse(t.text());
                                case ReplyEvent.Reasoning r -> handler.onPartialThinking(new PartialThinking(r.text()));
                                case ReplyEvent.Call call -> handler.onCompleteToolCall(
                                        new CompleteToolCall(call.index(), Conversations.request(call.call())));
                            }
                        });
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

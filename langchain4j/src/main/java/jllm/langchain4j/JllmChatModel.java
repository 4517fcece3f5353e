package jllm.langchain4j;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import jllm.api.GenerateOptions;
import jllm.api.Model;

/**
 * A LangChain4j {@link ChatModel} running a jllm {@link Model} in this process. Request parameters
 * (temperature, top-p, top-k, max output tokens, stop sequences, penalties) override the defaults given
 * here; a JSON response format with a schema constrains decoding to the schema, so structured outputs
 * of AI services are valid by construction. Tool specifications are shown to the model through its chat
 * template and its calls are read in the template's own syntax into {@code ToolExecutionRequest}s, so AI
 * services run {@code @Tool} methods; {@code ToolChoice.REQUIRED} decodes the call under its grammar.
 *
 * <pre>{@code
 * try (Model model = Model.open("model.gguf")) {
 *     Assistant a = AiServices.create(Assistant.class, new JllmChatModel(model));
 *     System.out.println(a.chat("Tell me a story about a cat"));
 * }
 * }</pre>
 *
 * <p>The model is shared, not owned: close it yourself. Thread-safe, as {@link Model} is.
 */
public final class JllmChatModel implements ChatModel {
    private final Model model;
    private final GenerateOptions defaults;
    private final String name;

    /** A chat model with jllm's default generation options. */
    public JllmChatModel(Model model) {
        this(model, GenerateOptions.DEFAULTS);
    }

    /** A chat model whose requests start from {@code defaults}. */
    public JllmChatModel(Model model, GenerateOptions defaults) {
        this.model = Objects.requireNonNull(model, "model");
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.name = model.loaded().source().path().getFileName().toString();
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        GenerateOptions options = Conversations.options(request, defaults);
        return Conversations.response(model.chat(Conversations.messages(request.messages()), Conversations.tools(request),
                Map.of(), options), name);
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
    }
}

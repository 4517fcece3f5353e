package jllm.langchain4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.internal.JsonSchemaElementJsonUtils;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import jllm.api.ChatReply;
import jllm.api.Constraint;
import jllm.api.GenerateOptions;
import jllm.chat.Tool;
import jllm.chat.ToolCall;
import jllm.chat.reply.ChatTools;
import jllm.format.json.Json;

/** LangChain4j's requests and responses to and from jllm's: messages, parameters, the response format. */
final class Conversations {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What {@link ResponseFormat#JSON} without a schema asks for: any JSON object. */
    private static final String ANY_OBJECT = "{\"type\": \"object\"}";

    private Conversations() {
    }

    /** The request's messages as jllm's (text only: images, audio and the like are refused by name). */
    static List<jllm.chat.ChatMessage> messages(List<ChatMessage> in) {
        List<jllm.chat.ChatMessage> out = new ArrayList<>(in.size());
        for (ChatMessage m : in) {
            out.add(switch (m) {
                case SystemMessage s -> jllm.chat.ChatMessage.system(s.text());
                case UserMessage u -> jllm.chat.ChatMessage.user(text(u));
                case AiMessage a -> {
                    List<ToolCall> calls = a.toolExecutionRequests().stream()
                            .map(t -> new ToolCall(t.id() == null ? "" : t.id(), t.name(), t.arguments() == null ? "{}" : t.arguments()))
                            .toList();
                    var reply = new jllm.chat.ChatMessage("assistant", a.text() == null ? "" : a.text(), calls,
                            Optional.empty(), Optional.empty(), Optional.empty());
                    yield a.thinking() == null || a.thinking().isEmpty() ? reply : reply.withReasoning(a.thinking());
                }
                case ToolExecutionResultMessage t -> t.id() == null || t.toolName() == null
                        ? jllm.chat.ChatMessage.tool(t.text())
                        : jllm.chat.ChatMessage.toolResult(t.id(), t.toolName(), t.text());
                default -> throw new UnsupportedOperationException("a " + m.type() + " message is not supported by jllm");
            });
        }
        return out;
    }

    private static String text(UserMessage u) {
        StringBuilder sb = new StringBuilder();
        for (Content c : u.contents()) {
            if (!(c instanceof TextContent t)) {
                throw new UnsupportedOperationException("jllm's models read text only; the message holds " + c.type());
            }
            sb.append(t.text());
        }
        return sb.toString();
    }

    /**
     * The request's tool specifications and tool choice. Parameters schemas are made strict as
     * {@link #schemaText} does, so a forced call cannot invent arguments.
     */
    static ChatTools tools(ChatRequest r) {
        List<ToolSpecification> specs = r.toolSpecifications() == null ? List.of() : r.toolSpecifications();
        List<Tool> tools = new ArrayList<>(specs.size());
        for (ToolSpecification t : specs) {
            Optional<Map<String, Object>> parameters = Optional.empty();
            if (t.parameters() != null) {
                parameters = Optional.of(Json.parseObject(write(strict(JsonSchemaElementJsonUtils.toMap(t.parameters()))),
                        "the parameters of tool " + t.name()));
            }
            tools.add(new Tool(t.name(), Optional.ofNullable(t.description()), parameters));
        }
        ToolChoice choice = r.toolChoice() == null ? ToolChoice.AUTO : r.toolChoice();
        if (tools.isEmpty()) {
            if (choice == ToolChoice.REQUIRED) {
                throw new IllegalArgumentException("tool choice REQUIRED needs tool specifications; the request has none");
            }
            return ChatTools.NONE;
        }
        return switch (choice) {
            case AUTO -> ChatTools.auto(tools);
            case REQUIRED -> ChatTools.required(tools, true);
            case NONE -> new ChatTools(tools, ChatTools.Choice.NONE, Optional.empty(), true);
        };
    }

    /** The request's parameters over {@code defaults}; a JSON response format becomes a constraint. */
    static GenerateOptions options(ChatRequest r, GenerateOptions defaults) {
        GenerateOptions.Builder b = defaults.toBuilder();
        if (r.temperature() != null) {
            b.temperature(r.temperature());
        }
        if (r.topP() != null) {
            b.topP(r.topP());
        }
        if (r.topK() != null) {
            b.topK(r.topK());
        }
        if (r.maxOutputTokens() != null) {
            b.maxTokens(r.maxOutputTokens());
        }
        if (r.stopSequences() != null && !r.stopSequences().isEmpty()) {
            b.stop(r.stopSequences());
        }
        if (r.frequencyPenalty() != null || r.presencePenalty() != null) {
            var s = defaults.sampler();
            b.sampler(s.withPenalties(s.repeatPenalty(), s.repeatLastN(),
                    r.frequencyPenalty() == null ? s.frequencyPenalty() : r.frequencyPenalty().floatValue(),
                    r.presencePenalty() == null ? s.presencePenalty() : r.presencePenalty().floatValue()));
        }
        ResponseFormat f = r.responseFormat();
        if (f != null && f.type() == ResponseFormatType.JSON) {
            b.constraint(new Constraint.JsonSchema(f.jsonSchema() == null ? ANY_OBJECT : schemaText(f)));
        }
        return b.build();
    }

    /**
     * The response format's schema as JSON text, strict as OpenAI's structured outputs are: an object
     * schema that does not say whether other properties are allowed allows none (LangChain4j leaves it
     * unsaid for the records and classes of AI services, and a small model otherwise fills the object
     * with invented keys).
     */
    static String schemaText(ResponseFormat f) {
        return write(strict(JsonSchemaElementJsonUtils.toMap(f.jsonSchema().rootElement())));
    }

    private static String write(Object schema) {
        try {
            return JSON.writeValueAsString(schema);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write a JSON schema: " + e.getMessage(), e);
        }
    }

    private static Object strict(Object node) {
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), strict(v)));
            if ("object".equals(out.get("type")) && out.containsKey("properties")) {
                out.putIfAbsent("additionalProperties", false);
            }
            return out;
        }
        if (node instanceof List<?> l) {
            return l.stream().map(Conversations::strict).toList();
        }
        return node;
    }

    /** A reply as LangChain4j's response: text, thinking and tool execution requests. */
    static ChatResponse response(ChatReply c, String modelName) {
        AiMessage.Builder m = AiMessage.builder();
        if (!c.content().isEmpty() || !c.calledTools()) {
            m.text(c.content());
        }
        if (!c.reasoning().isEmpty()) {
            m.thinking(c.reasoning());
        }
        if (c.calledTools()) {
            m.toolExecutionRequests(c.toolCalls().stream().map(Conversations::request).toList());
        }
        FinishReason reason = c.calledTools() ? FinishReason.TOOL_EXECUTION : switch (c.finishReason()) {
            case STOP -> FinishReason.STOP;
            case LENGTH, CONTEXT -> FinishReason.LENGTH;
            case CANCELLED -> FinishReason.OTHER;
        };
        return ChatResponse.builder()
                .aiMessage(m.build())
                .finishReason(reason)
                .tokenUsage(new TokenUsage(c.promptTokens(), c.generatedTokens()))
                .modelName(modelName)
                .build();
    }

    static ToolExecutionRequest request(ToolCall c) {
        return ToolExecutionRequest.builder().id(c.id()).name(c.name()).arguments(c.arguments()).build();
    }
}

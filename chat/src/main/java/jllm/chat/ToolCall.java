package jllm.chat;

import java.util.Objects;

/**
 * One call of a tool by the assistant, as OpenAI's API carries it: an id the {@code tool} reply refers
 * to, the function's name and its arguments as JSON text.
 *
 * <pre>{@code
 * ChatMessage call = ChatMessage.toolCalls(List.of(new ToolCall("call_1", "get_weather", "{\"city\": \"Paris\"}")));
 * }</pre>
 *
 * @param id        the call's id ({@code call_...}); may be empty when the model gave none
 * @param name      the function called; never blank
 * @param arguments the arguments as JSON text (an object, as OpenAI sends it)
 */
public record ToolCall(String id, String name, String arguments) {

    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a tool call needs the name of the function it calls");
        }
    }
}

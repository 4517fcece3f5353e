package jllm.chat;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One turn of a conversation, as a chat template sees it: {@code {"role": ..., "content": ...}}, and for
 * tool use and thinking models {@code tool_calls}, {@code tool_call_id}, {@code name} and
 * {@code reasoning_content} (each only when present, so templates that test {@code is defined} work).
 *
 * <p>Roles used by the templates are {@code system}, {@code user}, {@code assistant} and {@code tool};
 * other roles are passed through unchanged (some templates accept {@code developer} or {@code ipython}).
 *
 * <pre>{@code
 * List<ChatMessage> conversation = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi"));
 * }</pre>
 *
 * @param role       who speaks; never null or blank
 * @param content    what was said; never null (may be empty, as for an assistant turn that only calls tools)
 * @param toolCalls  the tools an assistant turn calls (empty for other turns)
 * @param toolCallId for a {@code tool} turn: the id of the call it answers
 * @param name       for a {@code tool} turn: the function that answered
 * @param reasoning  for an assistant turn of a thinking model: its reasoning ({@code reasoning_content})
 */
public record ChatMessage(String role, String content, List<ToolCall> toolCalls, Optional<String> toolCallId,
                          Optional<String> name, Optional<String> reasoning) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        toolCalls = List.copyOf(toolCalls);
        Objects.requireNonNull(toolCallId, "toolCallId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(reasoning, "reasoning");
        if (role.isBlank()) {
            throw new IllegalArgumentException("a chat message needs a role such as \"user\"");
        }
    }

    /** A plain turn: a role and what was said. */
    public ChatMessage(String role, String content) {
        this(role, content, List.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** A {@code system} message: instructions that frame the conversation. */
    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    /** A {@code user} message. */
    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    /** An {@code assistant} message: an earlier reply of the model. */
    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }

    /** An {@code assistant} message that calls tools (its content empty). */
    public static ChatMessage toolCalls(List<ToolCall> calls) {
        return new ChatMessage("assistant", "", calls, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** A {@code tool} message: the result of a tool call, fed back to the model. */
    public static ChatMessage tool(String content) {
        return new ChatMessage("tool", content);
    }

    /** A {@code tool} message answering the call {@code toolCallId} of the function {@code name}. */
    public static ChatMessage toolResult(String toolCallId, String name, String content) {
        return new ChatMessage("tool", content, List.of(), Optional.of(toolCallId), Optional.of(name), Optional.empty());
    }

    /** This message with {@code reasoning} as its {@code reasoning_content}. */
    public ChatMessage withReasoning(String reasoning) {
        return new ChatMessage(role, content, toolCalls, toolCallId, name, Optional.of(reasoning));
    }
}

package jllm.chat;

import java.util.Objects;

/**
 * One turn of a conversation, as a chat template sees it: {@code {"role": ..., "content": ...}}.
 *
 * <p>Roles used by the templates are {@code system}, {@code user}, {@code assistant} and {@code tool};
 * other roles are passed through unchanged (some templates accept {@code developer} or {@code ipython}).
 *
 * <pre>{@code
 * List<ChatMessage> conversation = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi"));
 * }</pre>
 *
 * @param role    who speaks; never null or blank
 * @param content what was said; never null (may be empty)
 */
public record ChatMessage(String role, String content) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        if (role.isBlank()) {
            throw new IllegalArgumentException("a chat message needs a role such as \"user\"");
        }
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

    /** A {@code tool} message: the result of a tool call, fed back to the model. */
    public static ChatMessage tool(String content) {
        return new ChatMessage("tool", content);
    }
}

package jllm.chat;

/**
 * Ready-made templates.
 *
 * <pre>{@code
 * ChatTemplate template = gguf.chatTemplate().map(ChatTemplate::of).orElseGet(ChatTemplates::fallback);
 * }</pre>
 */
public final class ChatTemplates {

    /**
     * ChatML, the format of Qwen, Hermes and many fine-tunes: each message as
     * {@code <|im_start|>role\ncontent<|im_end|>\n}, then {@code <|im_start|>assistant\n} for the reply.
     */
    public static final String CHATML = """
            {%- for message in messages %}
                {{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}
            {%- endfor %}
            {%- if add_generation_prompt %}
                {{- '<|im_start|>assistant\\n' }}
            {%- endif %}
            """;

    private static final ChatTemplate FALLBACK = ChatTemplate.of(CHATML);

    private ChatTemplates() {
    }

    /** The template to use when a model carries none: {@link #CHATML}. */
    public static ChatTemplate fallback() {
        return FALLBACK;
    }
}

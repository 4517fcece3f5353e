package jllm.chat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import jllm.tokenizer.Tokenizer;
import jllm.tokenizer.Vocabulary;

/**
 * A model's way from a conversation to prompt tokens: its chat template (ChatML when the model has
 * none), its BOS and EOS texts, and the BOS rule. Every part of jllm that prompts a model with a
 * conversation (the chat command, the server, the arena) goes through here.
 *
 * <pre>{@code
 * ChatPrompt prompt = ChatPrompt.of(loaded.chatTemplate(), loaded.tokenizer());
 * int[] tokens = prompt.tokens(List.of(ChatMessage.user("Hi")));
 * }</pre>
 *
 * @param template  the template conversations are rendered with
 * @param tokenizer the model's tokenizer
 * @param own       whether the template came from the model (false: the ChatML fallback)
 */
public record ChatPrompt(ChatTemplate template, Tokenizer tokenizer, boolean own) {

    public ChatPrompt {
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(tokenizer, "tokenizer");
    }

    /** The prompt of a model whose file carries {@code templateSource}, or ChatML when it carries none. */
    public static ChatPrompt of(Optional<String> templateSource, Tokenizer tokenizer) {
        return templateSource.map(s -> new ChatPrompt(ChatTemplate.of(s), tokenizer, true))
                .orElseGet(() -> new ChatPrompt(ChatTemplates.fallback(), tokenizer, false));
    }

    /** BOS text for the template ({@code bos_token}), or "" when the vocabulary has none. */
    public String bosText() {
        Vocabulary v = tokenizer.vocabulary();
        return v.bos() >= 0 ? v.token(v.bos()) : "";
    }

    /** EOS text for the template ({@code eos_token}), or "" when the vocabulary has none. */
    public String eosText() {
        Vocabulary v = tokenizer.vocabulary();
        return v.eos() >= 0 ? v.token(v.eos()) : "";
    }

    /**
     * The conversation as prompt text, ending with the header that starts the assistant's reply.
     *
     * @param variables further template variables ({@code tools}, {@code enable_thinking}, ...); they
     *                  may not replace {@code bos_token} or {@code eos_token}
     * @throws ChatTemplateException when the template rejects the conversation or exceeds a bound
     */
    public String render(List<ChatMessage> messages, Map<String, Object> variables) {
        Map<String, Object> all = new HashMap<>(variables);
        all.put("bos_token", bosText());
        all.put("eos_token", eosText());
        return template.render(messages, true, all);
    }

    /**
     * The conversation as prompt text with the functions the model may call ({@code tools}, as the
     * template's own tool prompt shows them; left undefined when empty, as transformers does) and the
     * caller's template switches ({@code chat_template_kwargs}, e.g. {@code enable_thinking: false}).
     *
     * @param kwargs template switches; they may not replace {@code messages}, {@code tools},
     *               {@code add_generation_prompt}, {@code bos_token} or {@code eos_token}
     */
    public String render(List<ChatMessage> messages, List<Tool> tools, Map<String, Object> kwargs) {
        Map<String, Object> all = new HashMap<>(kwargs);
        all.keySet().removeAll(java.util.Set.of("messages", "tools", "add_generation_prompt"));
        if (!tools.isEmpty()) {
            all.put("tools", tools.stream().map(Tool::toTemplate).toList());
        }
        return render(messages, all);
    }

    /** {@link #render(List, Map)} with no further variables. */
    public String render(List<ChatMessage> messages) {
        return render(messages, Map.of());
    }

    /**
     * Rendered prompt text as tokens. Special-token texts in it become their tokens; BOS is added only
     * when the template did not write it itself (most templates start with {@code bos_token}).
     */
    public int[] tokens(String renderedPrompt) {
        String bos = bosText();
        return tokenizer.encode(renderedPrompt, bos.isEmpty() || !renderedPrompt.startsWith(bos), true);
    }

    /** The conversation as prompt tokens: {@link #render(List)} then {@link #tokens(String)}. */
    public int[] tokens(List<ChatMessage> messages) {
        return tokens(render(messages));
    }
}

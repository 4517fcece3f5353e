package jllm.server;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

import jllm.chat.ChatPrompt;
import jllm.chat.ChatTemplate;
import jllm.chat.ChatTemplates;
import jllm.model.LanguageModel;
import jllm.model.LoadedModel;
import jllm.tokenizer.Tokenizer;

/**
 * A model as clients see it: a name (only ever a key in the server's table, never a path), the forward
 * pass, its tokenizer and chat template (ChatML when the model has none), and its card.
 *
 * @param name      the {@code model} clients send: letters, digits, '.', '_', '-', at most 64 characters
 * @param model     the forward pass
 * @param tokenizer its tokenizer
 * @param template  its chat template
 * @param created   seconds since the epoch, for {@code /v1/models}
 * @param card      what the model is and can do, for {@code /v1/models} and the chat page
 */
public record ServedModel(String name, LanguageModel model, Tokenizer tokenizer, ChatTemplate template, long created,
                          ModelCard card) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public ServedModel {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a model name must be 1 to 64 letters, digits, '.', '_' or '-', got '" + name + "'");
        }
    }

    /** A forward pass with a tokenizer and template but no metadata: its card says only what the model itself tells. */
    public ServedModel(String name, LanguageModel model, Tokenizer tokenizer, ChatTemplate template, long created) {
        this(name, model, tokenizer, template, created, ModelCard.of(name, model, template != ChatTemplates.fallback()));
    }

    /** A loaded model under {@code name}. */
    public static ServedModel of(String name, LoadedModel m) {
        ChatPrompt p = ChatPrompt.of(m.chatTemplate(), m.tokenizer());
        return new ServedModel(name, m.model(), m.tokenizer(), p.template(), System.currentTimeMillis() / 1000, ModelCard.of(name, m));
    }

    /** This model with {@code text} as its card's description when its metadata has none. */
    public ServedModel describedAs(String text) {
        return new ServedModel(name, model, tokenizer, template, created, card.describedAs(text));
    }

    /** The name a model file is served under: its file name without the extension, made safe. */
    public static String nameOf(Path path) {
        String f = Optional.ofNullable(path.toAbsolutePath().normalize().getFileName()).map(Path::toString).orElse("model");
        for (String ext : new String[]{".gguf", ".bin", ".safetensors"}) {
            if (f.endsWith(ext)) {
                f = f.substring(0, f.length() - ext.length());
            }
        }
        String safe = f.replaceAll("[^A-Za-z0-9._-]", "_");
        safe = safe.length() > 64 ? safe.substring(0, 64) : safe;
        return safe.isEmpty() ? "model" : safe;
    }

    /** How a conversation becomes this model's prompt tokens. */
    public ChatPrompt prompt() {
        return new ChatPrompt(template, tokenizer, template != ChatTemplates.fallback());
    }
}

package jllm.model.hf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jllm.format.ModelFormatException;
import jllm.format.json.Json;

/**
 * A Hugging Face folder's chat template, found where transformers and llama.cpp's converter look:
 * {@code chat_template} in {@code tokenizer_config.json} (a string, or a list of named templates whose
 * "default" is taken), else the file {@code chat_template.jinja} that newer transformers save beside it.
 */
public final class HfChatTemplate {
    /** Largest template file read (templates are a few KB; this bounds a hostile file). */
    static final long MAX_BYTES = 1 << 20;

    private HfChatTemplate() {
    }

    /** The template of the folder {@code dir}, or empty when it has none. */
    public static Optional<String> read(Path dir) {
        Path config = dir.resolve("tokenizer_config.json");
        if (Files.exists(config)) {
            Object v = Json.parseObject(text(config), config.toString()).get("chat_template");
            if (v instanceof String s) {
                return Optional.of(s);
            }
            if (v instanceof List<?> list) { // [{"name": "default", "template": "..."}, ...]
                for (Object o : list) {
                    if (o instanceof Map<?, ?> m && "default".equals(m.get("name")) && m.get("template") instanceof String s) {
                        return Optional.of(s);
                    }
                }
            }
        }
        Path jinja = dir.resolve("chat_template.jinja");
        return Files.isRegularFile(jinja) ? Optional.of(text(jinja)) : Optional.empty();
    }

    private static String text(Path p) {
        try {
            if (Files.size(p) > MAX_BYTES) {
                throw new ModelFormatException(p.toString(), null, "is " + Files.size(p) + " bytes; a chat template or "
                        + "tokenizer config over " + MAX_BYTES + " bytes is not read", null);
            }
            return Files.readString(p);
        } catch (IOException e) {
            throw new ModelFormatException(p.toString(), null, "cannot read: " + e.getMessage(), e);
        }
    }
}

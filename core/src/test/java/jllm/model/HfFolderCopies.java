package jllm.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

import jllm.format.gguf.GgufWriter;
import jllm.format.json.Json;

/**
 * Copies of the Hugging Face oracle folders with config.json rewritten, for tests of the other key
 * style: {@link #transformers4} turns transformers 5's {@code rope_parameters} into the transformers 4
 * keys most hub checkpoints carry ({@code rope_theta}, {@code rope_scaling}, {@code rope_local_base_freq});
 * {@link #asGguf} writes a folder as the F32 GGUF file its conversion gives.
 */
public final class HfFolderCopies {
    private HfFolderCopies() {
    }

    /**
     * Copies every file of {@code folder} into {@code dest}, config.json rewritten in the transformers 4
     * style and then changed by {@code edit}. Returns {@code dest}.
     */
    public static Path transformers4(Path folder, Path dest, Consumer<Map<String, Object>> edit) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals("config.json")) {
                    Files.copy(f, dest.resolve(f.getFileName()));
                }
            }
        }
        Map<String, Object> config = transformers4(Json.parseObject(Files.readString(folder.resolve("config.json")), "config.json"));
        edit.accept(config);
        Files.writeString(dest.resolve("config.json"), json(config));
        return dest;
    }

    /**
     * {@code rope_parameters} (one object, or one per layer type) as top-level {@code rope_theta} and
     * {@code rope_scaling} (full-attention layers) and {@code rope_local_base_freq} (sliding layers).
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> transformers4(Map<String, Object> config) {
        Map<String, Object> out = new LinkedHashMap<>(config);
        if (!(out.remove("rope_parameters") instanceof Map<?, ?> rope)) {
            return out;
        }
        Map<String, Object> full = (Map<String, Object>) (rope.get("full_attention") instanceof Map<?, ?> f ? f : rope);
        if (rope.get("sliding_attention") instanceof Map<?, ?> sliding) {
            out.put("rope_local_base_freq", sliding.get("rope_theta"));
        }
        out.put("rope_theta", full.get("rope_theta"));
        Map<String, Object> scaling = new LinkedHashMap<>(full);
        scaling.remove("rope_theta");
        if (!"default".equals(scaling.get("rope_type"))) {
            out.put("rope_scaling", scaling);
        }
        return out;
    }

    /**
     * Writes the Hugging Face folder as a GGUF file (metadata and tensors as jllm converts them, F32
     * tensors kept; a placeholder tokenizer), so tests can load the converted file. Returns {@code out}.
     */
    public static Path asGguf(Path folder, Path out) {
        try (ModelSource src = ModelSources.safetensors(folder)) {
            GgufExport.write(src, Optional.of(GgufWriter.builder().putString("tokenizer.ggml.model", "gpt2").metadata()),
                    Optional.empty(), out);
        }
        return out;
    }

    /** A JSON text of parsed values (maps, lists, strings, numbers, booleans, {@link Json#NULL}). */
    static String json(Object v) {
        if (v instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("{");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(b.length() > 1 ? ", " : "").append(Json.quote((String) e.getKey())).append(": ").append(json(e.getValue()));
            }
            return b.append('}').toString();
        }
        if (v instanceof List<?> l) {
            return "[" + String.join(", ", l.stream().map(HfFolderCopies::json).toList()) + "]";
        }
        return v instanceof String s ? Json.quote(s) : String.valueOf(v);
    }
}

package jllm.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jllm.format.json.Json;

/**
 * Hugging Face oracle folders for tests: a copy of a folder whose {@code config.json} is rewritten from
 * transformers 5's {@code rope_parameters} into the transformers 4 keys most hub checkpoints carry
 * ({@code rope_theta}, {@code rope_scaling}, and Gemma 3's {@code rope_local_base_freq} for sliding layers).
 */
public final class HfFolders {
    private HfFolders() {
    }

    /**
     * Copies every file of {@code folder} into {@code out/<folder name>} (the oracle files keep their
     * names) and rewrites its config.json in the transformers 4 style. Returns the copy.
     */
    @SuppressWarnings("unchecked")
    public static Path transformers4Copy(Path folder, Path out) throws IOException {
        Path copy = Files.createDirectories(out.resolve(folder.getFileName().toString()));
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName().toString()));
            }
        }
        Map<String, Object> config = new LinkedHashMap<>(Json.parseObject(Files.readString(folder.resolve("config.json")), "config.json"));
        Map<String, Object> params = (Map<String, Object>) config.remove("rope_parameters");
        if (params != null) {
            Map<String, Object> full = params.get("full_attention") instanceof Map<?, ?> f ? (Map<String, Object>) f : params;
            if (params.get("sliding_attention") instanceof Map<?, ?> sliding) {
                config.put("rope_local_base_freq", sliding.get("rope_theta"));
            }
            Map<String, Object> scaling = new LinkedHashMap<>(full);
            config.put("rope_theta", scaling.remove("rope_theta"));
            if (!"default".equals(scaling.getOrDefault("rope_type", "default"))) {
                config.put("rope_scaling", scaling);
            }
        }
        Files.writeString(copy.resolve("config.json"), json(config));
        return copy;
    }

    /** A parsed JSON value written back as text. */
    static String json(Object v) {
        if (v instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(e -> Json.quote((String) e.getKey()) + ": " + json(e.getValue()))
                    .collect(Collectors.joining(",\n", "{\n", "\n}"));
        }
        if (v instanceof List<?> l) {
            return l.stream().map(HfFolders::json).collect(Collectors.joining(", ", "[", "]"));
        }
        if (v instanceof String s) {
            return Json.quote(s);
        }
        return v == Json.NULL ? "null" : String.valueOf(v);
    }
}

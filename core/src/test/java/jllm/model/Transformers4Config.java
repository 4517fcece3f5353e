package jllm.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import jllm.format.json.Json;

/**
 * An oracle folder (saved by transformers 5, with {@code rope_parameters}) copied with its config.json
 * in the keys transformers 4 wrote and most hub checkpoints still carry: {@code rope_theta},
 * {@code partial_rotary_factor} and {@code rope_local_base_freq} at the top level, the scaling (if any)
 * as {@code rope_scaling}, and no {@code rope_parameters}.
 *
 * <pre>{@code
 * Path t4 = Transformers4Config.copy(oracleDir, tmp, cfg -> {});
 * }</pre>
 */
public final class Transformers4Config {
    private Transformers4Config() {
    }

    /**
     * Copies every file of {@code src} into {@code dst}, config.json rewritten; {@code edit} may change
     * the rewritten config before it is saved (e.g. to move a key where real checkpoints keep it).
     */
    @SuppressWarnings("unchecked")
    public static Path copy(Path src, Path dst, Consumer<Map<String, Object>> edit) {
        try {
            Files.createDirectories(dst);
            try (Stream<Path> files = Files.list(src)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (!f.getFileName().toString().equals("config.json")) {
                        Files.copy(f, dst.resolve(f.getFileName()));
                    }
                }
            }
            Map<String, Object> cfg = new LinkedHashMap<>(Json.parseObject(Files.readString(src.resolve("config.json")), "config.json"));
            Object params = cfg.remove("rope_parameters");
            if (params instanceof Map<?, ?> p) {
                Map<String, Object> rope = (Map<String, Object>) p;
                if (rope.get("full_attention") instanceof Map<?, ?> full) {
                    // per layer type (Gemma 3): the global layers' base and scaling, the local layers' base
                    if (rope.get("sliding_attention") instanceof Map<?, ?> local) {
                        cfg.put("rope_local_base_freq", local.get("rope_theta"));
                    }
                    rope = (Map<String, Object>) full;
                }
                Map<String, Object> scaling = new LinkedHashMap<>(rope);
                cfg.put("rope_theta", scaling.remove("rope_theta"));
                if (scaling.containsKey("partial_rotary_factor")) {
                    cfg.put("partial_rotary_factor", scaling.remove("partial_rotary_factor"));
                }
                Object type = scaling.getOrDefault("rope_type", scaling.get("type"));
                cfg.put("rope_scaling", type == null || type.equals("default") ? Json.NULL : scaling);
            }
            edit.accept(cfg);
            Files.writeString(dst.resolve("config.json"), json(cfg));
            return dst;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A value as JSON text. */
    static String json(Object v) {
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(sb.length() > 1 ? ", " : "").append(Json.quote((String) e.getKey())).append(": ").append(json(e.getValue()));
            }
            return sb.append('}').toString();
        }
        if (v instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (Object o : l) {
                sb.append(sb.length() > 1 ? ", " : "").append(json(o));
            }
            return sb.append(']').toString();
        }
        return v instanceof String s ? Json.quote(s) : String.valueOf(v);
    }
}

package jllm.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jllm.SharedData;
import jllm.format.gguf.GgufMetadata;
import jllm.format.json.Json;
import jllm.kernel.Kernels;
import jllm.model.hf.GgufKeys;
import jllm.model.hf.HfConfig;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;

/**
 * Helpers for families' Hugging Face tests: copies of the oracle folders with {@code config.json}
 * rewritten in transformers 4 style, as most hub checkpoints still carry it ({@code rope_theta} and Gemma
 * 3's {@code rope_local_base_freq} at the top level, scaling in {@code rope_scaling}, no
 * {@code rope_parameters}), and a config's converted GGUF metadata.
 */
public final class HfTestFolders {
    private HfTestFolders() {
    }

    /**
     * The shared oracle folder {@code name} copied into {@code tmp} with a transformers 4 config.json
     * matches transformers' logits and greedy tokens as the folder itself does (see
     * {@link HfModelsOracleTest}); skipped with the reason when the shared data is missing.
     */
    public static void assertTransformers4CopyMatches(String name, Path tmp) throws Exception {
        Path dir = transformers4Copy(SharedData.require("testdata/hf-models/" + name), tmp);
        try (Kernels kernels = Kernels.best(); ModelSource src = ModelSources.safetensors(dir)) {
            HfModelsOracleTest.assertMatchesReference(Architectures.forSource(src).load(src, kernels), dir, name, 1e-3);
        }
    }

    /** Copies every file of {@code src} into {@code dst}, config.json rewritten; returns {@code dst}. */
    public static Path transformers4Copy(Path src, Path dst) throws IOException {
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.toList()) {
                Files.copy(f, dst.resolve(f.getFileName()));
            }
        }
        Path config = dst.resolve("config.json");
        Map<String, Object> c = Json.parseObject(Files.readString(config), config.toString());
        Files.writeString(config, write(transformers4(c)));
        return dst;
    }

    /** The config with {@code rope_parameters} (one object or one per layer type) moved to the old keys. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> transformers4(Map<String, Object> config) {
        Map<String, Object> out = new LinkedHashMap<>(config);
        if (!(out.remove("rope_parameters") instanceof Map<?, ?> params)) {
            return out;
        }
        Map<String, Object> full = (Map<String, Object>) params;
        if (params.get("full_attention") instanceof Map<?, ?> perType) {
            full = (Map<String, Object>) perType;
            if (params.get("sliding_attention") instanceof Map<?, ?> sliding) {
                out.put("rope_local_base_freq", sliding.get("rope_theta"));
            }
        }
        Map<String, Object> scaling = new LinkedHashMap<>(full);
        out.put("rope_theta", scaling.remove("rope_theta"));
        if (!"default".equals(scaling.getOrDefault("rope_type", "default"))) {
            out.put("rope_scaling", scaling);
        }
        return out;
    }

    /**
     * The GGUF metadata a Hugging Face {@code config.json} (given as text) converts to, by the
     * conversion of the family its {@code model_type} names.
     */
    public static GgufMetadata converted(String configJson) {
        HfConfig c = HfConfig.of(Json.parseObject(configJson, "config.json"), "config.json");
        Architecture arch = Architectures.forHfModelType(c.string("model_type"), "config.json");
        GgufKeys keys = new GgufKeys().str("general.architecture", arch.name());
        arch.hf().orElseThrow().metadata(c, keys);
        return new GgufMetadata("config.json", keys.asMap());
    }

    /**
     * A GGUF-like source holding only metadata and a zero {@code token_embd} of (vocab, dim), enough for
     * an architecture's {@code info} and {@code details}.
     */
    public static ModelSource metadataOnly(GgufMetadata metadata, int vocab, int dim) {
        Tensor embd = Tensor.ofFloats(TensorName.TOKEN_EMBD.global(), Shape.of(dim, vocab), new float[vocab * dim]);
        return new ModelSource("gguf", Path.of(metadata.file()), metadata, Map.of(embd.name(), embd), Optional.empty(), () -> {
        });
    }

    /** JSON text of a parsed value. */
    static String write(Object v) {
        if (v instanceof Map<?, ?> m) {
            return m.entrySet().stream().map(e -> Json.quote((String) e.getKey()) + ": " + write(e.getValue()))
                    .collect(Collectors.joining(",\n", "{", "}"));
        }
        if (v instanceof List<?> l) {
            return l.stream().map(HfTestFolders::write).collect(Collectors.joining(", ", "[", "]"));
        }
        if (v instanceof String s) {
            return Json.quote(s);
        }
        return String.valueOf(v); // Long, Double, Boolean, Json.NULL ("null")
    }
}

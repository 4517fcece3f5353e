package jllm.model;

import jllm.format.gguf.GgufWriter;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import jllm.testing.SharedData;
import jllm.format.gguf.GgufFile;
import jllm.format.gguf.GgufMetadata;
import jllm.format.gguf.GgufWriter;
import jllm.format.json.Json;
import jllm.kernel.Kernels;
import jllm.model.hf.GgufKeys;
import jllm.model.hf.HfConfig;
import jllm.model.hf.HfGgufExport;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;

/**
 * Helpers for families' Hugging Face tests: an oracle folder checked in its transformers 4 copy
 * ({@link Transformers4Config}), and a config's converted GGUF metadata.
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
        Path dir = Transformers4Config.copy(SharedData.require("testdata/hf-models/" + name), tmp.resolve(name), cfg -> { });
        try (Kernels kernels = Kernels.best(); ModelSource src = ModelSources.safetensors(dir)) {
            HfModelsOracleTest.assertMatchesReference(Architectures.forSource(src).load(src, kernels), dir, name, 1e-3);
        }
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

    /** The shared oracle folder {@code name} converted by {@code jllm convert} to {@code type} in {@code tmp}, opened. */
    public static GgufFile converted(String name, HfGgufExport.OutType type, Path tmp) {
        Path out = tmp.resolve(name + "-" + type + ".gguf");
        try (ModelSource src = ModelSources.safetensors(SharedData.require("testdata/hf-models/" + name))) {
            HfGgufExport.write(src, type, out);
        }
        return GgufFile.open(out);
    }
}

package jllm.model.phi3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jllm.testing.SharedData;
import jllm.format.gguf.GgufMetadata;
import jllm.format.gguf.GgufValue;
import jllm.format.gguf.GgufWriter;
import jllm.kernel.Kernels;
import jllm.model.Architectures;
import jllm.model.GgufExport;
import jllm.model.HfModelsOracleTest;
import jllm.model.KvCache;
import jllm.model.LanguageModel;
import jllm.model.ModelSource;
import jllm.model.ModelSources;
import jllm.model.Transformers4Config;
import jllm.model.hf.GgufKeys;
import jllm.model.hf.HfConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The phi3 oracle folders (testdata/hf-models/phi3-*) in the other ways a Phi-3 reaches jllm: a
 * config.json in transformers 4's keys, and the GGUF the folder converts to; plus how LongRoPE picks its
 * factors and what the converter writes for Phi-4-mini's config.
 */
class Phi3Test {
    @ParameterizedTest
    @ValueSource(strings = {"phi3-base", "phi3-longrope"})
    void transformers4ConfigGivesTransformersLogits(String name, @TempDir Path tmp) throws Exception {
        Path dir = SharedData.require("testdata/hf-models/" + name);
        // Phi-3.5 and Phi-4-mini keep original_max_position_embeddings at the top level only
        Path t4 = Transformers4Config.copy(dir, tmp.resolve(name), cfg -> {
            if (cfg.get("rope_scaling") instanceof Map<?, ?> scaling) {
                scaling.remove("original_max_position_embeddings");
            }
        });
        try (Kernels kernels = Kernels.best(); ModelSource src = ModelSources.safetensors(t4)) {
            assertThat(Files.readString(t4.resolve("config.json"))).doesNotContain("rope_parameters").contains("\"rope_theta\"");
            HfModelsOracleTest.assertMatchesReference(Architectures.forSource(src).load(src, kernels), t4, name, 1e-3);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"phi3-base", "phi3-longrope"})
    void convertedGgufGivesTransformersLogits(String name, @TempDir Path tmp) throws Exception {
        Path dir = SharedData.require("testdata/hf-models/" + name);
        Path gguf = tmp.resolve(name + ".gguf");
        GgufMetadata vocabulary = GgufWriter.builder().putString("tokenizer.ggml.model", "gpt2")
                .putStringArray("tokenizer.ggml.tokens", Collections.nCopies(512, "x")).metadata();
        try (ModelSource src = ModelSources.safetensors(dir)) {
            GgufExport.write(src, Optional.of(vocabulary), Optional.empty(), gguf);
        }
        try (Kernels kernels = Kernels.best(); ModelSource src = ModelSources.gguf(gguf)) {
            GgufMetadata m = src.metadata();
            assertThat(src.architecture()).isEqualTo("phi3");
            assertThat(src.tensors()).containsKey("blk.0.attn_qkv.weight").containsKey("blk.0.ffn_up.weight")
                    .doesNotContainKey("blk.0.attn_q.weight").doesNotContainKey("blk.0.ffn_gate.weight");
            if (name.equals("phi3-longrope")) {
                assertThat(m.integer("phi3.rope.dimension_count")).hasValue(12);
                assertThat(m.integer("phi3.rope.scaling.original_context_length")).hasValue(128);
                assertThat(m.number("phi3.rope.scaling.attn_factor").orElseThrow())
                        .isCloseTo(Math.sqrt(1 + Math.log(4) / Math.log(128)), offset(1e-6));
                assertThat(src.tensor("rope_factors_short.weight").shape().elementCount()).isEqualTo(6);
            } else {
                assertThat(m.integer("phi3.rope.dimension_count")).hasValue(16);
                assertThat(m.has("phi3.rope.scaling.attn_factor")).isFalse();
                assertThat(src.optionalTensor("rope_factors_long.weight")).isEmpty();
            }
            HfModelsOracleTest.assertMatchesReference(Architectures.forSource(src).load(src, kernels), dir, name, 1e-3);
        }
    }

    /**
     * A sequence whose cache exceeds the original context (128) rotates with the long factors: the same
     * logits as a copy of the model whose short factors are the long ones, in a short cache.
     */
    @Test
    @SuppressWarnings("unchecked")
    void longFactorsApplyToSequencesBeyondTheOriginalContext(@TempDir Path tmp) throws Exception {
        Path dir = SharedData.require("testdata/hf-models/phi3-longrope");
        Path swapped = Transformers4Config.copy(dir, tmp.resolve("swapped"), cfg -> {
            Map<String, Object> scaling = (Map<String, Object>) cfg.get("rope_scaling");
            scaling.put("short_factor", scaling.get("long_factor"));
        });
        int[] tokens = {1, 40, 300, 7, 90, 211, 5, 64, 33};
        try (Kernels kernels = Kernels.best(); ModelSource a = ModelSources.safetensors(dir);
             ModelSource b = ModelSources.safetensors(swapped)) {
            LanguageModel original = Architectures.forSource(a).load(a, kernels);
            LanguageModel shortIsLong = Architectures.forSource(b).load(b, kernels);
            float[] inShortCache = original.forward(original.newCache(128, KvCache.Type.F32), tokens, LanguageModel.Logits.ALL);
            float[] inLongCache = original.forward(original.newCache(129, KvCache.Type.F32), tokens, LanguageModel.Logits.ALL);
            float[] expected = shortIsLong.forward(shortIsLong.newCache(128, KvCache.Type.F32), tokens, LanguageModel.Logits.ALL);
            assertThat(maxAbsDiff(inLongCache, expected)).isLessThan(1e-5);
            assertThat(maxAbsDiff(inShortCache, expected)).isGreaterThan(1e-2);
        }
    }

    /** Phi-4-mini-instruct's config (transformers 4 keys) gives the keys llama.cpp's converter writes for it. */
    @Test
    void phi4MiniConfigGivesTheConverterKeys() {
        List<Object> shortFactors = Collections.nCopies(48, 1.0);
        List<Object> longFactors = Collections.nCopies(48, 2.0);
        Map<String, Object> cfg = new HashMap<>(Map.of("model_type", "phi3", "hidden_size", 3072L,
                "intermediate_size", 8192L, "num_hidden_layers", 32L, "num_attention_heads", 24L,
                "num_key_value_heads", 8L, "max_position_embeddings", 131072L, "original_max_position_embeddings", 4096L,
                "partial_rotary_factor", 0.75, "rope_theta", 10000.0));
        cfg.put("rms_norm_eps", 1e-5);
        cfg.put("sliding_window", 262144L);
        cfg.put("rope_scaling", Map.of("type", "longrope", "short_factor", shortFactors, "long_factor", longFactors));
        HfConfig c = HfConfig.of(cfg, "config.json");
        GgufKeys k = new GgufKeys();
        Phi3Hf hf = new Phi3Hf();
        hf.metadata(c, k);
        var tensors = hf.extraTensors(c, k);
        Map<String, GgufValue> m = k.asMap();
        assertThat(m.get("phi3.rope.dimension_count").value()).isEqualTo(96L);
        assertThat(m.get("phi3.rope.scaling.original_context_length").value()).isEqualTo(4096L);
        assertThat(m.get("phi3.context_length").value()).isEqualTo(131072L);
        assertThat(m.get("phi3.attention.sliding_window").value()).isEqualTo(262144L);
        assertThat((Double) m.get("phi3.rope.scaling.attn_factor").value()).isCloseTo(1.1902380714238083, offset(1e-6));
        assertThat(m).doesNotContainKeys("phi3.rope.scaling.type", "phi3.attention.key_length", "phi3.vocab_size");
        assertThat(tensors.keySet()).containsExactly("rope_factors_long.weight", "rope_factors_short.weight");
        assertThat(tensors.get("rope_factors_long.weight").shape().elementCount()).isEqualTo(48);
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}

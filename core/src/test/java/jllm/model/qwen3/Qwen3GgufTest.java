package jllm.model.qwen3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jllm.testing.SharedData;
import jllm.format.gguf.GgufMetadata;
import jllm.format.gguf.GgufWriter;
import jllm.kernel.Kernels;
import jllm.model.Architectures;
import jllm.model.GgufExport;
import jllm.model.HfModelsOracleTest;
import jllm.model.LanguageModel;
import jllm.model.ModelSource;
import jllm.model.ModelSources;
import jllm.model.hf.GgufKeys;
import jllm.model.hf.HfConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Qwen3 from GGUF: the keys and names llama.cpp's converter writes run the same model. */
class Qwen3GgufTest {

    @Test
    void f32GgufOfTheTiedFolderMatchesTransformers(@TempDir Path tmp) throws Exception {
        Path dir = SharedData.require("testdata/hf-models/qwen3-tied");
        Path gguf = tmp.resolve("qwen3-tied.gguf");
        GgufMetadata vocabulary = GgufWriter.builder().putString("tokenizer.ggml.model", "gpt2").metadata();
        try (ModelSource src = ModelSources.safetensors(dir)) {
            GgufExport.write(src, Optional.of(vocabulary), Optional.empty(), gguf);
        }
        try (Kernels kernels = Kernels.best(); ModelSource src = ModelSources.gguf(gguf)) {
            assertThat(src.optionalTensor("output.weight")).isEmpty();
            assertThat(src.metadata().integer("qwen3.attention.key_length")).hasValue(24);
            assertThat(Architectures.forSource(src).details(src)).containsExactly(Map.entry("ropeScaling", "none"));
            LanguageModel m = Architectures.forSource(src).load(src, kernels);
            assertThat(m.info().qDim()).isEqualTo(96).isNotEqualTo(m.info().dim());
            HfModelsOracleTest.assertMatchesReference(m, dir, "qwen3-tied", 1e-3);
        }
    }

    @Test
    void yarnConfigGivesTheConvertersKeys() {
        HfConfig c = HfConfig.of(Map.of("model_type", "qwen3", "num_hidden_layers", 28L, "hidden_size", 1024L,
                "intermediate_size", 3072L, "num_attention_heads", 16L, "num_key_value_heads", 8L, "head_dim", 128L,
                "max_position_embeddings", 40960L, "rope_theta", 1000000.0, "rope_scaling",
                Map.of("rope_type", "yarn", "factor", 4.0, "original_max_position_embeddings", 32768L)), "config.json");
        GgufKeys k = new GgufKeys();
        new Qwen3Hf().metadata(c, k);
        assertThat(k.asMap().get("qwen3.rope.scaling.type").value()).isEqualTo("yarn");
        assertThat(k.asMap().get("qwen3.rope.scaling.factor").value()).isEqualTo(4.0);
        assertThat(k.asMap().get("qwen3.rope.scaling.original_context_length").value()).isEqualTo(32768L);
        assertThat(k.asMap().get("qwen3.attention.key_length").value()).isEqualTo(128L);
        assertThat(k.asMap().keySet()).noneMatch(key -> key.contains("yarn_beta"));
        assertThat(List.copyOf(k.asMap().keySet())).contains("qwen3.rope.freq_base");
    }
}

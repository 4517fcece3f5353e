package jllm.model.gemma3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import jllm.testing.SharedData;
import jllm.format.gguf.GgufMetadata;
import jllm.model.HfTestFolders;
import jllm.model.Transformers4Config;
import jllm.model.HfModelsOracleTest;
import jllm.model.ModelSource;
import jllm.model.ModelSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gemma3 oracle folders with config.json in the transformers 4 style (top-level rope_theta,
 * rope_local_base_freq, rope_scaling, and the pattern as sliding_window_pattern instead of
 * layer_types), and converted to GGUF, where the folders' 2 local : 1 global pattern (not llama.cpp's
 * assumed 5 : 1) must be written out.
 */
class Gemma3Test {
    @ParameterizedTest
    @ValueSource(strings = {"gemma3-text-base", "gemma3-text-scaled"})
    void transformers4ConfigMatchesTransformers(String name, @TempDir Path tmp) throws Exception {
        Path dir = Transformers4Config.copy(SharedData.require("testdata/hf-models/" + name), tmp, c -> {
            c.remove("layer_types");
            c.remove("_sliding_window_pattern");
            c.put("sliding_window_pattern", 3L);
        });
        try (ModelSource src = ModelSources.safetensors(dir)) {
            HfModelsOracleTest.assertMatchesReference(src, dir, name);
        }
    }

    @Test
    void convertedGgufMatchesTransformers(@TempDir Path tmp) throws Exception {
        String name = "gemma3-text-scaled";
        Path folder = SharedData.require("testdata/hf-models/" + name);
        try (ModelSource src = ModelSources.gguf(HfTestFolders.asGguf(folder, tmp.resolve(name + ".gguf")))) {
            GgufMetadata m = src.metadata();
            assertThat(m.string("gemma3.rope.scaling.type")).contains("linear");
            assertThat(m.number("gemma3.rope.scaling.factor").orElseThrow()).isEqualTo(8.0);
            assertThat(m.number("gemma3.rope.freq_base").orElseThrow()).isEqualTo(1e6);
            assertThat(m.number("gemma3.rope.freq_base_swa").orElseThrow()).isEqualTo(1e4);
            assertThat(m.boolArray("gemma3.attention.sliding_window_pattern").orElseThrow())
                    .containsExactly(true, true, false, true, true, false);
            assertThat(m.has("gemma3.attention.scale")).isFalse(); // query_pre_attn_scalar = head_dim, as llama.cpp assumes
            HfModelsOracleTest.assertMatchesReference(src, folder, name);
        }
    }

    @Test
    void releasedPatternNeedsNoPatternKey(@TempDir Path tmp) throws Exception {
        Path dir = Transformers4Config.copy(SharedData.require("testdata/hf-models/gemma3-text-base"), tmp, c -> {
            c.remove("layer_types");
            c.remove("rope_local_base_freq");
        });
        try (ModelSource src = ModelSources.safetensors(dir)) {
            assertThat(src.metadata().has("gemma3.attention.sliding_window_pattern")).isFalse();
            Gemma3Config c = Gemma3Config.from(src);
            assertThat(c.sliding()).containsExactly(true, true, true, true, true, false);
            assertThat(c.localTheta()).isEqualTo(10000f);
            assertThat(c.globalScale()).isEqualTo(1f);
        }
    }
}

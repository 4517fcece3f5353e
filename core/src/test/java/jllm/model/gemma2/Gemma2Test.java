package jllm.model.gemma2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import jllm.testing.SharedData;
import jllm.format.gguf.GgufMetadata;
import jllm.model.HfTestFolders;
import jllm.model.Transformers4Config;
import jllm.model.HfModelsOracleTest;
import jllm.model.ModelSource;
import jllm.model.ModelSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gemma2 oracle folder in the other forms it comes in: config.json in the transformers 4 style,
 * and converted to GGUF (where llama.cpp's keys alone must describe it); and the keys jllm adds only
 * where llama.cpp would infer a released model's values for a config that has others.
 */
class Gemma2Test {
    private static final String NAME = "gemma2-base";
    @Test
    void transformers4ConfigMatchesTransformers(@TempDir Path tmp) throws Exception {
        // transformers 4 wrote no layer_types for Gemma 2: layers alternate, the even ones sliding
        Path dir = Transformers4Config.copy(SharedData.require("testdata/hf-models/" + NAME), tmp, c -> c.remove("layer_types"));
        try (ModelSource src = ModelSources.safetensors(dir)) {
            assertThat(src.metadata().has("gemma2.rope.freq_base")).isFalse();
            HfModelsOracleTest.assertMatchesReference(src, dir, NAME);
        }
    }

    @Test
    void convertedGgufMatchesTransformers(@TempDir Path tmp) throws Exception {
        Path folder = SharedData.require("testdata/hf-models/" + NAME);
        try (ModelSource src = ModelSources.gguf(HfTestFolders.asGguf(folder, tmp.resolve(NAME + ".gguf")))) {
            // exactly the keys of llama.cpp's Gemma2Model converter: released-model values need nothing more
            assertThat(src.metadata().keys().stream().filter(k -> k.startsWith("gemma2.")).sorted().toList()).containsExactly(
                    "gemma2.attention.head_count", "gemma2.attention.head_count_kv", "gemma2.attention.key_length",
                    "gemma2.attention.layer_norm_rms_epsilon", "gemma2.attention.sliding_window",
                    "gemma2.attention.value_length", "gemma2.attn_logit_softcapping", "gemma2.block_count",
                    "gemma2.context_length", "gemma2.embedding_length", "gemma2.feed_forward_length",
                    "gemma2.final_logit_softcapping");
            assertThat(src.tensors()).doesNotContainKey("output.weight");
            HfModelsOracleTest.assertMatchesReference(src, folder, NAME);
        }
    }

    @Test
    void keysLlamaCppWouldInferWronglyAreWritten(@TempDir Path tmp) throws Exception {
        Path dir = Transformers4Config.copy(SharedData.require("testdata/hf-models/" + NAME), tmp, c -> {
            c.put("query_pre_attn_scalar", 32L);
            c.put("rope_theta", 50000.0);
            c.put("attn_logit_softcapping", jllm.format.json.Json.NULL);
            c.put("layer_types", List.of("full_attention", "sliding_attention", "sliding_attention", "full_attention"));
        });
        try (ModelSource src = ModelSources.safetensors(dir)) {
            GgufMetadata m = src.metadata();
            assertThat(m.number("gemma2.attention.scale").orElseThrow()).isEqualTo((float) Math.pow(32, -0.5));
            assertThat(m.boolArray("gemma2.attention.sliding_window_pattern").orElseThrow()).containsExactly(false, true, true, false);
            Gemma2Config c = Gemma2Config.from(src);
            assertThat(c.info().ropeTheta()).isEqualTo(50000f);
            assertThat(c.attnSoftCap()).isZero();
            assertThat(c.finalSoftCap()).isEqualTo(30f);
            assertThat(c.sliding()).containsExactly(false, true, true, false);
        }
    }
}

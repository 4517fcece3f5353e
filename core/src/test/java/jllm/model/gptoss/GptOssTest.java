package jllm.model.gptoss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;

import jllm.format.ModelFormatException;
import jllm.format.gguf.GgufFile;
import jllm.format.gguf.GgufMetadata;
import jllm.format.gguf.GgufTensorInfo;
import jllm.kernel.Transcendentals;
import jllm.model.HfTestFolders;
import jllm.model.ModelSource;
import jllm.model.blocks.Rope;
import jllm.model.hf.HfGgufExport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gpt-oss: the oracle folder in transformers 4 style, the converter's split and transposed experts (names,
 * shapes, types, order) and keys, and YaRN's ramp rounding as the config asks.
 */
class GptOssTest {
    private static final String CONFIG = """
            {"model_type": "gpt_oss", "hidden_size": 64, "intermediate_size": 48, "num_hidden_layers": 4,
             "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16, "num_local_experts": 4,
             "num_experts_per_tok": 2, "sliding_window": 8, "max_position_embeddings": 256%s,
             "rope_scaling": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 64,
                              "beta_fast": 32.0, "beta_slow": 1.0%s}, "rope_theta": 150000.0}""";

    @Test
    void expertsAreSplitAndTransposedAsTheConverterWritesThem(@TempDir Path tmp) {
        try (GgufFile f = HfTestFolders.converted("gpt-oss-base", HfGgufExport.OutType.F16, tmp)) {
            GgufMetadata m = f.metadata();
            assertThat(m.string("gpt-oss.rope.scaling.type")).hasValue("yarn");
            assertThat(m.number("gpt-oss.rope.scaling.factor")).hasValue(4.0);
            assertThat(m.integer("gpt-oss.rope.scaling.original_context_length")).hasValue(64L);
            assertThat(m.integer("gpt-oss.attention.sliding_window")).hasValue(8L);
            assertThat(m.integer("gpt-oss.expert_feed_forward_length")).hasValue(48L);
            assertThat(m.has("gpt-oss.rope.scaling.yarn_truncate")).isFalse();
            assertThat(m.has("gpt-oss.attention.sliding_window_pattern")).isFalse();
            List<String> names = f.tensorInfos().stream().map(GgufTensorInfo::name).toList();
            // Hugging Face's names in order: experts.down_proj(_bias), experts.gate_up_proj(_bias), router, norms, attention
            assertThat(names).containsSubsequence("blk.0.attn_norm.weight", "blk.0.ffn_down_exps.weight", "blk.0.ffn_down_exps.bias",
                    "blk.0.ffn_gate_exps.weight", "blk.0.ffn_up_exps.weight", "blk.0.ffn_gate_exps.bias", "blk.0.ffn_up_exps.bias",
                    "blk.0.ffn_gate_inp.bias", "blk.0.ffn_gate_inp.weight", "blk.0.post_attention_norm.weight",
                    "blk.0.attn_k.bias", "blk.0.attn_sinks.weight", "blk.0.attn_v.weight");
            assertThat(f.tensorInfos().stream().filter(t -> t.name().startsWith("blk.1.")).toList())
                    .extracting(t -> t.name() + " " + t.shape() + " " + t.type()).contains(
                            "blk.1.ffn_gate_exps.weight [64, 48, 4] F16", "blk.1.ffn_up_exps.weight [64, 48, 4] F16",
                            "blk.1.ffn_down_exps.weight [48, 64, 4] F16", "blk.1.ffn_gate_exps.bias [48, 4] F32",
                            "blk.1.ffn_up_exps.bias [48, 4] F32", "blk.1.ffn_down_exps.bias [64, 4] F32",
                            "blk.1.ffn_gate_inp.weight [64, 4] F32", "blk.1.ffn_gate_inp.bias [4] F32",
                            "blk.1.attn_sinks.weight [4] F32");
        }
    }

    @Test
    void yarnRampIsRoundedOnlyWhereTheConfigSays() {
        // transformers rounds the ramp unless rope_parameters says "truncate": false (as gpt-oss's configs do)
        GgufMetadata unrounded = HfTestFolders.converted(CONFIG.formatted("", ", \"truncate\": false"));
        GgufMetadata rounded = HfTestFolders.converted(CONFIG.formatted("", ""));
        assertThat(unrounded.has("gpt-oss.rope.scaling.yarn_truncate")).isFalse();
        assertThat(rounded.bool("gpt-oss.rope.scaling.yarn_truncate")).hasValue(true);
        try (ModelSource a = HfTestFolders.metadataOnly(unrounded, 16, 64); ModelSource b = HfTestFolders.metadataOnly(rounded, 16, 64)) {
            GptOssConfig c = GptOssConfig.from(a);
            assertThat(c.scaling().truncate()).isFalse();
            assertThat(c.scaling().freqScale()).isEqualTo(0.25f);
            assertThat(c.scaling().origContext()).isEqualTo(64);
            assertThat(c.routing().topK()).isEqualTo(2);
            assertThat(c.expertHidden()).isEqualTo(48);
            assertThat(c.sliding()).containsExactly(true, false, true, false);
            assertThat(GptOssConfig.from(b).scaling().truncate()).isTrue();
            assertThat(GptOssArchitecture.FAMILY.details(a)).containsEntry("ropeScaling", "yarn x4.0 (original context 64)")
                    .containsEntry("slidingWindow", "8 on layers 0,2");
            assertThat(GptOssArchitecture.FAMILY.details(b).get("ropeScaling")).endsWith("ramp rounded)");
        }
    }

    /** Rope's YaRN angles against transformers' _compute_yarn_parameters, with the ramp rounded and not. */
    @Test
    void yarnAnglesFollowTransformers() {
        int dim = 16;
        double base = 150000;
        double factor = 4;
        int original = 64;
        for (boolean truncate : new boolean[] {true, false}) {
            Rope rope = new Rope(Rope.Style.NEOX, dim, dim, new Rope.Scaling((float) base, (float) (1 / factor), 1f, 1f, 32f, 1f,
                    original, null, truncate));
            double low = dim * Math.log(original / (32 * 2 * Math.PI)) / (2 * Math.log(base));
            double high = dim * Math.log(original / (1 * 2 * Math.PI)) / (2 * Math.log(base));
            low = Math.max(truncate ? Math.floor(low) : low, 0);
            high = Math.min(truncate ? Math.ceil(high) : high, dim - 1);
            double mscale = 0.1 * Math.log(factor) + 1;
            int pos = 37;
            float[] cos = new float[dim / 2];
            float[] sin = new float[dim / 2];
            rope.angles(pos, cos, sin, 0, Transcendentals.FAST);
            for (int i = 0; i < dim / 2; i++) {
                double extrapolation = Math.pow(base, -2.0 * i / dim);
                double ramp = Math.min(1, Math.max(0, (i - low) / (high - low)));
                double invFreq = extrapolation / factor * ramp + extrapolation * (1 - ramp);
                assertThat((double) cos[i]).as("truncate %s pair %d", truncate, i).isCloseTo(Math.cos(pos * invFreq) * mscale, within(2e-5));
                assertThat((double) sin[i]).isCloseTo(Math.sin(pos * invFreq) * mscale, within(2e-5));
            }
        }
    }

    @Test
    void layerTypesOtherThanAlternatingAreWritten() {
        GgufMetadata m = HfTestFolders.converted(CONFIG.formatted(", \"layer_types\": [\"full_attention\", \"sliding_attention\","
                + " \"sliding_attention\", \"full_attention\"]", ""));
        try (ModelSource s = HfTestFolders.metadataOnly(m, 16, 64)) {
            assertThat(GptOssConfig.from(s).sliding()).containsExactly(false, true, true, false);
        }
    }

    @Test
    void mxfp4CheckpointsAreRefusedWithAReason() {
        assertThatThrownBy(() -> HfTestFolders.converted(CONFIG.formatted(", \"quantization_config\": {\"quant_method\": \"mxfp4\"}", "")))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("MXFP4");
    }


    @Test
    void transformers4ConfigMatchesTransformers(@TempDir Path tmp) throws Exception {
        HfTestFolders.assertTransformers4CopyMatches("gpt-oss-base", tmp);
    }
}

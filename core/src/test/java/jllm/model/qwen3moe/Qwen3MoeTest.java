package jllm.model.qwen3moe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import jllm.format.gguf.GgufFile;
import jllm.format.gguf.GgufMetadata;
import jllm.format.gguf.GgufTensorInfo;
import jllm.model.HfTestFolders;
import jllm.model.ModelSource;
import jllm.model.hf.HfGgufExport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Qwen3-MoE: the oracle folder in transformers 4 style, the converter's stacked expert tensors (names,
 * shapes, order) and keys, and norm_topk_prob.
 */
class Qwen3MoeTest {

    @Test
    void transformers4ConfigMatchesTransformers(@TempDir Path tmp) throws Exception {
        HfTestFolders.assertTransformers4CopyMatches("qwen3-moe-base", tmp);
    }

    @Test
    void expertsAreStackedAsTheConverterWritesThem(@TempDir Path tmp) {
        try (GgufFile f = HfTestFolders.converted("qwen3-moe-base", HfGgufExport.OutType.F32, tmp)) {
            List<String> names = f.tensorInfos().stream().map(GgufTensorInfo::name).toList();
            // merged when the layer's last expert arrives (before mlp.gate), down, gate, up
            assertThat(names).containsSubsequence("blk.0.attn_norm.weight", "blk.0.ffn_down_exps.weight",
                    "blk.0.ffn_gate_exps.weight", "blk.0.ffn_up_exps.weight", "blk.0.ffn_gate_inp.weight", "blk.0.ffn_norm.weight",
                    "blk.0.attn_k_norm.weight");
            assertThat(names.indexOf("blk.0.ffn_up_exps.weight") + 1).isEqualTo(names.indexOf("blk.0.ffn_gate_inp.weight"));
            var shapes = f.tensorInfos().stream().filter(t -> t.name().startsWith("blk.1.ffn_")).toList();
            assertThat(shapes).extracting(t -> t.name() + " " + t.shape()).contains(
                    "blk.1.ffn_gate_exps.weight [64, 48, 8]", "blk.1.ffn_up_exps.weight [64, 48, 8]",
                    "blk.1.ffn_down_exps.weight [48, 64, 8]", "blk.1.ffn_gate_inp.weight [64, 8]");
            assertThat(f.metadata().keys()).containsSubsequence("qwen3moe.attention.layer_norm_rms_epsilon", "qwen3moe.expert_count",
                    "qwen3moe.expert_used_count", "qwen3moe.attention.key_length", "general.file_type",
                    "qwen3moe.expert_feed_forward_length", "general.quantization_version");
            assertThat(f.metadata().integer("qwen3moe.expert_count")).hasValue(8);
            assertThat(f.metadata().integer("qwen3moe.expert_feed_forward_length")).hasValue(48);
            assertThat(f.metadata().has("qwen3moe.expert_weights_norm")).isFalse();
            assertThat(f.metadata().string("general.size_label")).get().asString().startsWith("8x");
        }
    }

    @Test
    void unnormalizedTopKIsKept() {
        String config = """
                {"model_type": "qwen3_moe", "hidden_size": 64, "intermediate_size": 160, "moe_intermediate_size": 48,
                 "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16,
                 "num_experts": 8, "num_experts_per_tok": 2%s}""";
        GgufMetadata plain = HfTestFolders.converted(config.formatted(", \"norm_topk_prob\": true"));
        try (ModelSource s = HfTestFolders.metadataOnly(plain, 16, 64)) {
            Qwen3MoeConfig c = Qwen3MoeConfig.from(s);
            assertThat(c.routing().normalize()).isTrue();
            assertThat(c.routing().topK()).isEqualTo(2);
            assertThat(c.expertHidden()).isEqualTo(48);
        }
        // transformers' default is false; llama.cpp would renormalize, so the key says it
        GgufMetadata unnormalized = HfTestFolders.converted(config.formatted(""));
        assertThat(unnormalized.bool("qwen3moe.expert_weights_norm")).hasValue(false);
        try (ModelSource s = HfTestFolders.metadataOnly(unnormalized, 16, 64)) {
            assertThat(Qwen3MoeConfig.from(s).routing().normalize()).isFalse();
        }
    }
}

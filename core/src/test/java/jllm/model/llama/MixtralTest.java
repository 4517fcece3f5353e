package jllm.model.llama;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import jllm.format.gguf.GgufFile;
import jllm.format.gguf.GgufTensorInfo;
import jllm.model.HfTestFolders;
import jllm.model.hf.HfGgufExport;
import jllm.model.hf.HfNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mixtral as the llama family with experts: names, the converter's stacking order, transformers 4 config. */
class MixtralTest {

    @Test
    void transformers4ConfigMatchesTransformers(@TempDir Path tmp) throws Exception {
        HfTestFolders.assertTransformers4CopyMatches("mixtral-base", tmp);
    }

    @Test
    void expertsMapToStackedTensors() {
        HfNames names = new LlamaHf().names();
        assertThat(names.toGguf("model.layers.1.block_sparse_moe.gate.weight")).contains("blk.1.ffn_gate_inp.weight");
        var part = names.expertPart("model.layers.1.block_sparse_moe.experts.3.w2.weight").orElseThrow();
        assertThat(part.stacked()).isEqualTo("blk.1.ffn_down_exps.weight");
        assertThat(part.expert()).isEqualTo(3);
        assertThat(part.group()).containsExactly("blk.1.ffn_gate_exps.weight", "blk.1.ffn_down_exps.weight", "blk.1.ffn_up_exps.weight");
        assertThat(names.expertPart("model.layers.1.block_sparse_moe.experts.03.w2.weight")).isEmpty();
        assertThat(names.expertPart("model.layers.1.block_sparse_moe.experts.3.w4.weight")).isEmpty();
        assertThat(names.expertPart("model.layers.1.mlp.gate_proj.weight")).isEmpty();
    }

    @Test
    void convertedFileStacksW1W2W3AndCountsExperts(@TempDir Path tmp) {
        try (GgufFile f = HfTestFolders.converted("mixtral-base", HfGgufExport.OutType.F16, tmp)) {
            List<String> names = f.tensorInfos().stream().map(GgufTensorInfo::name).toList();
            assertThat(names).containsSubsequence("blk.0.ffn_gate_exps.weight", "blk.0.ffn_down_exps.weight",
                    "blk.0.ffn_up_exps.weight", "blk.0.ffn_gate_inp.weight", "blk.0.attn_norm.weight");
            assertThat(f.metadata().keys()).containsSubsequence("llama.attention.layer_norm_rms_epsilon", "llama.expert_count",
                    "llama.expert_used_count", "llama.attention.key_length", "general.file_type", "llama.vocab_size");
            assertThat(f.metadata().integer("llama.expert_count")).hasValue(4);
            assertThat(f.metadata().integer("llama.expert_used_count")).hasValue(2);
        }
    }
}

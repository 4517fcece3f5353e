package jllm.model.llama;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import jllm.testing.SharedData;
import jllm.format.gguf.GgufFile;
import jllm.format.gguf.GgufTensorInfo;
import jllm.kernel.Kernels;
import jllm.model.Architectures;
import jllm.model.HfTestFolders;
import jllm.model.KvCache;
import jllm.model.LanguageModel;
import jllm.model.ModelSource;
import jllm.model.ModelSources;
import jllm.model.Transformers4Config;
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

    /**
     * Mistral's sliding_window (transformers applies it): a query sees its last 4 positions, so the
     * first 4 positions' logits are those without a window and later ones are not; the converted file
     * keeps the window as a key.
     */
    @Test
    void slidingWindowLimitsAttentionFromTheWindowOn(@TempDir Path tmp) throws Exception {
        Path base = SharedData.require("testdata/hf-models/mixtral-base");
        Path windowed = Transformers4Config.copy(base, tmp.resolve("windowed"), cfg -> cfg.put("sliding_window", 4));
        int[] tokens = {394, 417, 261, 375, 14, 377, 279, 261, 369};
        float[] full;
        float[] got;
        try (Kernels k = Kernels.best(); ModelSource a = ModelSources.safetensors(base); ModelSource b = ModelSources.safetensors(windowed)) {
            LanguageModel plain = Architectures.forSource(a).load(a, k);
            full = plain.forward(plain.newCache(16, KvCache.Type.F32), tokens, LanguageModel.Logits.ALL);
            LanguageModel m = Architectures.forSource(b).load(b, k);
            got = m.forward(m.newCache(16, KvCache.Type.F32), tokens, LanguageModel.Logits.ALL);
            assertThat(b.metadata().integer("llama.attention.sliding_window")).hasValue(4);
        }
        int vocab = full.length / tokens.length;
        for (int pos = 0; pos < tokens.length; pos++) {
            double diff = 0;
            for (int v = 0; v < vocab; v++) {
                diff = Math.max(diff, Math.abs(full[pos * vocab + v] - got[pos * vocab + v]));
            }
            if (pos < 4) {
                assertThat(diff).as("position %d, inside the window", pos).isLessThan(1e-5);
            } else {
                assertThat(diff).as("position %d, past the window", pos).isGreaterThan(1e-3);
            }
        }
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

package jllm.model.olmo2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import jllm.format.gguf.GgufMetadata;
import jllm.format.gguf.GgufValue;
import jllm.format.gguf.GgufValueType;
import jllm.model.HfTestFolders;
import jllm.model.ModelSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OLMo 2's post-norm names, the OLMo 3 files it refuses, and the oracle folder in transformers 4 style. */
class Olmo2Test {

    @Test
    void transformers4ConfigMatchesTransformers(@TempDir Path tmp) throws Exception {
        HfTestFolders.assertTransformers4CopyMatches("olmo2-base", tmp);
    }

    @Test
    void normsAfterSublayersKeepTheirPostNormNames() {
        var names = new Olmo2Hf().names();
        assertThat(names.toGguf("model.layers.2.post_attention_layernorm.weight")).contains("blk.2.post_attention_norm.weight");
        assertThat(names.toGguf("model.layers.2.post_feedforward_layernorm.weight")).contains("blk.2.post_ffw_norm.weight");
        assertThat(names.toGguf("model.layers.2.self_attn.k_norm.weight")).contains("blk.2.attn_k_norm.weight");
    }

    @Test
    void slidingWindowFilesAreRefused() {
        GgufMetadata plain = HfTestFolders.converted("""
                {"model_type": "olmo2", "hidden_size": 64, "intermediate_size": 160, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "rope_theta": 500000.0}""");
        try (ModelSource s = HfTestFolders.metadataOnly(plain, 16, 64)) {
            assertThat(Olmo2Architecture.FAMILY.info(s).ropeTheta()).isEqualTo(500000f);
        }
        Map<String, GgufValue> keys = new LinkedHashMap<>(plain.asMap());
        keys.put("olmo2.attention.sliding_window", new GgufValue(GgufValueType.UINT32, 4096L));
        try (ModelSource s = HfTestFolders.metadataOnly(new GgufMetadata("olmo3.gguf", keys), 16, 64)) {
            assertThatThrownBy(() -> Olmo2Architecture.FAMILY.info(s)).hasMessageContaining("OLMo 3");
        }
    }
}

package jllm.model.granite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import jllm.format.gguf.GgufMetadata;
import jllm.model.HfTestFolders;
import jllm.model.ModelSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Granite's multipliers on their way from config.json to GGUF keys and back, and the oracle folder in transformers 4 style. */
class GraniteTest {
    private static final String CONFIG = """
            {"model_type": "granite", "hidden_size": 64, "intermediate_size": 160, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 32, "rope_theta": 10000.0,
             "vocab_size": 512%s}""";

    @Test
    void transformers4ConfigMatchesTransformers(@TempDir Path tmp) throws Exception {
        HfTestFolders.assertTransformers4CopyMatches("granite-base", tmp);
    }

    @Test
    void multipliersBecomeLlamaCppScales() {
        GgufMetadata m = HfTestFolders.converted(CONFIG.formatted(", \"embedding_multiplier\": 12.0, "
                + "\"attention_multiplier\": 0.0625, \"residual_multiplier\": 0.22, \"logits_scaling\": 8.0"));
        assertThat(m.number("granite.embedding_scale").getAsDouble()).isEqualTo(12.0);
        assertThat(m.number("granite.attention.scale").getAsDouble()).isEqualTo(0.0625);
        assertThat(m.number("granite.residual_scale").getAsDouble()).isEqualTo((double) 0.22f);
        assertThat(m.number("granite.logit_scale").getAsDouble()).isEqualTo(8.0);
        // the converter ignores head_dim: heads are hidden_size / num_attention_heads wide
        assertThat(m.has("granite.attention.key_length")).isFalse();
        assertThat(m.integer("granite.rope.dimension_count").getAsLong()).isEqualTo(16);
        try (ModelSource s = HfTestFolders.metadataOnly(m, 512, 64)) {
            GraniteConfig c = GraniteConfig.from(s);
            assertThat(c.info().headDim()).isEqualTo(16);
            assertThat(new float[] {c.embeddingScale(), c.attentionScale(), c.residualScale(), c.logitDivisor()})
                    .containsExactly(12f, 0.0625f, 0.22f, 8f);
        }
    }

    @Test
    void absentMultipliersAreTransformersDefaultsAndZeroIsNone() {
        // transformers' defaults are 1 (so the attention scale is 1, not 1/sqrt(headDim)); 0 is not written
        GgufMetadata m = HfTestFolders.converted(CONFIG.formatted(", \"attention_multiplier\": 0"));
        assertThat(m.has("granite.attention.scale")).isFalse();
        assertThat(m.number("granite.embedding_scale").getAsDouble()).isEqualTo(1.0);
        assertThat(m.number("granite.logit_scale").getAsDouble()).isEqualTo(1.0);
        try (ModelSource s = HfTestFolders.metadataOnly(m, 512, 64)) {
            // as llama.cpp: no attention scale in the file means 1/sqrt(headDim)
            assertThat(GraniteConfig.from(s).attentionScale()).isEqualTo(0.25f);
        }
    }
}

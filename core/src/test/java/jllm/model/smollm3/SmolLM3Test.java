package jllm.model.smollm3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import jllm.format.gguf.GgufMetadata;
import jllm.model.HfTestFolders;
import jllm.model.ModelSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmolLM3's layers without rope: llama.cpp's fixed period when the checkpoint has it, one more key when
 * it does not; and the oracle folder in transformers 4 style.
 */
class SmolLM3Test {
    private static final String CONFIG = """
            {"model_type": "smollm3", "hidden_size": 64, "intermediate_size": 160, "num_hidden_layers": 6,
             "num_attention_heads": 4, "num_key_value_heads": 2, "rope_theta": 1000000.0%s}""";

    @Test
    void transformers4ConfigMatchesTransformers(@TempDir Path tmp) throws Exception {
        HfTestFolders.assertTransformers4CopyMatches("smollm3-base", tmp);
    }

    @Test
    void everyFourthLayerIsLlamaCppsPatternAndWritesNoKey() {
        for (String extra : new String[] {"", ", \"no_rope_layer_interval\": 4", ", \"no_rope_layers\": [1, 1, 1, 0, 1, 1]"}) {
            GgufMetadata m = HfTestFolders.converted(CONFIG.formatted(extra));
            assertThat(m.has(SmolLM3Config.ROPE_LAYERS_KEY)).as(extra).isFalse();
            assertThat(ropeLayers(m)).as(extra).containsExactly(true, true, true, false, true, true);
        }
    }

    @Test
    void anotherPatternTravelsInItsOwnKey() {
        GgufMetadata m = HfTestFolders.converted(CONFIG.formatted(", \"no_rope_layer_interval\": 3"));
        assertThat(m.integerArray(SmolLM3Config.ROPE_LAYERS_KEY).orElseThrow()).containsExactly(1, 1, 0, 1, 1, 0);
        assertThat(ropeLayers(m)).containsExactly(true, true, false, true, true, false);
        GgufMetadata given = HfTestFolders.converted(CONFIG.formatted(", \"no_rope_layers\": [0, 1, 1, 1, 1, 1]"));
        assertThat(ropeLayers(given)).containsExactly(false, true, true, true, true, true);
    }

    private static boolean[] ropeLayers(GgufMetadata m) {
        try (ModelSource s = HfTestFolders.metadataOnly(m, 16, 64)) {
            return SmolLM3Config.from(s).rope();
        }
    }
}

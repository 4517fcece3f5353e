package jllm.model.llama;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import jllm.model.hf.GgufKeys;
import jllm.model.hf.HfConfig;
import jllm.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Llama 3.1 rope scaling from a Hugging Face config becomes llama.cpp's rope_freqs divisors. */
class RopeScalingTest {

    @Test
    void llama32ConfigGivesTheReferenceDivisors() {
        Map<String, Object> cfg = Map.of("rope_theta", 500000.0, "rope_scaling", Map.of("rope_type", "llama3",
                "factor", 32.0, "low_freq_factor", 1.0, "high_freq_factor", 4.0, "original_max_position_embeddings", 8192L));
        Map<String, Object> full = new java.util.HashMap<>(cfg);
        full.putAll(Map.of("num_attention_heads", 32L, "hidden_size", 2048L));
        Tensor t = new LlamaHf().extraTensors(HfConfig.of(full, "config.json"), new GgufKeys()).get("rope_freqs.weight");
        float[] got = new float[32];
        for (int i = 0; i < 32; i++) {
            got[i] = t.data().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, i);
        }
        // what llama.cpp's converter (34af94cd9, LlamaModel.generate_extra_tensors: torch in float32) writes for
        // this config; shared/tools/make_gguf.py's float64 numpy, which wrote the llama3-1b benchmark files,
        // gives 3.292262 and 9.666729 for pairs 16 and 17, within 3e-7 of these
        float[] expected = new float[32];
        java.util.Arrays.fill(expected, 0, 15, 1.0f);
        expected[15] = 1.6513293f;
        expected[16] = 3.2922628f;
        expected[17] = 9.666731f;
        java.util.Arrays.fill(expected, 18, 32, 32.0f);
        assertThat(got).containsExactly(expected);
        assertThat(new LlamaHf().extraTensors(HfConfig.of(Map.of("num_attention_heads", 32L, "hidden_size", 2048L),
                "config.json"), new GgufKeys())).isEmpty();
    }
}

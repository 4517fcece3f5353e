package jllm.model.granite;

import java.util.LinkedHashMap;
import java.util.Map;

import jllm.model.hf.GgufKeys;
import jllm.model.hf.HfCheckpoint;
import jllm.model.hf.HfConfig;
import jllm.model.hf.LlamaModelConversion;

/**
 * Granite checkpoints ({@code GraniteForCausalLM}) as llama.cpp's {@code GraniteModel} converter writes
 * them: llama's keys without {@code head_dim}, the four multipliers renamed to scales, q/k rows
 * permuted for NORM rope, and the tokenizer keys of {@code LlamaModel.set_vocab}, which it inherits
 * (tokenizer_config.json's add_prefix_space first; no BOS for a vocabulary of 49152).
 */
final class GraniteHf implements LlamaModelConversion {
    @Override
    public void metadata(HfConfig config, GgufKeys k) {
        // the converter drops head_dim: Granite's heads are hidden_size / num_attention_heads wide
        Map<String, Object> raw = new LinkedHashMap<>(config.raw());
        raw.remove("head_dim");
        HfConfig c = HfConfig.of(raw, config.file());
        c.rope("full_attention", 10000).requireType("granite", "default", "linear");
        HfCheckpoint.llamaKeys(c, k, "granite");
        // transformers' defaults are 1; the converter writes each only when it is not 0
        scale(c, k, "attention_multiplier", "granite.attention.scale");
        scale(c, k, "embedding_multiplier", "granite.embedding_scale");
        scale(c, k, "residual_multiplier", "granite.residual_scale");
        scale(c, k, "logits_scaling", "granite.logit_scale");
    }

    private static void scale(HfConfig c, GgufKeys k, String hfKey, String ggufKey) {
        double v = c.number(hfKey, 1);
        if (v != 0) {
            k.f32(ggufKey, v);
        }
    }
}

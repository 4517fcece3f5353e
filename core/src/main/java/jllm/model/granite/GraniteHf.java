package jllm.model.granite;

import java.util.LinkedHashMap;
import java.util.Map;

import jllm.model.blocks.Rope;
import jllm.model.hf.GgufKeys;
import jllm.model.hf.HfCheckpoint;
import jllm.model.hf.HfConfig;
import jllm.model.hf.HfConversion;

/**
 * Granite checkpoints ({@code GraniteForCausalLM}) as llama.cpp's {@code GraniteModel} converter writes
 * them: llama's keys without {@code head_dim}, the four multipliers renamed to scales, and q/k rows
 * permuted for NORM rope.
 */
final class GraniteHf implements HfConversion {
    @Override
    public void metadata(HfConfig config, GgufKeys k) {
        // the converter drops head_dim: Granite's heads are hidden_size / num_attention_heads wide
        Map<String, Object> raw = new LinkedHashMap<>(config.raw());
        raw.remove("head_dim");
        HfConfig c = HfConfig.of(raw, config.file());
        HfCheckpoint.llamaKeys(c, k, "granite");
        HfConfig.RopeParameters rope = c.rope("full_attention", 10000);
        switch (rope.type()) {
            case "default" -> {
            }
            case "linear" -> k.str("granite.rope.scaling.type", "linear").f32("granite.rope.scaling.factor", rope.number("factor", 1));
            default -> throw c.error("rope_scaling", "rope scaling type \"" + rope.type()
                    + "\" is not supported for granite (jllm supports linear)");
        }
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

    @Override
    public Rope.Style ggufRope() {
        return Rope.Style.NORM;
    }
}

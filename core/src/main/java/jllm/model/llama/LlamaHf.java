package jllm.model.llama;

import java.util.List;
import java.util.Map;

import jllm.model.TensorName;
import jllm.model.blocks.Rope;
import jllm.model.hf.GgufKeys;
import jllm.model.hf.HfCheckpoint;
import jllm.model.hf.HfConfig;
import jllm.model.hf.HfConversion;
import jllm.tensor.Tensor;

/**
 * Llama-family checkpoints ({@code LlamaForCausalLM}, {@code MistralForCausalLM}) as llama.cpp's
 * {@code LlamaModel} converter writes them: q/k rows permuted for NORM rope, linear rope scaling as
 * keys, Llama 3.1's scaling as a {@code rope_freqs} tensor.
 */
final class LlamaHf implements HfConversion {
    @Override
    public List<String> modelTypes() {
        return List.of("llama", "mistral");
    }

    @Override
    public void metadata(HfConfig c, GgufKeys k) {
        HfCheckpoint.commonKeys(c, k, "llama");
        if (c.has("vocab_size")) {
            k.u32("llama.vocab_size", c.integer("vocab_size"));
        }
        int heads = c.integer("num_attention_heads");
        k.u32("llama.rope.dimension_count", c.integer("head_dim", c.integer("hidden_size") / heads));
        HfConfig.RopeParameters rope = c.rope("full_attention", 10000);
        switch (rope.type()) {
            case "default", "llama3" -> {
            }
            case "linear" -> k.str("llama.rope.scaling.type", "linear").f32("llama.rope.scaling.factor", rope.number("factor", 1));
            default -> throw c.error("rope_scaling", "rope scaling type \"" + rope.type()
                    + "\" is not supported for llama (jllm supports linear and llama3)");
        }
    }

    @Override
    public Map<String, Tensor> extraTensors(HfConfig c, GgufKeys keys) {
        HfConfig.RopeParameters rope = c.rope("full_attention", 10000);
        if (!rope.type().equals("llama3")) {
            return Map.of();
        }
        int heads = c.integer("num_attention_heads");
        int headDim = c.integer("head_dim", c.integer("hidden_size") / heads);
        return Map.of(TensorName.ROPE_FREQS.global(), HfCheckpoint.floats(TensorName.ROPE_FREQS.global(), llama3Factors(rope, headDim)));
    }

    /**
     * Llama 3.1's rope scaling as the per-pair frequency divisors llama.cpp stores in
     * {@code rope_freqs.weight}: long wavelengths divided by the factor, short ones kept, a smooth blend
     * between.
     */
    static float[] llama3Factors(HfConfig.RopeParameters rope, int headDim) {
        double base = rope.theta();
        double factor = rope.number("factor", 8);
        double low = rope.number("low_freq_factor", 1);
        double high = rope.number("high_freq_factor", 4);
        double oldCtx = rope.number("original_max_position_embeddings", 8192);
        double lowWavelen = oldCtx / low;
        double highWavelen = oldCtx / high;
        float[] factors = new float[headDim / 2];
        for (int i = 0; i < factors.length; i++) {
            double freq = 1.0 / Math.pow(base, (2.0 * i) / headDim);
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < highWavelen) {
                factors[i] = 1f;
            } else if (wavelen > lowWavelen) {
                factors[i] = (float) factor;
            } else {
                double smooth = (oldCtx / wavelen - low) / (high - low);
                factors[i] = (float) (1.0 / ((1 - smooth) / factor + smooth));
            }
        }
        return factors;
    }

    @Override
    public Rope.Style ggufRope() {
        return Rope.Style.NORM;
    }
}

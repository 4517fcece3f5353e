package jllm.model.llama;

import java.util.Map;

import jllm.model.TensorName;
import jllm.model.hf.GgufKeys;
import jllm.model.hf.HfCheckpoint;
import jllm.model.hf.HfConfig;
import jllm.model.hf.LlamaModelConversion;
import jllm.model.hf.HfNames;
import jllm.tensor.Tensor;

/**
 * Llama-family checkpoints ({@code LlamaForCausalLM}, {@code MistralForCausalLM}) as llama.cpp's
 * {@code LlamaModel} converter writes them: q/k rows permuted for NORM rope, linear rope scaling as
 * keys, Llama 3.1's scaling as a {@code rope_freqs} tensor, and {@code LlamaModel.set_vocab}'s tokenizer
 * keys. Mixtral ({@code MixtralForCausalLM}) is the same converter: its router becomes {@code ffn_gate_inp}
 * and its experts' w1, w2, w3 are stacked into {@code ffn_gate_exps}, {@code ffn_down_exps},
 * {@code ffn_up_exps}, in that order. A Mistral/Mixtral {@code sliding_window} is kept as
 * {@code llama.attention.sliding_window}, a key the converter does not write.
 */
final class LlamaHf implements LlamaModelConversion {
    @Override
    public void metadata(HfConfig c, GgufKeys k) {
        // linear scaling is written as keys (with the common ones), Llama 3's as a tensor (extraTensors)
        c.rope("full_attention", 10000).requireType("llama", "default", "linear", "llama3");
        HfCheckpoint.llamaKeys(c, k, "llama");
        // Mistral v0.1's window (transformers applies it; llama.cpp's converter drops it): an extra key
        if (c.has("sliding_window")) {
            k.u32("llama.attention.sliding_window", c.count("sliding_window", 0));
        }
    }

    @Override
    public HfNames names() {
        return HfNames.standard().with("block_sparse_moe.gate", "ffn_gate_inp")
                .withExperts("block_sparse_moe.experts", "w1", "ffn_gate_exps", "w2", "ffn_down_exps", "w3", "ffn_up_exps");
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
     * between. Computed in float32 step by step as the converter's torch code does (a scalar divided by a
     * tensor is its reciprocal times the scalar), so the bits are the converter's.
     */
    static float[] llama3Factors(HfConfig.RopeParameters rope, int headDim) {
        float base = (float) rope.theta();
        float factor = (float) rope.number("factor", 8);
        double low = rope.number("low_freq_factor", 1);
        double high = rope.number("high_freq_factor", 4);
        double oldCtx = rope.number("original_max_position_embeddings", 8192);
        float lowWavelen = (float) (oldCtx / low);
        float highWavelen = (float) (oldCtx / high);
        float[] factors = new float[headDim / 2];
        for (int i = 0; i < factors.length; i++) {
            float freq = 1f / (float) Math.pow(base, (float) (2 * i) / (float) headDim);
            float wavelen = (1f / freq) * (float) (2 * Math.PI);
            if (wavelen < highWavelen) {
                factors[i] = 1f;
            } else if (wavelen > lowWavelen) {
                factors[i] = factor;
            } else {
                float smooth = ((1f / wavelen) * (float) oldCtx - (float) low) / (float) (high - low);
                factors[i] = 1f / ((1f - smooth) / factor + smooth);
            }
        }
        return factors;
    }
}

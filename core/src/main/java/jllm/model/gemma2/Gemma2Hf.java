package jllm.model.gemma2;

import java.util.Arrays;

import jllm.model.HyperParams;
import jllm.model.hf.GgufKeys;
import jllm.model.hf.HfConfig;
import jllm.model.hf.HfConversion;
import jllm.model.hf.HfNames;

/**
 * Gemma 2 checkpoints ({@code Gemma2ForCausalLM}) as llama.cpp's {@code Gemma2Model} converter writes
 * them: its own keys in its order (no rope keys; the file type before the soft-caps), the soft-caps and
 * window, norm weights plus 1, no classifier (tied).
 *
 * <p>Deliberate differences from that converter's file:
 * <ul>
 * <li>Where the file would run differently from transformers (a rope base other than 10000, a
 *     query_pre_attn_scalar llama.cpp does not infer, layer types other than alternating), jllm adds the
 *     key that says so ({@code rope.freq_base}, {@code attention.scale},
 *     {@code attention.sliding_window_pattern}, after the converter's keys); a released-style config
 *     needs none of them, and its keys and tensors are the converter's byte for byte.</li>
 * <li>The tokenizer: the converter reads only {@code tokenizer.model} (SentencePiece, then
 *     {@code add_space_prefix} false) and fails without it; jllm reads only a byte-level BPE
 *     tokenizer.json and writes it as {@code _set_vocab_gpt2} does, as the converter's Gemma 3 class does
 *     for a folder without tokenizer.model.</li>
 * <li>A soft-cap of null is written as 0 (none), where the converter fails; an absent one as
 *     transformers' default.</li>
 * </ul>
 */
final class Gemma2Hf implements HfConversion {
    private static final String A = Gemma2Config.ARCH + ".";

    @Override
    public void metadata(HfConfig c, GgufKeys k) {
        int layers = c.integer("num_hidden_layers");
        int dim = c.integer("hidden_size");
        int heads = c.integer("num_attention_heads");
        int headDim = c.integer("head_dim", 256);
        checkCausalGelu(c);
        // Gemma2Model.set_gguf_parameters, in its order (transformers' defaults where config.json is silent)
        k.u32(A + "context_length", c.integer("max_position_embeddings", 8192));
        k.u32(A + "embedding_length", dim);
        k.u32(A + "block_count", layers);
        k.u32(A + "feed_forward_length", c.integer("intermediate_size"));
        k.u32(A + "attention.head_count", heads);
        k.u32(A + "attention.head_count_kv", c.integer("num_key_value_heads", 4));
        k.f32(A + "attention.layer_norm_rms_epsilon", c.number("rms_norm_eps", 1e-6));
        k.u32(A + "attention.key_length", headDim);
        k.u32(A + "attention.value_length", headDim);
        k.u32("general.file_type", 0); // its place; the file's type is set later
        // a cap of null in config.json means none: written as 0, which jllm reads as none
        k.f32(A + "attn_logit_softcapping", c.raw().containsKey("attn_logit_softcapping") ? c.number("attn_logit_softcapping", 0) : 50);
        k.f32(A + "final_logit_softcapping", c.raw().containsKey("final_logit_softcapping") ? c.number("final_logit_softcapping", 0) : 30);
        k.u32(A + "attention.sliding_window", c.raw().containsKey("sliding_window") ? c.count("sliding_window", 0) : 4096);
        // what llama.cpp would infer wrongly for this config
        HfConfig.RopeParameters rope = c.rope("full_attention", 10000);
        if (!rope.type().equals("default")) {
            throw c.error("rope_parameters", "rope scaling type \"" + rope.type() + "\" is not supported for gemma2");
        }
        if (rope.theta() != 10000) {
            k.f32(A + "rope.freq_base", rope.theta());
        }
        float scale = (float) Math.pow(c.number("query_pre_attn_scalar", 256), -0.5);
        float inferred = 1f / (float) Math.sqrt(layers == 46 ? dim / heads : headDim);
        if (Math.abs(scale - inferred) > 1e-6f * inferred) {
            k.f32(A + "attention.scale", scale);
        }
        boolean[] sliding = c.slidingLayers(layers, 2);
        if (!Arrays.equals(sliding, HyperParams.periodic(layers, 2))) {
            k.bools(A + "attention.sliding_window_pattern", sliding);
        }
    }

    private static void checkCausalGelu(HfConfig c) {
        if (c.bool("use_bidirectional_attention", false)) {
            throw c.error("use_bidirectional_attention", "bidirectional (embedding) Gemma 2 models are not supported");
        }
        if (c.has("hidden_activation") && !c.string("hidden_activation").equals("gelu_pytorch_tanh")) {
            throw c.error("hidden_activation", "activation \"" + c.string("hidden_activation")
                    + "\" is not supported (Gemma 2 uses gelu_pytorch_tanh)");
        }
    }

    @Override
    public HfNames names() {
        return HfNames.standard().with("post_attention_layernorm", "post_attention_norm")
                .with("pre_feedforward_layernorm", "ffn_norm").with("post_feedforward_layernorm", "post_ffw_norm");
    }

    @Override
    public boolean skips(String hfName) {
        // the converter never writes Gemma 2's lm_head: llama.cpp classifies with the embedding table
        return hfName.equals("lm_head.weight") || HfConversion.super.skips(hfName);
    }

    @Override
    public float normShift() {
        return 1f;
    }
}

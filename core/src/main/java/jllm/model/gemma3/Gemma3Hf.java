package jllm.model.gemma3;

import java.util.Arrays;
import java.util.OptionalDouble;

import jllm.model.HyperParams;
import jllm.model.hf.GgufKeys;
import jllm.model.hf.HfCheckpoint;
import jllm.model.hf.HfConfig;
import jllm.model.hf.HfConversion;
import jllm.model.hf.HfNames;

/**
 * Gemma 3 text checkpoints ({@code Gemma3ForCausalLM}, model type {@code gemma3_text}) as llama.cpp's
 * {@code Gemma3Model} converter writes them: the common keys with Gemma 3's defaults, the global layers'
 * rope base and linear scaling, the local base as {@code rope.freq_base_swa} (all in TextModel's order),
 * norm weights plus 1.
 *
 * <p>Deliberate differences from that converter's file:
 * <ul>
 * <li>Where the file would run differently from transformers (a query_pre_attn_scalar llama.cpp does
 *     not infer, a layer pattern other than 5 local : 1 global, an attention soft-cap), jllm adds the key
 *     that says so ({@code attention.scale}, {@code attention.sliding_window_pattern},
 *     {@code attn_logit_softcapping}, after the converter's keys); a released-style config needs none of
 *     them, and its keys and tensors are the converter's byte for byte.</li>
 * <li>The tokenizer is tokenizer.json's byte-level BPE, as the converter writes it for a folder without
 *     tokenizer.model; a SentencePiece tokenizer.model (released Gemma 3) is not read.</li>
 * <li>The converter cuts the embedding to the tokenizer's size (tokenizer.json's vocab plus added tokens);
 *     jllm keeps every row (the same file whenever the embedding is no larger).</li>
 * </ul>
 */
final class Gemma3Hf implements HfConversion {
    private static final String A = Gemma3Config.ARCH + ".";

    @Override
    public HfNames names() {
        return HfNames.standard().with("post_attention_layernorm", "post_attention_norm")
                .with("pre_feedforward_layernorm", "ffn_norm").with("post_feedforward_layernorm", "post_ffw_norm");
    }

    @Override
    public float normShift() {
        return 1f;
    }

    @Override
    public void metadata(HfConfig c, GgufKeys k) {
        if (c.bool("use_bidirectional_attention", false)) {
            throw c.error("use_bidirectional_attention", "bidirectional (embedding) Gemma 3 models are not supported");
        }
        if (c.has("hidden_activation") && !c.string("hidden_activation").equals("gelu_pytorch_tanh")) {
            throw c.error("hidden_activation", "activation \"" + c.string("hidden_activation") + "\" is not supported");
        }
        int layers = c.integer("num_hidden_layers");
        int heads = c.integer("num_attention_heads", 8);
        int headDim = c.integer("head_dim", 256);
        HfConfig.RopeParameters global = c.rope("full_attention", 1e6).requireType("gemma3", "default", "linear");
        // transformers 4 configs without rope_local_base_freq mean 10000, not the global base
        boolean localGiven = c.has("rope_parameters") || c.has("rope_local_base_freq");
        HfConfig.RopeParameters local = c.rope("sliding_attention", 10000);
        if (localGiven && !local.type().equals("default")) {
            throw c.error("rope_parameters", "rope scaling of the local layers is not supported for gemma3");
        }
        // TextModel's keys: the global layers' scaling, the local layers' base (transformers' Gemma 3 config always has one)
        HfCheckpoint.commonKeys(c, k, Gemma3Config.ARCH, OptionalDouble.of(localGiven ? local.theta() : 10000));
        // Gemma3Model.set_gguf_parameters' overrides and additions
        k.u32(A + "context_length", c.integer("max_position_embeddings", 131072));
        k.u32(A + "attention.head_count", heads);
        k.f32(A + "attention.layer_norm_rms_epsilon", c.number("rms_norm_eps", 1e-6));
        k.u32(A + "attention.key_length", headDim);
        k.u32(A + "attention.value_length", headDim);
        k.f32(A + "rope.freq_base", global.theta()); // in place: the common keys' default base is 10000
        if (c.number("final_logit_softcapping", 0) != 0) {
            k.f32(A + "final_logit_softcapping", c.number("final_logit_softcapping", 0));
        }
        int period = c.integer("sliding_window_pattern", 6);
        if (period != 1) {
            k.u32(A + "attention.sliding_window", c.raw().containsKey("sliding_window") ? c.count("sliding_window", 0) : 4096);
        }
        k.u32(A + "attention.head_count_kv", c.integer("num_key_value_heads", 4));
        // what llama.cpp would infer wrongly for this config (its converter refuses an attention soft-cap)
        if (c.number("attn_logit_softcapping", 0) != 0) {
            k.f32(A + "attn_logit_softcapping", c.number("attn_logit_softcapping", 0));
        }
        int dim = c.integer("hidden_size");
        float scale = (float) Math.pow(c.number("query_pre_attn_scalar", 256), -0.5);
        float inferred = 1f / (float) Math.sqrt(layers == 62 ? dim / heads : headDim);
        if (Math.abs(scale - inferred) > 1e-6f * inferred) {
            k.f32(A + "attention.scale", scale);
        }
        boolean[] sliding = c.slidingLayers(layers, period);
        if (!Arrays.equals(sliding, HyperParams.periodic(layers, 6))) {
            k.bools(A + "attention.sliding_window_pattern", sliding);
        }
    }
}

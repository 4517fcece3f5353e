package jllm.model.phi3;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jllm.model.TensorName;
import jllm.model.hf.GgufKeys;
import jllm.model.hf.HfCheckpoint;
import jllm.model.hf.HfConfig;
import jllm.model.hf.HfConversion;
import jllm.model.hf.HfNames;
import jllm.tensor.Tensor;

/**
 * Phi-3 checkpoints ({@code Phi3ForCausalLM}) as llama.cpp's {@code Phi3MiniModel} converter writes them:
 * its own key set (no scaling type or factor; the original context, the rope dimension count from
 * {@code partial_rotary_factor}, the sliding window or 0), qkv and gate_up kept fused, and LongRoPE as
 * {@code rope_factors_long} / {@code rope_factors_short} tensors plus {@code rope.scaling.attn_factor}.
 *
 * <p>The keys are the converter's, in its order: the file type before the window, and the attention
 * factor, which it writes with the factor tensors before any other key, right after
 * general.architecture. Like that converter, the attention factor comes from max / original context and
 * ignores {@code rope_scaling.factor} and {@code attention_factor} (transformers would use them; no
 * released Phi-3 config sets them).
 *
 * <p>Deliberate differences from the converter's file: the tokenizer is always tokenizer.json's byte-level
 * BPE, written as the converter writes it for a {@code GPT2Tokenizer} folder (Phi-4-mini); the converter
 * reads other folders' {@code tokenizer.model} (SentencePiece), which jllm does not, and fails without
 * one. A {@code head_dim} other than hidden / heads, which the converter ignores, is written as the key
 * and value lengths.
 */
final class Phi3Hf implements HfConversion {
    private static final String A = Phi3Config.ARCH + ".";

    @Override
    public void metadata(HfConfig c, GgufKeys k) {
        HfConfig.RopeParameters rope = c.rope("full_attention", 10000);
        String type = rope.type();
        if (!type.equals("default") && !longRope(type)) {
            throw c.error("rope_scaling", "rope scaling type \"" + type + "\" is not supported for phi3 (longrope is)");
        }
        int dim = c.integer("hidden_size");
        int heads = c.integer("num_attention_heads");
        k.u32(A + "context_length", maxContext(c));
        k.u32(A + "rope.scaling.original_context_length", originalContext(c, rope));
        k.u32(A + "embedding_length", dim);
        k.u32(A + "feed_forward_length", c.integer("intermediate_size"));
        k.u32(A + "block_count", c.integer("num_hidden_layers"));
        k.u32(A + "attention.head_count", heads);
        k.u32(A + "attention.head_count_kv", c.integer("num_key_value_heads", heads));
        k.f32(A + "attention.layer_norm_rms_epsilon", c.number("rms_norm_eps", 1e-5));
        k.u32(A + "rope.dimension_count", ropeDim(c, rope));
        k.f32(A + "rope.freq_base", rope.theta());
        k.u32("general.file_type", 0); // its place; the file's type is set later
        k.u32(A + "attention.sliding_window", c.count("sliding_window", 0));
        if (c.has("head_dim") && c.integer("head_dim") != dim / heads) {
            // llama.cpp's converter ignores head_dim (every Phi-3 has hidden / heads); a file of another
            // head size needs the keys llama.cpp's loader reads
            k.u32(A + "attention.key_length", c.integer("head_dim"));
            k.u32(A + "attention.value_length", c.integer("head_dim"));
        }
    }

    @Override
    public HfNames names() {
        return HfNames.standard().with("self_attn.qkv_proj", "attn_qkv").with("mlp.gate_up_proj", "ffn_up");
    }

    /**
     * LongRoPE's factor lists as tensors and its attention factor as a key, when config.json has
     * {@code long_factor}: sqrt(1 + ln(s) / ln(original)) for s = max / original context above 1, or
     * 0.1 ln(s) + 1 for type "yarn" (the converter's formulas).
     */
    @Override
    public Map<String, Tensor> extraTensors(HfConfig c, GgufKeys keys) {
        HfConfig.RopeParameters rope = c.rope("full_attention", 10000);
        double[] longFactors = rope.numbers("long_factor").orElse(new double[0]);
        if (longFactors.length == 0) {
            return Map.of();
        }
        int original = originalContext(c, rope);
        double scale = (double) maxContext(c) / original;
        double attnFactor = switch (rope.type().toLowerCase(Locale.ROOT)) {
            case "longrope", "su" -> scale > 1 ? Math.sqrt(1 + Math.log(scale) / Math.log(original)) : 1;
            case "yarn" -> scale > 1 ? 0.1 * Math.log(scale) + 1 : 1;
            default -> throw c.error("rope_scaling", "LongRoPE factors with rope scaling type \"" + rope.type() + "\" are not supported");
        };
        keys.f32(A + "rope.scaling.attn_factor", attnFactor);
        double[] shortFactors = rope.numbers("short_factor")
                .orElseThrow(() -> c.error("rope_scaling", "long_factor without short_factor"));
        int pairs = ropeDim(c, rope) / 2;
        if (longFactors.length != pairs || shortFactors.length != pairs) {
            throw c.error("rope_scaling", "LongRoPE factor lists have " + longFactors.length + " and "
                    + shortFactors.length + " values; the rotated dimensions need " + pairs);
        }
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put(TensorName.ROPE_FACTORS_LONG.global(), HfCheckpoint.floats(TensorName.ROPE_FACTORS_LONG.global(), floats(longFactors)));
        t.put(TensorName.ROPE_FACTORS_SHORT.global(), HfCheckpoint.floats(TensorName.ROPE_FACTORS_SHORT.global(), floats(shortFactors)));
        return t;
    }

    /** transformers reads "su" and "yarn" in a Phi-3 config as LongRoPE; the converter too (with its own yarn factor). */
    private static boolean longRope(String type) {
        return List.of("longrope", "su", "yarn").contains(type.toLowerCase(Locale.ROOT));
    }

    private static int maxContext(HfConfig c) {
        return c.integer("n_positions", c.integer("max_position_embeddings", 4096));
    }

    /** The rope parameters' original context, else the top-level one (where transformers 4 configs keep it), else Phi3Config's 4096. */
    private static int originalContext(HfConfig c, HfConfig.RopeParameters rope) {
        double v = rope.number("original_max_position_embeddings", c.integer("original_max_position_embeddings", 4096));
        if (v < 1 || v > HfConfig.MAX_INT || v != Math.rint(v)) {
            throw c.error("original_max_position_embeddings", "not a positive integer up to 2^24: " + v);
        }
        return (int) v;
    }

    /**
     * The rotated values per head: the converter's int(partial_rotary_factor * hidden) / heads, read from
     * the rope parameters or the top level; int(head_dim * factor), as transformers, for an explicit head_dim.
     */
    private static int ropeDim(HfConfig c, HfConfig.RopeParameters rope) {
        double factor = rope.number("partial_rotary_factor", c.number("partial_rotary_factor", 1.0));
        if (!(factor > 0 && factor <= 1)) {
            throw c.error("partial_rotary_factor", "must be in (0, 1], got " + factor);
        }
        int dim = c.integer("hidden_size");
        int heads = c.integer("num_attention_heads");
        if (c.has("head_dim") && c.integer("head_dim") != dim / heads) {
            return (int) (c.integer("head_dim") * factor);
        }
        return (int) (factor * dim) / heads;
    }

    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}

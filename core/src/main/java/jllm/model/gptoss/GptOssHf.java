package jllm.model.gptoss;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jllm.format.ModelFormatException;
import jllm.model.HyperParams;
import jllm.model.hf.GgufKeys;
import jllm.model.hf.HfCheckpoint;
import jllm.model.hf.HfConfig;
import jllm.model.hf.HfConversion;
import jllm.model.hf.HfNames;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;

/**
 * gpt-oss checkpoints ({@code GptOssForCausalLM}) as llama.cpp's {@code GptOssModel} converter writes them:
 * the common keys with YaRN's, {@code sliding_window} and {@code expert_feed_forward_length}; the sinks
 * become {@code attn_sinks.weight}, the router {@code ffn_gate_inp}, {@code post_attention_layernorm} the
 * post-attention norm. The experts come stacked but stored (in, out) and with gate and up interleaved in
 * one tensor: {@code gate_up_proj} (numExperts, dim, 2 hidden) is transposed and its even outputs become
 * {@code ffn_gate_exps}, its odd ones {@code ffn_up_exps} (its bias likewise); {@code down_proj} is
 * transposed into {@code ffn_down_exps}.
 *
 * <p>Checkpoints with MXFP4 experts ({@code quantization_config}, as OpenAI ships them; the converter
 * repacks their {@code _blocks} and {@code _scales} into GGUF's MXFP4) are not read yet: an error says so.
 * Where transformers' YaRN rounds its ramp (a config without {@code "truncate": false}), jllm writes
 * {@code gpt-oss.rope.scaling.yarn_truncate} (see {@link GptOssConfig}).
 */
final class GptOssHf implements HfConversion {
    private static final String A = GptOssConfig.ARCH + ".";
    private static final Pattern EXPERTS = Pattern.compile("model\\.layers\\.(\\d+)\\.mlp\\.experts\\.(gate_up_proj|down_proj)(_bias)?");

    @Override
    public void metadata(HfConfig c, GgufKeys k) {
        if (c.has("quantization_config")) {
            throw c.error("quantization_config", "quantized gpt-oss checkpoints (MXFP4 experts) are not supported yet;"
                    + " use a dequantized (BF16 or F32) checkpoint, or a GGUF file");
        }
        HfCheckpoint.commonKeys(c, k, GptOssConfig.ARCH);
        HfConfig.RopeParameters rope = c.rope("full_attention", 150000).requireType("gpt_oss", "default", "yarn");
        if (rope.type().equals("yarn")) {
            yarn(c, rope, k);
        }
        int layers = c.integer("num_hidden_layers");
        k.u32(A + "attention.sliding_window", c.integer("sliding_window", 128));
        k.u32(A + "expert_feed_forward_length", c.integer("intermediate_size"));
        boolean[] sliding = c.slidingLayers(layers, 2);
        if (!Arrays.equals(sliding, HyperParams.periodic(layers, 2))) {
            k.bools(A + "attention.sliding_window_pattern", sliding);
        }
    }

    /** YaRN's keys as the converter writes them, and jllm's key when transformers rounds the ramp. */
    private static void yarn(HfConfig c, HfConfig.RopeParameters rope, GgufKeys k) {
        if (rope.scaling().containsKey("attention_factor") || rope.scaling().containsKey("mscale")) {
            throw c.error("rope_scaling", "YaRN with an explicit attention factor or mscale is not supported for gpt_oss");
        }
        int original = (int) rope.number("original_max_position_embeddings", 0);
        if (original < 1) {
            throw c.error("rope_scaling", "YaRN needs a positive original_max_position_embeddings");
        }
        k.str(A + "rope.scaling.type", "yarn")
                .f32(A + "rope.scaling.factor", rope.number("factor", (double) c.integer("max_position_embeddings", 131072) / original))
                .u32(A + "rope.scaling.original_context_length", original);
        for (String[] key : new String[][] {{"beta_fast", "yarn_beta_fast"}, {"beta_slow", "yarn_beta_slow"}}) {
            if (rope.scaling().containsKey(key[0])) {
                k.f32(A + "rope.scaling." + key[1], rope.number(key[0], 0));
            }
        }
        // transformers reads truncate from rope_parameters (default true); released gpt-oss configs say false
        Object truncate = rope.scaling().getOrDefault("truncate", Boolean.TRUE);
        if (!Boolean.FALSE.equals(truncate)) {
            k.bool(A + "rope.scaling.yarn_truncate", true);
        }
    }

    @Override
    public HfNames names() {
        return HfNames.standard().with("post_attention_layernorm", "post_attention_norm").with("mlp.router", "ffn_gate_inp")
                .withParameter("self_attn.sinks", "attn_sinks.weight");
    }

    @Override
    public boolean reshapes(String hfName) {
        return EXPERTS.matcher(hfName).matches();
    }

    @Override
    public Map<String, Tensor> reshape(String hfName, Tensor t, float[] values) {
        Matcher m = EXPERTS.matcher(hfName);
        if (!m.matches()) {
            throw new IllegalArgumentException(hfName + " is not a gpt-oss expert tensor");
        }
        String blk = "blk." + m.group(1) + ".";
        boolean bias = m.group(3) != null;
        boolean gateUp = m.group(2).equals("gate_up_proj");
        Map<String, Tensor> out = new LinkedHashMap<>();
        if (bias) {
            // (numExperts, width): the down bias as it is, gate_up's even values gate and odd ones up
            check(t, 2, gateUp, hfName);
            if (!gateUp) {
                out.put(blk + "ffn_down_exps.bias", Tensor.ofFloats(blk + "ffn_down_exps.bias", t.shape(), values));
                return out;
            }
            int width = Math.toIntExact(t.shape().dim(0));
            int experts = Math.toIntExact(t.shape().dim(1));
            for (int part = 0; part < 2; part++) {
                float[] v = new float[values.length / 2];
                for (int i = 0; i < v.length; i++) {
                    v[i] = values[2 * i + part];
                }
                String name = blk + (part == 0 ? "ffn_gate_exps" : "ffn_up_exps") + ".bias";
                out.put(name, Tensor.ofFloats(name, Shape.of(width / 2, experts), v));
            }
            return out;
        }
        // (numExperts, in, out) stored; GGUF wants each expert (out, in), gate_up's outputs de-interleaved
        check(t, 3, gateUp, hfName);
        int outs = Math.toIntExact(t.shape().dim(0));
        int ins = Math.toIntExact(t.shape().dim(1));
        int experts = Math.toIntExact(t.shape().dim(2));
        int parts = gateUp ? 2 : 1;
        for (int part = 0; part < parts; part++) {
            int rows = outs / parts;
            float[] v = new float[experts * rows * ins];
            for (int e = 0; e < experts; e++) {
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < ins; c++) {
                        v[(e * rows + r) * ins + c] = values[(e * ins + c) * outs + r * parts + part];
                    }
                }
            }
            String name = blk + (!gateUp ? "ffn_down_exps" : part == 0 ? "ffn_gate_exps" : "ffn_up_exps") + ".weight";
            out.put(name, Tensor.ofFloats(name, Shape.of(ins, rows, experts), v));
        }
        return out;
    }

    private static void check(Tensor t, int rank, boolean pairs, String hfName) {
        if (t.shape().rank() != rank || pairs && t.shape().dim(0) % 2 != 0) {
            throw new ModelFormatException(hfName, "shape", "has shape " + t.shape() + ", expected " + rank
                    + " dimensions (experts stacked)", null);
        }
    }
}

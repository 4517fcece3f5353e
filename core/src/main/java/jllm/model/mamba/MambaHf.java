package jllm.model.mamba;

import jllm.model.hf.GgufKeys;
import jllm.model.hf.HfConfig;
import jllm.model.hf.HfConversion;
import jllm.model.hf.HfNames;
import jllm.tensor.Shape;

/**
 * Mamba checkpoints ({@code MambaForCausalLM}) as llama.cpp's {@code MambaModel} converter writes them:
 * its own keys (no attention; context 2^20), {@code backbone.*} names to {@code ssm_*}, the conv1d weight
 * squeezed to (d_inner, d_conv), and {@code A_log} stored as {@code ssm_a = -exp(A_log)}.
 */
final class MambaHf implements HfConversion {
    @Override
    public void metadata(HfConfig c, GgufKeys k) {
        int dim = c.has("hidden_size") ? c.integer("hidden_size") : c.integer("d_model");
        int inner = c.has("intermediate_size") ? c.integer("intermediate_size") : c.integer("d_inner", 2 * dim);
        // "auto" (the original checkpoints' spelling) and absence both mean ceil(d_model / 16)
        Object rank = c.raw().getOrDefault("time_step_rank", c.raw().get("dt_rank"));
        int dtRank = rank instanceof Number ? c.integer(c.has("time_step_rank") ? "time_step_rank" : "dt_rank") : -Math.floorDiv(dim, -16);
        k.u32("mamba.context_length", 1 << 20);
        k.u32("mamba.embedding_length", dim);
        k.u32("mamba.feed_forward_length", 0);
        k.u32("mamba.attention.head_count", 0);
        k.u32("mamba.block_count", c.has("num_hidden_layers") ? c.integer("num_hidden_layers") : c.integer("n_layer"));
        k.u32("mamba.ssm.conv_kernel", c.has("conv_kernel") ? c.integer("conv_kernel") : c.integer("d_conv", 4));
        k.u32("mamba.ssm.inner_size", inner);
        k.u32("mamba.ssm.state_size", c.has("state_size") ? c.integer("state_size") : c.integer("d_state", 16));
        k.u32("mamba.ssm.time_step_rank", dtRank);
        k.f32("mamba.attention.layer_norm_rms_epsilon", c.has("layer_norm_epsilon") ? c.number("layer_norm_epsilon", 1e-5)
                : c.number("rms_norm_eps", 1e-5));
        k.bool("mamba.ssm.dt_b_c_rms", false);
        k.u32("general.file_type", 0); // its place; the loader sets the value
    }

    @Override
    public HfNames names() {
        return HfNames.of("backbone.layers.")
                .withGlobal("backbone.embeddings.weight", "token_embd.weight")
                .withGlobal("backbone.embedding.weight", "token_embd.weight")
                .withGlobal("backbone.norm_f.weight", "output_norm.weight")
                .withGlobal("lm_head.weight", "output.weight")
                .with("norm", "attn_norm")
                .with("mixer.in_proj", "ssm_in")
                .with("mixer.conv1d", "ssm_conv1d")
                .with("mixer.x_proj", "ssm_x")
                .with("mixer.dt_proj", "ssm_dt")
                .withParameter("mixer.A_log", "ssm_a")
                .withParameter("mixer.D", "ssm_d")
                .with("mixer.out_proj", "ssm_out");
    }

    /** The conv1d weight loses its middle dimension of 1. */
    @Override
    public Shape shape(String ggufName, Shape hfShape) {
        return ggufName.endsWith(".ssm_conv1d.weight") && hfShape.rank() == 3 && hfShape.dim(1) == 1
                ? Shape.of(hfShape.dim(0), hfShape.dim(2)) : hfShape;
    }

    @Override
    public boolean transforms(String ggufName) {
        return ggufName.endsWith(".ssm_a");
    }

    /** A = -exp(A_log), in float32 as the converter's torch. */
    @Override
    public void transform(String ggufName, float[] values) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) -Math.exp(values[i]);
        }
    }
}

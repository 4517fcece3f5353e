package jllm.model.qwen3;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import jllm.kernel.Kernels;
import jllm.model.Architecture;
import jllm.model.Family;
import jllm.model.LanguageModel;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;
import jllm.model.Transformer;
import jllm.model.blocks.Attention;
import jllm.model.blocks.Glu;
import jllm.model.blocks.RmsNorm;
import jllm.model.blocks.Rope;

/**
 * The qwen3 architecture (Qwen3 dense models, 0.6B to 32B): pre-norm attention whose queries and keys
 * are RMS-normalized per head before NEOX-paired rope, then SwiGLU. No biases; heads may be wider in
 * total than the residual stream (numHeads * headDim != dim).
 */
public final class Qwen3Architecture {
    /** The family, as the registry lists it. */
    public static final Architecture FAMILY = new Family("qwen3", List.of("qwen3"),
            source -> Qwen3Config.from(source).info(),
            source -> Map.of("ropeScaling", Qwen3Config.from(source).scalingText()),
            Qwen3Architecture::load, Optional.of(new Qwen3Hf()));

    private Qwen3Architecture() {
    }

    static LanguageModel load(ModelSource source, Kernels kernels) {
        Qwen3Config c = Qwen3Config.from(source);
        ModelInfo i = c.info();
        Attention.Spec spec = Attention.Spec.of(i.numHeads(), i.numKvHeads(), i.headDim());
        Qwen3Weights w = Qwen3Weights.load(source, i, spec, kernels);
        Attention attention = new Attention(spec, new Rope(Rope.Style.NEOX, i.headDim(), i.headDim(), c.scaling()), kernels);
        int headDim = i.headDim();
        float eps = i.normEps();
        return new Transformer(w.stem(), (p, l) -> {
            Qwen3Weights.Layer b = w.layers()[l];
            // q, k, v of the attention's pre-norm
            float[][] qkv = b.attn().project(p, p.norm(b.attnNorm(), eps));
            // RMSNorm over each query and key head, before rope
            RmsNorm.applyRows(qkv[0], qkv[0], b.qNorm(), headDim, p.n() * spec.numHeads(), eps);
            RmsNorm.applyRows(qkv[1], qkv[1], b.kNorm(), headDim, p.n() * spec.numKvHeads(), eps);
            // grouped-query attention with rope, projected back to dim and added to the residual
            p.add(b.attn().output(p, attention.apply(p, l, qkv[0], qkv[1], qkv[2])));
            // SwiGLU on its own pre-norm, added to the residual
            p.add(b.ffn().apply(p, p.norm(b.ffnNorm(), eps), Glu.Activation.SILU));
        }, kernels);
    }

}

package jllm.model.qwen3moe;

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
 * The qwen3moe architecture (Qwen3-30B-A3B, Qwen3-235B-A22B): Qwen3's attention (queries and keys
 * RMS-normalized per head, NEOX rope), and a mixture of SwiGLU experts in place of the MLP: the router's
 * softmax over every expert, the top k, their weights renormalized.
 */
public final class Qwen3MoeArchitecture {
    /** The family, as the registry lists it. */
    public static final Architecture FAMILY = new Family("qwen3moe", List.of("qwen3_moe"),
            source -> Qwen3MoeConfig.from(source).info(),
            source -> details(Qwen3MoeConfig.from(source)),
            Qwen3MoeArchitecture::load, Optional.of(new Qwen3MoeHf()));

    private Qwen3MoeArchitecture() {
    }

    private static Map<String, String> details(Qwen3MoeConfig c) {
        return c.routing() == null ? Map.of() : Map.of("experts", "top " + c.routing().topK() + " of "
                + "each layer's experts, " + c.expertHidden() + " wide" + (c.routing().normalize() ? ", renormalized" : ""));
    }

    static LanguageModel load(ModelSource source, Kernels kernels) {
        Qwen3MoeConfig c = Qwen3MoeConfig.from(source);
        ModelInfo i = c.info();
        Attention.Spec spec = Attention.Spec.of(i.numHeads(), i.numKvHeads(), i.headDim());
        Qwen3MoeWeights w = Qwen3MoeWeights.load(source, c, spec, kernels);
        Attention attention = new Attention(spec, new Rope(Rope.Style.NEOX, i.headDim(), i.headDim(), i.ropeTheta(), null), kernels);
        int heads = spec.numHeads();
        int kvHeads = spec.numKvHeads();
        float eps = i.normEps();
        return new Transformer(w.stem(), (p, l) -> {
            Qwen3MoeWeights.Layer b = w.layers()[l];
            // q, k, v of the attention's pre-norm, then RMSNorm over each query and key head
            float[][] qkv = b.attn().project(p, p.norm(b.attnNorm(), eps));
            RmsNorm.applyRows(qkv[0], qkv[0], b.qNorm(), i.headDim(), p.n() * heads, eps);
            RmsNorm.applyRows(qkv[1], qkv[1], b.kNorm(), i.headDim(), p.n() * kvHeads, eps);
            // grouped-query attention with rope, projected back to dim and added to the residual
            p.add(b.attn().output(p, attention.apply(p, l, qkv[0], qkv[1], qkv[2])));
            // the routed SwiGLU experts (or a dense layer's MLP) on their own pre-norm, added to the residual
            p.add(b.ffn().apply(p, p.norm(b.ffnNorm(), eps), Glu.Activation.SILU));
        }, kernels);
    }
}

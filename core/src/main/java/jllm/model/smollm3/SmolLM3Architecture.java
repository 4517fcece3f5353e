package jllm.model.smollm3;

import java.util.List;
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
import jllm.model.blocks.PreNormWeights;
import jllm.model.blocks.Rope;

/**
 * The smollm3 architecture (SmolLM3): llama's pre-norm layer, where some layers (every fourth in the
 * released models) attend without rotary position embedding.
 */
public final class SmolLM3Architecture {
    /** The family, as the registry lists it. */
    public static final Architecture FAMILY = new Family("smollm3", List.of("smollm3"),
            source -> SmolLM3Config.from(source).info(),
            source -> SmolLM3Config.from(source).details(),
            SmolLM3Architecture::load, Optional.of(new SmolLM3Hf()));

    private SmolLM3Architecture() {
    }

    static LanguageModel load(ModelSource source, Kernels kernels) {
        SmolLM3Config c = SmolLM3Config.from(source);
        ModelInfo i = c.info();
        Attention.Spec spec = Attention.Spec.of(i.numHeads(), i.numKvHeads(), i.headDim());
        SmolLM3Weights w = SmolLM3Weights.load(source, c, spec, kernels);
        Attention roped = new Attention(spec, new Rope(c.ropeStyle(), i.headDim(), c.ropeDim(), i.ropeTheta(), null), kernels);
        Attention unroped = new Attention(spec, null, kernels);
        float eps = i.normEps();
        return new Transformer(w.stem(), (p, l) -> {
            PreNormWeights layer = w.layers()[l];
            // pre-norm attention, q and k rotated only in the layers with rope
            float[][] qkv = layer.attn().project(p, p.norm(layer.attnNorm(), eps));
            Attention attention = c.rope()[l] ? roped : unroped;
            p.add(layer.attn().output(p, attention.apply(p, l, qkv[0], qkv[1], qkv[2])));
            // pre-norm SwiGLU
            p.add(layer.ffn().apply(p, p.norm(layer.ffnNorm(), eps), Glu.Activation.SILU));
        }, kernels);
    }

}

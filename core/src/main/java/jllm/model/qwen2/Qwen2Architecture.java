package jllm.model.qwen2;

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
import jllm.model.blocks.Rope;

/** The qwen2 architecture (Qwen1.5, Qwen2, Qwen2.5): llama's layer with q/k/v biases and NEOX-paired rope. */
public final class Qwen2Architecture {
    /** The family, as the registry lists it. */
    public static final Architecture FAMILY = new Family("qwen2", List.of("qwen2"),
            source -> ModelInfo.read(source, "qwen2", 32768, 1e-6f, 1e6f),
            s -> Map.of(),
            Qwen2Architecture::load, Optional.of(new Qwen2Hf()));

    private Qwen2Architecture() {
    }

    static LanguageModel load(ModelSource source, Kernels kernels) {
        ModelInfo c = FAMILY.info(source);
        Attention.Spec spec = Attention.Spec.of(c.numHeads(), c.numKvHeads(), c.headDim());
        Qwen2Weights w = Qwen2Weights.load(source, c, spec, kernels);
        Attention attention = new Attention(spec, new Rope(Rope.Style.NEOX, c.headDim(), c.headDim(), c.ropeTheta(), null), kernels);
        float eps = c.normEps();
        // pre-norm attention with biased projections, then SwiGLU; each added to the residual
        return new Transformer(w.stem(), (p, l) -> {
            float[][] qkv = w.attn()[l].project(p, p.norm(w.attnNorm()[l], eps));
            float[] att = attention.apply(p, l, qkv[0], qkv[1], qkv[2]);
            p.add(w.attn()[l].output(p, att));
            float[] h = p.norm(w.ffnNorm()[l], eps);
            p.add(w.ffn()[l].apply(p, h, Glu.Activation.SILU));
        }, kernels);
    }

}

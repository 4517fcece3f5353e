package jllm.model.granite;

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
 * The granite architecture (IBM Granite 3.x dense models): llama's pre-norm layer, with the embeddings,
 * the attention scores, each sublayer's output and the logits scaled by the model's multipliers.
 */
public final class GraniteArchitecture {
    /** The family, as the registry lists it. */
    public static final Architecture FAMILY = new Family("granite", List.of("granite"),
            source -> GraniteConfig.from(source).info(),
            source -> GraniteConfig.from(source).details(),
            GraniteArchitecture::load, Optional.of(new GraniteHf()));

    private GraniteArchitecture() {
    }

    static LanguageModel load(ModelSource source, Kernels kernels) {
        GraniteConfig c = GraniteConfig.from(source);
        ModelInfo i = c.info();
        Attention.Spec spec = Attention.Spec.of(i.numHeads(), i.numKvHeads(), i.headDim()).withScale(c.attentionScale());
        GraniteWeights w = GraniteWeights.load(source, c, spec, kernels);
        Attention attention = new Attention(spec, new Rope(c.ropeStyle(), i.headDim(), c.ropeDim(), c.ropeScaling()), kernels);
        float eps = i.normEps();
        float residual = c.residualScale();
        return new Transformer(w.stem(), (p, l) -> {
            PreNormWeights layer = w.layers()[l];
            // pre-norm attention; its output scaled by residual_multiplier before the residual add
            float[][] qkv = layer.attn().project(p, p.norm(layer.attnNorm(), eps));
            p.add(layer.attn().output(p, attention.apply(p, l, qkv[0], qkv[1], qkv[2])), residual);
            // pre-norm SwiGLU, scaled the same way
            p.add(layer.ffn().apply(p, p.norm(layer.ffnNorm(), eps), Glu.Activation.SILU), residual);
        }, kernels);
    }

}

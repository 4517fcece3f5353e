package jllm.model.olmo2;

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
 * The olmo2 architecture (OLMo 2): each sublayer reads the residual stream as it is and is normalized
 * after, before its residual add; q and k are normalized over all heads together, then rotated
 * (NEOX pairs).
 */
public final class Olmo2Architecture {
    /** The family, as the registry lists it. */
    public static final Architecture FAMILY = new Family("olmo2", List.of("olmo2"),
            Olmo2Architecture::info,
            s -> Map.of(),
            Olmo2Architecture::load, Optional.of(new Olmo2Hf()));

    private Olmo2Architecture() {
    }

    static ModelInfo info(ModelSource source) {
        ModelInfo c = ModelInfo.read(source, "olmo2", 4096, 1e-6f, 10000f);
        // OLMo 3 files (arch olmo2) add sliding-window layers; jllm runs OLMo 2's full attention only
        int window = source.metadata().intIn("olmo2.attention.sliding_window", 0, Integer.MAX_VALUE).orElse(0);
        if (window > 0) {
            throw source.metadata().error("olmo2.attention.sliding_window", "sliding-window layers (OLMo 3) are not supported");
        }
        return c;
    }

    static LanguageModel load(ModelSource source, Kernels kernels) {
        ModelInfo c = info(source);
        Attention.Spec spec = Attention.Spec.of(c.numHeads(), c.numKvHeads(), c.headDim());
        Olmo2Weights w = Olmo2Weights.load(source, c, spec, kernels);
        Attention attention = new Attention(spec, new Rope(Rope.Style.NEOX, c.headDim(), c.headDim(), c.ropeTheta(), null), kernels);
        float eps = c.normEps();
        return new Transformer(w.stem(), (p, l) -> {
            Olmo2Weights.Layer layer = w.layers()[l];
            int n = p.n();
            // q, k and v of the residual stream itself (no norm before attention)
            float[][] qkv = layer.attn().project(p, p.x());
            // q and k normalized over the whole projection, all heads together, before rope
            RmsNorm.applyRows(qkv[0], qkv[0], layer.qNorm(), spec.qDim(), n, eps);
            RmsNorm.applyRows(qkv[1], qkv[1], layer.kNorm(), spec.kvDim(), n, eps);
            float[] att = layer.attn().output(p, attention.apply(p, l, qkv[0], qkv[1], qkv[2]));
            // attention's output normalized, then added to the residual
            RmsNorm.applyRows(att, att, layer.postAttnNorm(), c.dim(), n, eps);
            p.add(att);
            // SwiGLU of the residual stream, normalized, then added
            float[] ffn = layer.ffn().apply(p, p.x(), Glu.Activation.SILU);
            RmsNorm.applyRows(ffn, ffn, layer.postFfnNorm(), c.dim(), n, eps);
            p.add(ffn);
        }, kernels);
    }

}

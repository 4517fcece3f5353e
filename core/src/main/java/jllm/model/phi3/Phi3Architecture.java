package jllm.model.phi3;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jllm.kernel.Kernels;
import jllm.model.Architecture;
import jllm.model.Family;
import jllm.model.LanguageModel;
import jllm.model.ModelSource;
import jllm.model.TensorName;
import jllm.model.Transformer;
import jllm.model.blocks.Attention;
import jllm.model.blocks.AttentionWeights;
import jllm.model.blocks.Glu;
import jllm.model.blocks.Rope;

/**
 * The phi3 architecture (Phi-3, Phi-3.5, Phi-4, Phi-4-mini): llama's pre-norm layer with fused qkv and
 * gate_up projections, NEOX rope over the first {@code ropeDim} values of each head, and LongRoPE.
 */
public final class Phi3Architecture {
    /** The family, as the registry lists it. */
    public static final Architecture FAMILY = new Family(Phi3Config.ARCH, List.of("phi3"),
            source -> Phi3Config.from(source).info(),
            Phi3Architecture::details,
            Phi3Architecture::load, Optional.of(new Phi3Hf()));

    private Phi3Architecture() {
    }

    static Map<String, String> details(ModelSource source) {
        Phi3Config c = Phi3Config.from(source);
        Map<String, String> d = new LinkedHashMap<>();
        d.put("ropeDim", c.ropeDim() + " of " + c.info().headDim());
        d.put("origContext", Integer.toString(c.origContext()));
        d.put("ropeAttnFactor", Float.toString(c.attnFactor()));
        d.put("longRopeFactors", source.optionalTensor(TensorName.ROPE_FACTORS_LONG.global()).isPresent() ? "short and long" : "none");
        d.put("slidingWindow", c.window() == 0 ? "none" : Integer.toString(c.window()));
        return d;
    }

    static LanguageModel load(ModelSource source, Kernels kernels) {
        Phi3Config c = Phi3Config.from(source);
        Phi3Weights w = Phi3Weights.load(source, c, kernels);
        Attention attention = new Attention(c.attention(), rope(c, w), kernels);
        float eps = c.info().normEps();
        return new Transformer(w.stem(), (p, l) -> {
            // pre-norm attention: q, k, v are row views of the fused qkv projection; added to the residual
            AttentionWeights a = w.attn()[l];
            float[][] qkv = a.project(p, p.norm(w.attnNorm()[l], eps));
            p.add(a.output(p, attention.apply(p, l, qkv[0], qkv[1], qkv[2])));
            // pre-norm SwiGLU: gate and up are row views of the fused gate_up projection; added to the residual
            p.add(w.ffn()[l].apply(p, p.norm(w.ffnNorm()[l], eps), Glu.Activation.SILU));
        }, kernels);
    }

    /**
     * NEOX rope over ropeDim values, cos and sin times the attention factor. With LongRoPE factors, the
     * short ones for sequences whose cache fits the original context and the long ones beyond, as
     * llama.cpp picks them ({@link Rope#forContext}); a missing list means no factors, as there.
     */
    private static Rope rope(Phi3Config c, Phi3Weights w) {
        Rope.Scaling s = Rope.Scaling.of(c.info().ropeTheta()).withAttnFactor(c.attnFactor());
        int headDim = c.info().headDim();
        Rope rope = new Rope(Rope.Style.NEOX, headDim, c.ropeDim(), s.withFreqFactors(w.ropeShort()));
        if (w.ropeShort() == null && w.ropeLong() == null) {
            return rope;
        }
        return rope.withLongContext(c.origContext(), new Rope(Rope.Style.NEOX, headDim, c.ropeDim(), s.withFreqFactors(w.ropeLong())));
    }

}

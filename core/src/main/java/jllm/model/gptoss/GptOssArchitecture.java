package jllm.model.gptoss;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

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

/**
 * The gpt-oss architecture (gpt-oss-20b, gpt-oss-120b): grouped-query attention with q/k/v/output biases,
 * a learned sink logit per head, a sliding window on alternate layers and YaRN rope (NEOX pairs); then a
 * mixture of experts: the router's top k logits (with bias) softmaxed, each expert a clamped SwiGLU with
 * biases.
 */
public final class GptOssArchitecture {
    /** The family, as the registry lists it. */
    public static final Architecture FAMILY = new Family(GptOssConfig.ARCH, List.of("gpt_oss"),
            source -> GptOssConfig.from(source).info(),
            source -> describe(GptOssConfig.from(source)),
            GptOssArchitecture::load, Optional.of(new GptOssHf()));

    private GptOssArchitecture() {
    }

    private static Map<String, String> describe(GptOssConfig c) {
        Rope.Scaling s = c.scaling();
        String rope = s.extFactor() == 0f ? "none" : "yarn x" + 1f / s.freqScale() + " (original context "
                + s.origContext() + (s.truncate() ? ", ramp rounded" : "") + ")";
        return Map.of("experts", "top " + c.routing().topK() + ", " + c.expertHidden() + " wide, clamped SwiGLU",
                "slidingWindow", c.window() + " on layers " + IntStream.range(0, c.sliding().length).filter(l -> c.sliding()[l])
                        .mapToObj(Integer::toString).collect(Collectors.joining(",")), "ropeScaling", rope);
    }

    static LanguageModel load(ModelSource source, Kernels kernels) {
        GptOssConfig c = GptOssConfig.from(source);
        ModelInfo i = c.info();
        Attention.Spec spec = Attention.Spec.of(i.numHeads(), i.numKvHeads(), i.headDim());
        GptOssWeights w = GptOssWeights.load(source, c, spec, kernels);
        Rope rope = new Rope(Rope.Style.NEOX, i.headDim(), i.headDim(), c.scaling());
        Attention full = new Attention(spec, rope, kernels);
        Attention local = new Attention(spec.withWindow(c.window()), rope, kernels);
        float eps = i.normEps();
        return new Transformer(w.stem(), (p, l) -> {
            GptOssWeights.Layer b = w.layers()[l];
            // q, k, v (biases added) of the attention's pre-norm
            float[][] qkv = b.attn().project(p, p.norm(b.attnNorm(), eps));
            // attention with rope and each head's sink, within the window on sliding layers
            float[] att = (c.sliding()[l] ? local : full).apply(p, l, qkv[0], qkv[1], qkv[2], b.sinks());
            // projected back to dim (bias added), into the residual
            p.add(b.attn().output(p, att));
            // the routed experts (clamped SwiGLU with biases) on their own pre-norm, into the residual
            p.add(b.moe().apply(p, p.norm(b.ffnNorm(), eps), Glu.Activation.SWIGLU_OAI));
        }, kernels);
    }
}

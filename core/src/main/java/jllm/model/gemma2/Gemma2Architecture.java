package jllm.model.gemma2;

import java.util.LinkedHashMap;
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

/**
 * The gemma2 architecture (Gemma 2): embeddings scaled by sqrt(dim), RMSNorm before and after both
 * attention and a GeGLU feed-forward, attention and final logits soft-capped, and a sliding window on
 * alternate layers (the even ones).
 */
public final class Gemma2Architecture {
    /** The family, as the registry lists it. */
    public static final Architecture FAMILY = new Family(Gemma2Config.ARCH, List.of("gemma2"),
            source -> Gemma2Config.from(source).info(),
            Gemma2Architecture::details,
            Gemma2Architecture::load, Optional.of(new Gemma2Hf()));

    private Gemma2Architecture() {
    }

    static LanguageModel load(ModelSource source, Kernels kernels) {
        Gemma2Config c = Gemma2Config.from(source);
        ModelInfo i = c.info();
        Attention.Spec spec = Attention.Spec.of(i.numHeads(), i.numKvHeads(), i.headDim()).withScale(c.attnScale())
                .withSoftCap(c.attnSoftCap());
        Gemma2Weights w = Gemma2Weights.load(source, c, spec, kernels);
        Rope rope = new Rope(Rope.Style.NEOX, i.headDim(), i.headDim(), i.ropeTheta(), null);
        Attention global = new Attention(spec, rope, kernels);
        Attention local = new Attention(spec.withWindow(c.window()), rope, kernels);
        float eps = i.normEps();
        // Gemma 2's block: each sublayer normed on the way in and on the way out, then added to the residual
        return new Transformer(w.stem(), (p, l) -> {
            float[][] qkv = w.attn()[l].project(p, p.norm(w.attnNorm()[l], eps));
            float[] att = (c.sliding()[l] ? local : global).apply(p, l, qkv[0], qkv[1], qkv[2]);
            p.addNormed(w.attn()[l].output(p, att), w.postAttnNorm()[l], eps);
            float[] h = p.norm(w.ffnNorm()[l], eps);
            p.addNormed(w.ffn()[l].apply(p, h, Glu.Activation.GELU_TANH), w.postFfnNorm()[l], eps);
        }, kernels);
    }

    static Map<String, String> details(ModelSource source) {
        Gemma2Config c = Gemma2Config.from(source);
        Map<String, String> d = new LinkedHashMap<>();
        d.put("attnScale", Float.toString(c.attnScale()));
        d.put("attnSoftCap", Float.toString(c.attnSoftCap()));
        d.put("finalSoftCap", Float.toString(c.finalSoftCap()));
        d.put("slidingWindow", c.window() + " on layers " + java.util.stream.IntStream.range(0, c.sliding().length)
                .filter(l -> c.sliding()[l]).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(",")));
        return d;
    }
}

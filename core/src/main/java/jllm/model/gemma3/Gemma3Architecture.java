package jllm.model.gemma3;

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
import jllm.model.blocks.RmsNorm;
import jllm.model.blocks.Rope;

/**
 * The gemma3 architecture (Gemma 3's text model): embeddings scaled by sqrt(dim), RMSNorm before and
 * after attention and a GeGLU feed-forward, q and k RMS-normed per head before rope, and two kinds of
 * layer: local ones (a sliding window, rope base 10k) and global ones (every position, rope base 1M,
 * linearly scaled rope in the long-context sizes).
 */
public final class Gemma3Architecture {
    /** The family, as the registry lists it. */
    public static final Architecture FAMILY = new Family(Gemma3Config.ARCH, List.of("gemma3_text"),
            source -> Gemma3Config.from(source).info(),
            Gemma3Architecture::details,
            Gemma3Architecture::load, Optional.of(new Gemma3Hf()));

    private Gemma3Architecture() {
    }

    static LanguageModel load(ModelSource source, Kernels kernels) {
        Gemma3Config c = Gemma3Config.from(source);
        ModelInfo i = c.info();
        int hd = i.headDim();
        Attention.Spec spec = Attention.Spec.of(i.numHeads(), i.numKvHeads(), hd).withScale(c.attnScale())
                .withSoftCap(c.attnSoftCap());
        Gemma3Weights w = Gemma3Weights.load(source, c, spec, kernels);
        Rope localRope = new Rope(Rope.Style.NEOX, hd, hd, Rope.Scaling.of(c.localTheta()));
        Rope globalRope = new Rope(Rope.Style.NEOX, hd, hd, Rope.Scaling.of(i.ropeTheta()).withLinear(c.globalScale()));
        Attention local = new Attention(spec.withWindow(c.window()), localRope, kernels);
        Attention global = new Attention(spec, globalRope, kernels);
        float eps = i.normEps();
        // Gemma 3's block: Gemma 2's sandwich of norms, with q and k normed per head before rope
        return new Transformer(w.stem(), (p, l) -> {
            Gemma3Weights.Layer y = w.layers()[l];
            float[][] qkv = y.attn().project(p, p.norm(y.attnNorm(), eps));
            RmsNorm.applyRows(qkv[0], qkv[0], y.qNorm(), hd, p.n() * i.numHeads(), eps);
            RmsNorm.applyRows(qkv[1], qkv[1], y.kNorm(), hd, p.n() * i.numKvHeads(), eps);
            Attention a = c.sliding()[l] ? local : global;
            p.addNormed(y.attn().output(p, a.apply(p, l, qkv[0], qkv[1], qkv[2])), y.postAttnNorm(), eps);
            float[] ffnIn = p.norm(y.ffnNorm(), eps);
            p.addNormed(y.ffn().apply(p, ffnIn, Glu.Activation.GELU_TANH), y.postFfnNorm(), eps);
        }, kernels);
    }

    static Map<String, String> details(ModelSource source) {
        Gemma3Config c = Gemma3Config.from(source);
        StringBuilder kinds = new StringBuilder();
        for (boolean local : c.sliding()) {
            kinds.append(local ? 'L' : 'G');
        }
        Map<String, String> d = new LinkedHashMap<>();
        d.put("layerKinds", kinds.toString());
        d.put("slidingWindow", Integer.toString(c.window()));
        d.put("localRopeTheta", Float.toString(c.localTheta()));
        d.put("globalRopeScale", Float.toString(c.globalScale()));
        d.put("attnScale", Float.toString(c.attnScale()));
        if (c.finalSoftCap() != 0f) {
            d.put("finalSoftCap", Float.toString(c.finalSoftCap()));
        }
        return d;
    }
}

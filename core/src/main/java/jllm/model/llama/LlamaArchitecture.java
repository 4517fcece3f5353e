package jllm.model.llama;

import java.util.List;
import java.util.Map;

import java.util.Optional;

import jllm.kernel.Kernels;
import jllm.model.Architecture;
import jllm.model.Family;
import jllm.model.LanguageModel;
import jllm.model.ModelSource;
import jllm.model.Transformer;
import jllm.model.blocks.Attention;
import jllm.model.blocks.Glu;
import jllm.model.blocks.Rope;

/**
 * The llama architecture: Llama 2 and 3.x, Mistral, SmolLM, llama2.c checkpoints, and Mixtral (a layer
 * whose file holds a router and stacked experts runs them in place of the SwiGLU).
 */
public final class LlamaArchitecture {
    /** The family, as the registry lists it. */
    public static final Architecture FAMILY = new Family("llama", List.of("llama", "mistral", "mixtral"),
            source -> LlamaConfig.from(source).info(),
            s -> Map.of(),
            LlamaArchitecture::load, Optional.of(new LlamaHf()));

    private LlamaArchitecture() {
    }

    static LanguageModel load(ModelSource source, Kernels kernels) {
        LlamaConfig c = LlamaConfig.from(source);
        LlamaWeights w = LlamaWeights.load(source, c, kernels);
        Rope rope = new Rope(c.ropeStyle(), c.headDim(), c.ropeDim(), c.ropeTheta(), w.ropeFreqs());
        // a window only where the file keeps one (Mistral v0.1, 4096); 0 attends to the whole context
        int window = source.metadata().intIn("llama.attention.sliding_window", 0, 1 << 24).orElse(0);
        Attention attention = new Attention(Attention.Spec.of(c.numHeads(), c.numKvHeads(), c.headDim()).withWindow(window),
                rope, kernels);
        float eps = c.normEps();
        // the Llama 2 paper's layer, as llama2.c's run.c: pre-norm attention and SwiGLU (Mixtral: a mixture of
        // SwiGLU experts), each added to the residual
        return new Transformer(w.stem(), (p, l) -> {
            float[][] qkv = w.attn()[l].project(p, p.norm(w.attnNorm()[l], eps));
            p.add(w.attn()[l].output(p, attention.apply(p, l, qkv[0], qkv[1], qkv[2])));
            p.add(w.ffn()[l].apply(p, p.norm(w.ffnNorm()[l], eps), Glu.Activation.SILU));
        }, kernels);
    }

}

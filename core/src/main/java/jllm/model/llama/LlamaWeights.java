package jllm.model.llama;

import jllm.kernel.Kernels;
import jllm.model.ModelSource;
import jllm.model.TensorName;
import jllm.model.Transformer;
import jllm.model.blocks.Attention;
import jllm.model.blocks.AttentionWeights;
import jllm.model.blocks.FeedForward;
import jllm.model.blocks.Moe;

/**
 * The llama architecture's weights: matrices stay memory-mapped tensors; the small norm vectors are
 * read into float arrays once.
 */
record LlamaWeights(
        Transformer.Stem stem,
        float[][] attnNorm,        // (numLayers, dim)
        AttentionWeights[] attn,   // (numLayers)
        float[][] ffnNorm,         // (numLayers, dim)
        FeedForward[] ffn,         // (numLayers) SwiGLU, or Mixtral's experts
        float[] ropeFreqs) {       // (ropeDim / 2) or null

    static LlamaWeights load(ModelSource s, LlamaConfig c, Kernels k) {
        int n = c.numLayers();
        Moe.Routing routing = LlamaConfig.routing(s);
        Attention.Spec spec = Attention.Spec.of(c.numHeads(), c.numKvHeads(), c.headDim());
        var w = new LlamaWeights(Transformer.Stem.load(s, c.info(), k),
                new float[n][], new AttentionWeights[n], new float[n][], new FeedForward[n],
                s.optionalTensor(TensorName.ROPE_FREQS.global()).map(k::dequantize).orElse(null));
        for (int l = 0; l < n; l++) {
            w.attnNorm[l] = k.dequantize(s.tensor(TensorName.ATTN_NORM.layer(l), c.dim()));
            w.attn[l] = AttentionWeights.load(s, l, c.dim(), spec, k);
            w.ffnNorm[l] = k.dequantize(s.tensor(TensorName.FFN_NORM.layer(l), c.dim()));
            w.ffn[l] = FeedForward.load(s, l, c.dim(), c.hiddenDim(), c.hiddenDim(), routing);
        }
        return w;
    }
}

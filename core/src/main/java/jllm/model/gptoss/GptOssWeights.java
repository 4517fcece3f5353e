package jllm.model.gptoss;

import java.util.stream.IntStream;

import jllm.kernel.Kernels;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;
import jllm.model.TensorName;
import jllm.model.Transformer;
import jllm.model.blocks.Attention;
import jllm.model.blocks.AttentionWeights;
import jllm.model.blocks.Moe;

/**
 * The gpt-oss architecture's weights: the stem and one {@link Layer} per block. Matrices and experts stay
 * memory-mapped (each expert a view of the stacked tensors); vectors and biases are read into floats once.
 */
record GptOssWeights(Transformer.Stem stem, Layer[] layers) { // layers: (numLayers)

    /**
     * One block's weights.
     *
     * @param attnNorm (dim)
     * @param attn     q (qDim, dim), k and v (kvDim, dim), output (dim, qDim), each with its bias
     * @param sinks    (numHeads) {@code attn_sinks}: one extra softmax logit per head
     * @param ffnNorm  (dim) {@code post_attention_norm}, the experts' pre-norm
     * @param moe      router (numExperts, dim) and experts of (expertHidden, dim), all with biases
     */
    record Layer(float[] attnNorm, AttentionWeights attn, float[] sinks, float[] ffnNorm, Moe moe) {
    }

    static GptOssWeights load(ModelSource s, GptOssConfig c, Attention.Spec spec, Kernels k) {
        ModelInfo i = c.info();
        Layer[] layers = IntStream.range(0, i.numLayers()).mapToObj(l -> new Layer(
                vector(s, TensorName.ATTN_NORM.layer(l), i.dim(), k), AttentionWeights.load(s, l, i.dim(), spec, k),
                vector(s, "blk." + l + ".attn_sinks.weight", i.numHeads(), k),
                vector(s, TensorName.ATTN_POST_NORM.layer(l), i.dim(), k),
                Moe.load(s, l, i.dim(), c.expertHidden(), c.routing()))).toArray(Layer[]::new);
        return new GptOssWeights(Transformer.Stem.load(s, i, k), layers);
    }

    /** A vector tensor of {@code width} values, decoded once. */
    private static float[] vector(ModelSource s, String name, int width, Kernels k) {
        return k.dequantize(s.tensor(name, width));
    }
}

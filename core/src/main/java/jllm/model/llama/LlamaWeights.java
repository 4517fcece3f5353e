package jllm.model.llama;

import jllm.kernel.Kernels;
import jllm.model.ModelSource;
import jllm.model.TensorName;
import jllm.tensor.Tensor;

/**
 * The llama architecture's weights: matrices stay memory-mapped tensors; the small norm vectors are
 * read into float arrays once.
 */
record LlamaWeights(
        Tensor tokenEmbedding,   // (vocabSize, dim)
        float[][] attnNorm,      // (numLayers, dim)
        Tensor[] wq,             // (numLayers) x (numHeads * headDim, dim)
        Tensor[] wk,             // (numLayers) x (numKvHeads * headDim, dim)
        Tensor[] wv,             // (numLayers) x (numKvHeads * headDim, dim)
        Tensor[] wo,             // (numLayers) x (dim, numHeads * headDim)
        float[][] ffnNorm,       // (numLayers, dim)
        Tensor[] wGate,          // (numLayers) x (hiddenDim, dim)
        Tensor[] wUp,            // (numLayers) x (hiddenDim, dim)
        Tensor[] wDown,          // (numLayers) x (dim, hiddenDim)
        float[] outputNorm,      // (dim)
        Tensor output,           // (vocabSize, dim); the embedding table when tied
        float[] ropeFreqs) {     // (ropeDim / 2) or null

    static LlamaWeights load(ModelSource s, LlamaConfig c, Kernels k) {
        int n = c.numLayers();
        int qDim = c.numHeads() * c.headDim();
        int kvDim = c.numKvHeads() * c.headDim();
        var w = new LlamaWeights(s.tensor(TensorName.TOKEN_EMBD.global(), c.dim(), c.vocabSize()),
                new float[n][], new Tensor[n], new Tensor[n], new Tensor[n], new Tensor[n], new float[n][],
                new Tensor[n], new Tensor[n], new Tensor[n],
                k.dequantize(s.tensor(TensorName.OUTPUT_NORM.global(), c.dim())),
                s.optionalTensor(TensorName.OUTPUT.global()).orElse(null),
                s.optionalTensor(TensorName.ROPE_FREQS.global()).map(k::dequantize).orElse(null));
        for (int l = 0; l < n; l++) {
            w.attnNorm[l] = k.dequantize(s.tensor(TensorName.ATTN_NORM.layer(l), c.dim()));
            w.wq[l] = s.tensor(TensorName.ATTN_Q.layer(l), c.dim(), qDim);
            w.wk[l] = s.tensor(TensorName.ATTN_K.layer(l), c.dim(), kvDim);
            w.wv[l] = s.tensor(TensorName.ATTN_V.layer(l), c.dim(), kvDim);
            w.wo[l] = s.tensor(TensorName.ATTN_OUTPUT.layer(l), qDim, c.dim());
            w.ffnNorm[l] = k.dequantize(s.tensor(TensorName.FFN_NORM.layer(l), c.dim()));
            w.wGate[l] = s.tensor(TensorName.FFN_GATE.layer(l), c.dim(), c.hiddenDim());
            w.wUp[l] = s.tensor(TensorName.FFN_UP.layer(l), c.dim(), c.hiddenDim());
            w.wDown[l] = s.tensor(TensorName.FFN_DOWN.layer(l), c.hiddenDim(), c.dim());
        }
        if (w.output != null) {
            s.tensor(TensorName.OUTPUT.global(), c.dim(), c.vocabSize());
        }
        return w;
    }

    /** The output projection: output.weight, or the embedding table when the model ties them. */
    Tensor classifier() {
        return output != null ? output : tokenEmbedding;
    }
}

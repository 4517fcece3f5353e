package jllm.model.qwen2;

import jllm.kernel.Kernels;
import jllm.model.ModelSource;
import jllm.model.TensorName;
import jllm.tensor.Tensor;

/** The qwen2 architecture's weights: llama's plus q/k/v biases; the classifier may be tied. */
record Qwen2Weights(
        Tensor tokenEmbedding,   // (vocabSize, dim)
        float[][] attnNorm,      // (numLayers, dim)
        Tensor[] wq,             // (numLayers) x (dim, dim)
        Tensor[] wk,             // (numLayers) x (kvDim, dim)
        Tensor[] wv,             // (numLayers) x (kvDim, dim)
        float[][] bq,            // (numLayers, dim)
        float[][] bk,            // (numLayers, kvDim)
        float[][] bv,            // (numLayers, kvDim)
        Tensor[] wo,             // (numLayers) x (dim, dim)
        float[][] ffnNorm,       // (numLayers, dim)
        Tensor[] wGate,          // (numLayers) x (hiddenDim, dim)
        Tensor[] wUp,            // (numLayers) x (hiddenDim, dim)
        Tensor[] wDown,          // (numLayers) x (dim, hiddenDim)
        float[] outputNorm,      // (dim)
        Tensor output) {         // (vocabSize, dim); the embedding table when tied

    static Qwen2Weights load(ModelSource s, Qwen2Config c, Kernels k) {
        int n = c.numLayers();
        int kvDim = c.numKvHeads() * c.headDim();
        var w = new Qwen2Weights(s.tensor(TensorName.TOKEN_EMBD.global(), c.dim(), c.vocabSize()),
                new float[n][], new Tensor[n], new Tensor[n], new Tensor[n], new float[n][], new float[n][],
                new float[n][], new Tensor[n], new float[n][], new Tensor[n], new Tensor[n], new Tensor[n],
                k.dequantize(s.tensor(TensorName.OUTPUT_NORM.global(), c.dim())),
                s.optionalTensor(TensorName.OUTPUT.global()).isPresent()
                        ? s.tensor(TensorName.OUTPUT.global(), c.dim(), c.vocabSize()) : null);
        for (int l = 0; l < n; l++) {
            w.attnNorm[l] = k.dequantize(s.tensor(TensorName.ATTN_NORM.layer(l), c.dim()));
            w.wq[l] = s.tensor(TensorName.ATTN_Q.layer(l), c.dim(), c.dim());
            w.wk[l] = s.tensor(TensorName.ATTN_K.layer(l), c.dim(), kvDim);
            w.wv[l] = s.tensor(TensorName.ATTN_V.layer(l), c.dim(), kvDim);
            w.bq[l] = k.dequantize(s.tensor(TensorName.ATTN_Q_BIAS.layer(l), c.dim()));
            w.bk[l] = k.dequantize(s.tensor(TensorName.ATTN_K_BIAS.layer(l), kvDim));
            w.bv[l] = k.dequantize(s.tensor(TensorName.ATTN_V_BIAS.layer(l), kvDim));
            w.wo[l] = s.tensor(TensorName.ATTN_OUTPUT.layer(l), c.dim(), c.dim());
            w.ffnNorm[l] = k.dequantize(s.tensor(TensorName.FFN_NORM.layer(l), c.dim()));
            w.wGate[l] = s.tensor(TensorName.FFN_GATE.layer(l), c.dim(), c.hiddenDim());
            w.wUp[l] = s.tensor(TensorName.FFN_UP.layer(l), c.dim(), c.hiddenDim());
            w.wDown[l] = s.tensor(TensorName.FFN_DOWN.layer(l), c.hiddenDim(), c.dim());
        }
        return w;
    }

    Tensor classifier() {
        return output != null ? output : tokenEmbedding;
    }
}

package jllm.model.blocks;

import jllm.kernel.Kernels;
import jllm.model.ModelSource;
import jllm.model.TensorName;
import jllm.tensor.Tensor;

/**
 * One layer's attention projections under llama.cpp's standard names, with their optional biases.
 *
 * @param wq (qDim, dim)
 * @param wk (kvDim, dim)
 * @param wv (kvDim, dim)
 * @param wo (dim, qDim)
 * @param bq (qDim) or null
 * @param bk (kvDim) or null
 * @param bv (kvDim) or null
 * @param bo (dim) or null
 */
public record AttentionWeights(Tensor wq, Tensor wk, Tensor wv, Tensor wo, float[] bq, float[] bk, float[] bv,
                               float[] bo) {

    private static final Pass.Slot[] QKV = {Pass.Slot.Q, Pass.Slot.K, Pass.Slot.V};

    /** Separate q, k, v and output projections of layer {@code l}; biases when the file has them. */
    public static AttentionWeights load(ModelSource s, int l, int dim, Attention.Spec spec, Kernels k) {
        int qDim = spec.qDim();
        int kvDim = spec.kvDim();
        return new AttentionWeights(s.tensor(TensorName.ATTN_Q.layer(l), dim, qDim),
                s.tensor(TensorName.ATTN_K.layer(l), dim, kvDim), s.tensor(TensorName.ATTN_V.layer(l), dim, kvDim),
                s.tensor(TensorName.ATTN_OUTPUT.layer(l), qDim, dim),
                s.optionalVector(TensorName.ATTN_Q_BIAS.layer(l), qDim, k), s.optionalVector(TensorName.ATTN_K_BIAS.layer(l), kvDim, k),
                s.optionalVector(TensorName.ATTN_V_BIAS.layer(l), kvDim, k), s.optionalVector("blk." + l + ".attn_output.bias", dim, k));
    }

    /**
     * A fused qkv projection ({@code attn_qkv}, (qDim + 2 kvDim, dim)) split into row views without
     * copying, and the output projection.
     */
    public static AttentionWeights loadFused(ModelSource s, int l, int dim, Attention.Spec spec) {
        int qDim = spec.qDim();
        int kvDim = spec.kvDim();
        Tensor qkv = s.tensor(TensorName.ATTN_QKV.layer(l), dim, qDim + 2L * kvDim);
        return new AttentionWeights(qkv.rowSlice(qkv.name() + "[q]", 0, qDim),
                qkv.rowSlice(qkv.name() + "[k]", qDim, kvDim), qkv.rowSlice(qkv.name() + "[v]", qDim + kvDim, kvDim),
                s.tensor(TensorName.ATTN_OUTPUT.layer(l), qDim, dim), null, null, null, null);
    }

    /** The biases q, k and v must have (qwen2). */
    public AttentionWeights requireBiases(ModelSource s, int l) {
        if (bq == null || bk == null || bv == null) {
            s.tensor(bq == null ? TensorName.ATTN_Q_BIAS.layer(l) : bk == null ? TensorName.ATTN_K_BIAS.layer(l)
                    : TensorName.ATTN_V_BIAS.layer(l));
        }
        return this;
    }

    /** q, k and v of a sublayer input (n, dim), in one hand-off, biases added. */
    public float[][] project(Pass p, float[] in) {
        float[][] qkv = p.matmul(QKV, new Tensor[] {wq, wk, wv}, in);
        if (bq != null) {
            p.addBias(qkv[0], bq);
        }
        if (bk != null) {
            p.addBias(qkv[1], bk);
        }
        if (bv != null) {
            p.addBias(qkv[2], bv);
        }
        return qkv;
    }

    /** The output projection of attention's result (n, qDim): (n, dim) in {@link Pass.Slot#OUT}. */
    public float[] output(Pass p, float[] att) {
        float[] out = p.matmul(Pass.Slot.OUT, wo, att);
        if (bo != null) {
            p.addBias(out, bo);
        }
        return out;
    }
}

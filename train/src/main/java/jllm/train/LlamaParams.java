package jllm.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import jllm.model.TensorName;
import jllm.model.llama.LlamaConfig;

/**
 * The trainable weights of a llama model, named and shaped as in GGUF: matrices are (out, in) row-major.
 * With {@code tied} the classifier is the embedding table (no {@code output.weight}).
 */
public final class LlamaParams {
    public final LlamaConfig config;
    public final boolean tied;
    public final Param tokenEmbedding; // (vocabSize, dim)
    public final Param[] attnNorm;     // (numLayers) x (dim)
    public final Param[] wq;           // (numLayers) x (numHeads * headDim, dim)
    public final Param[] wk;           // (numLayers) x (numKvHeads * headDim, dim)
    public final Param[] wv;           // (numLayers) x (numKvHeads * headDim, dim)
    public final Param[] wo;           // (numLayers) x (dim, numHeads * headDim)
    public final Param[] ffnNorm;      // (numLayers) x (dim)
    public final Param[] wGate;        // (numLayers) x (hiddenDim, dim)
    public final Param[] wUp;          // (numLayers) x (hiddenDim, dim)
    public final Param[] wDown;        // (numLayers) x (dim, hiddenDim)
    public final Param outputNorm;     // (dim)
    public final Param output;         // (vocabSize, dim), or null when tied
    private final List<Param> all = new ArrayList<>();

    /** Zero weights of the given shape; see {@link #initialize(long)}. */
    public LlamaParams(LlamaConfig c, boolean tied) {
        this.config = c;
        this.tied = tied;
        int n = c.numLayers();
        int qDim = c.numHeads() * c.headDim();
        int kvDim = c.numKvHeads() * c.headDim();
        tokenEmbedding = add(Param.of(TensorName.TOKEN_EMBD.global(), c.vocabSize(), c.dim(), true));
        attnNorm = new Param[n];
        wq = new Param[n];
        wk = new Param[n];
        wv = new Param[n];
        wo = new Param[n];
        ffnNorm = new Param[n];
        wGate = new Param[n];
        wUp = new Param[n];
        wDown = new Param[n];
        for (int l = 0; l < n; l++) {
            attnNorm[l] = add(Param.of(TensorName.ATTN_NORM.layer(l), 1, c.dim(), false));
            wq[l] = add(Param.of(TensorName.ATTN_Q.layer(l), qDim, c.dim(), true));
            wk[l] = add(Param.of(TensorName.ATTN_K.layer(l), kvDim, c.dim(), true));
            wv[l] = add(Param.of(TensorName.ATTN_V.layer(l), kvDim, c.dim(), true));
            wo[l] = add(Param.of(TensorName.ATTN_OUTPUT.layer(l), c.dim(), qDim, true));
            ffnNorm[l] = add(Param.of(TensorName.FFN_NORM.layer(l), 1, c.dim(), false));
            wGate[l] = add(Param.of(TensorName.FFN_GATE.layer(l), c.hiddenDim(), c.dim(), true));
            wUp[l] = add(Param.of(TensorName.FFN_UP.layer(l), c.hiddenDim(), c.dim(), true));
            wDown[l] = add(Param.of(TensorName.FFN_DOWN.layer(l), c.dim(), c.hiddenDim(), true));
        }
        outputNorm = add(Param.of(TensorName.OUTPUT_NORM.global(), 1, c.dim(), false));
        output = tied ? null : add(Param.of(TensorName.OUTPUT.global(), c.vocabSize(), c.dim(), true));
    }

    private Param add(Param p) {
        all.add(p);
        return p;
    }

    /**
     * GPT-2/nanoGPT initialization: every matrix N(0, 0.02), the projections into the residual stream
     * (attn_output, ffn_down) N(0, 0.02/sqrt(2·numLayers)), norm gains 1.
     */
    public LlamaParams initialize(long seed) {
        Random rnd = new Random(seed);
        double residualStd = 0.02 / Math.sqrt(2.0 * config.numLayers());
        for (Param p : all) {
            boolean residual = p.name().endsWith("attn_output.weight") || p.name().endsWith("ffn_down.weight");
            for (int i = 0; i < p.size(); i++) {
                p.value()[i] = p.decay() ? (float) (rnd.nextGaussian() * (residual ? residualStd : 0.02)) : 1f;
            }
        }
        return this;
    }

    /** The classifier (vocabSize, dim): output.weight, or the embedding table when tied. */
    public Param classifier() {
        return tied ? tokenEmbedding : output;
    }

    /** Every parameter, in GGUF tensor order. */
    public List<Param> all() {
        return Collections.unmodifiableList(all);
    }

    /** Total number of values. */
    public long count() {
        long n = 0;
        for (Param p : all) {
            n += p.size();
        }
        return n;
    }

    /** Sets every gradient to 0. */
    public void zeroGrad() {
        for (Param p : all) {
            java.util.Arrays.fill(p.grad(), 0f);
        }
    }
}

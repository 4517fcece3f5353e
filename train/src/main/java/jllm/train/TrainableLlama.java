package jllm.train;

import jllm.kernel.Dense;
import jllm.model.llama.LlamaConfig;
import jllm.train.ops.CausalAttention;
import jllm.train.ops.Embedding;
import jllm.train.ops.Linear;
import jllm.train.ops.RmsNorm;
import jllm.train.ops.Rope;
import jllm.train.ops.SwiGlu;

/**
 * The llama forward pass over a batch of sequences, keeping the activations, and its backward pass,
 * which adds into the parameters' gradients. The same arithmetic as inference's llama family (NORM rope,
 * RMSNorm and softmax as in jllm.model.blocks), so trained weights give the same logits there.
 *
 * <pre>{@code
 * float[] logits = model.forward(tokens, batch, seqLen);          // (batch * seqLen, vocabSize)
 * CrossEntropy.backward(dlogits, logits, targets, weight, n, vocab);
 * model.backward(dlogits);                                         // params.all().grad() += ...
 * }</pre>
 */
public final class TrainableLlama {
    private final LlamaConfig c;
    private final LlamaParams p;
    private final Dense dense;
    private final Rope rope;
    private final CausalAttention attention;
    private final int qDim;
    private final int kvDim;

    private int batch;
    private int seqLen;
    private int[] tokens;
    // activations kept for backward; per-layer arrays are (numLayers) x (...)
    private float[][] xIn;     // (n, dim) residual stream entering each layer
    private float[][] xn1;     // (n, dim) attention norm output
    private float[][] rstd1;   // (n)
    private float[][] q;       // (n, qDim) after rope
    private float[][] k;       // (n, kvDim) after rope
    private float[][] v;       // (n, kvDim)
    private float[][] probs;   // (batch, numHeads, seqLen, seqLen)
    private float[][] att;     // (n, qDim) attention output
    private float[][] xMid;    // (n, dim) residual after attention
    private float[][] xn2;     // (n, dim)
    private float[][] rstd2;   // (n)
    private float[][] gate;    // (n, hiddenDim) pre-activation
    private float[][] up;      // (n, hiddenDim)
    private float[][] sig;     // (n, hiddenDim) sigmoid(gate)
    private float[][] act;     // (n, hiddenDim) silu(gate) * up
    private float[] xFinal;    // (n, dim)
    private float[] xnFinal;   // (n, dim)
    private float[] rstdFinal; // (n)
    private float[] logits;    // (n, vocabSize)
    // scratch, reused by every step of the same shape
    private float[] proj;      // (n, dim) attention or feed-forward output before the residual add
    private float[] dHidden;   // (n, dim) gradient of the final norm's output
    private float[] dx;        // (n, dim) gradient of the residual stream
    private float[] dxn;       // (n, dim) gradient of a norm's output
    private float[] dAct;      // (n, hiddenDim)
    private float[] dGate;     // (n, hiddenDim)
    private float[] dUp;       // (n, hiddenDim)
    private float[] dAtt;      // (n, qDim)
    private float[] dq;        // (n, qDim)
    private float[] dk;        // (n, kvDim)
    private float[] dv;        // (n, kvDim)

    public TrainableLlama(LlamaParams params, Dense dense) {
        this.c = params.config;
        this.p = params;
        this.dense = dense;
        this.rope = new Rope(c.headDim(), c.contextLength(), c.ropeTheta());
        this.attention = new CausalAttention(c.numHeads(), c.numKvHeads(), c.headDim());
        this.qDim = c.numHeads() * c.headDim();
        this.kvDim = c.numKvHeads() * c.headDim();
        if (c.ropeDim() != c.headDim()) {
            throw new IllegalArgumentException("training rotates whole heads: ropeDim " + c.ropeDim() + " != headDim " + c.headDim());
        }
    }

    /** The parameters. */
    public LlamaParams params() {
        return p;
    }

    /**
     * Runs {@code batch} sequences of {@code seqLen} tokens ({@code tokens} is (batch, seqLen)) and returns
     * the logits (batch * seqLen, vocabSize). The returned array is reused by the next call.
     */
    public float[] forward(int[] tokens, int batch, int seqLen) {
        forwardHidden(tokens, batch, seqLen);
        Linear.forward(dense, logits, xnFinal, p.classifier().value(), batch * seqLen, c.dim(), c.vocabSize());
        return logits;
    }

    /**
     * Runs the transformer up to and including the final norm, without the vocabulary classifier, and
     * returns the normed hidden states (batch * seqLen, dim), for heads of other kinds (a sequence
     * classifier). The returned array is reused by the next call; {@link #backwardHidden} goes back.
     */
    public float[] forwardHidden(int[] tokens, int batch, int seqLen) {
        if (tokens.length != batch * seqLen) {
            throw new IllegalArgumentException(tokens.length + " tokens are not " + batch + " sequences of " + seqLen);
        }
        if (seqLen > c.contextLength()) {
            throw new IllegalArgumentException("sequence length " + seqLen + " exceeds the context length " + c.contextLength());
        }
        for (int t : tokens) {
            if (t < 0 || t >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + t + " is outside the vocabulary [0, " + c.vocabSize() + ")");
            }
        }
        allocate(batch, seqLen);
        this.tokens = tokens.clone();
        int n = batch * seqLen;
        int dim = c.dim();
        int hidden = c.hiddenDim();
        float[] x = c.numLayers() > 0 ? xIn[0] : xFinal;
        // token embeddings
        Embedding.forward(x, p.tokenEmbedding.value(), tokens, dim);
        float[] proj = this.proj;
        for (int l = 0; l < c.numLayers(); l++) {
            // attention: norm, q/k/v projections, rope, causal attention, output projection, residual
            RmsNorm.forward(dense, xn1[l], rstd1[l], x, p.attnNorm[l].value(), n, dim, c.normEps());
            Linear.forward(dense, q[l], xn1[l], p.wq[l].value(), n, dim, qDim);
            Linear.forward(dense, k[l], xn1[l], p.wk[l].value(), n, dim, kvDim);
            Linear.forward(dense, v[l], xn1[l], p.wv[l].value(), n, dim, kvDim);
            rope.forward(dense, q[l], n, seqLen, c.numHeads());
            rope.forward(dense, k[l], n, seqLen, c.numKvHeads());
            attention.forward(dense, att[l], probs[l], q[l], k[l], v[l], batch, seqLen);
            Linear.forward(dense, proj, att[l], p.wo[l].value(), n, qDim, dim);
            float[] mid = xMid[l];
            for (int i = 0; i < n * dim; i++) {
                mid[i] = x[i] + proj[i];
            }
            // feed-forward: norm, down(silu(gate(x)) * up(x)), residual
            RmsNorm.forward(dense, xn2[l], rstd2[l], mid, p.ffnNorm[l].value(), n, dim, c.normEps());
            Linear.forward(dense, gate[l], xn2[l], p.wGate[l].value(), n, dim, hidden);
            Linear.forward(dense, up[l], xn2[l], p.wUp[l].value(), n, dim, hidden);
            SwiGlu.forward(dense, act[l], sig[l], gate[l], up[l], n * hidden);
            Linear.forward(dense, proj, act[l], p.wDown[l].value(), n, hidden, dim);
            float[] next = l + 1 < c.numLayers() ? xIn[l + 1] : xFinal;
            for (int i = 0; i < n * dim; i++) {
                next[i] = mid[i] + proj[i];
            }
            x = next;
        }
        // final norm (the classifier is applied by forward)
        RmsNorm.forward(dense, xnFinal, rstdFinal, xFinal, p.outputNorm.value(), n, dim, c.normEps());
        return xnFinal;
    }

    /** Adds the gradients of the last forward's parameters, given dL/dlogits (batch * seqLen, vocabSize). */
    public void backward(float[] dlogits) {
        float[] dHidden = this.dHidden;
        Linear.backward(dense, dHidden, p.classifier().grad(), dlogits, xnFinal, p.classifier().value(), batch * seqLen,
                c.dim(), c.vocabSize(), false);
        backwardHidden(dHidden);
    }

    /**
     * Adds the gradients of the last forward's parameters below the classifier, given dL/d(normed hidden
     * state) (batch * seqLen, dim) of {@link #forwardHidden}.
     */
    public void backwardHidden(float[] dHidden) {
        int n = batch * seqLen;
        int dim = c.dim();
        int hidden = c.hiddenDim();
        if (dHidden.length != n * dim) {
            throw new IllegalArgumentException("dHidden has " + dHidden.length + " values, the last forward had " + n * dim);
        }
        float[] dx = this.dx;
        java.util.Arrays.fill(dx, 0f); // the norms' backward passes add into it
        float[] dxn = this.dxn;
        float[] dAct = this.dAct;
        float[] dGate = this.dGate;
        float[] dUp = this.dUp;
        float[] dAtt = this.dAtt;
        float[] dq = this.dq;
        float[] dk = this.dk;
        float[] dv = this.dv;
        // final norm
        RmsNorm.backward(dense, dx, p.outputNorm.grad(), dHidden, xFinal, p.outputNorm.value(), rstdFinal, n, dim);
        for (int l = c.numLayers() - 1; l >= 0; l--) {
            // feed-forward: dx flows through the residual unchanged and into down, swiglu, gate/up, norm
            Linear.backward(dense, dAct, p.wDown[l].grad(), dx, act[l], p.wDown[l].value(), n, hidden, dim, false);
            SwiGlu.backward(dense, dGate, dUp, dAct, gate[l], up[l], sig[l], n * hidden);
            Linear.backward(dense, dxn, p.wGate[l].grad(), dGate, xn2[l], p.wGate[l].value(), n, dim, hidden, false);
            Linear.backward(dense, dxn, p.wUp[l].grad(), dUp, xn2[l], p.wUp[l].value(), n, dim, hidden, true);
            RmsNorm.backward(dense, dx, p.ffnNorm[l].grad(), dxn, xMid[l], p.ffnNorm[l].value(), rstd2[l], n, dim);
            // attention: output projection, attention, rope, q/k/v projections, norm
            Linear.backward(dense, dAtt, p.wo[l].grad(), dx, att[l], p.wo[l].value(), n, qDim, dim, false);
            attention.backward(dense, dq, dk, dv, dAtt, probs[l], q[l], k[l], v[l], batch, seqLen);
            rope.backward(dense, dq, n, seqLen, c.numHeads());
            rope.backward(dense, dk, n, seqLen, c.numKvHeads());
            Linear.backward(dense, dxn, p.wq[l].grad(), dq, xn1[l], p.wq[l].value(), n, dim, qDim, false);
            Linear.backward(dense, dxn, p.wk[l].grad(), dk, xn1[l], p.wk[l].value(), n, dim, kvDim, true);
            Linear.backward(dense, dxn, p.wv[l].grad(), dv, xn1[l], p.wv[l].value(), n, dim, kvDim, true);
            RmsNorm.backward(dense, dx, p.attnNorm[l].grad(), dxn, xIn[l], p.attnNorm[l].value(), rstd1[l], n, dim);
        }
        Embedding.backward(p.tokenEmbedding.grad(), dx, tokens, dim);
    }

    private void allocate(int batch, int seqLen) {
        if (this.batch == batch && this.seqLen == seqLen) {
            return;
        }
        this.batch = batch;
        this.seqLen = seqLen;
        int n = batch * seqLen;
        int L = c.numLayers();
        int dim = c.dim();
        int hidden = c.hiddenDim();
        xIn = new float[L][n * dim];
        proj = new float[n * dim];
        dHidden = new float[n * dim];
        dx = new float[n * dim];
        dxn = new float[n * dim];
        dAct = new float[n * hidden];
        dGate = new float[n * hidden];
        dUp = new float[n * hidden];
        dAtt = new float[n * qDim];
        dq = new float[n * qDim];
        dk = new float[n * kvDim];
        dv = new float[n * kvDim];
        xn1 = new float[L][n * dim];
        rstd1 = new float[L][n];
        q = new float[L][n * qDim];
        k = new float[L][n * kvDim];
        v = new float[L][n * kvDim];
        probs = new float[L][batch * c.numHeads() * seqLen * seqLen];
        att = new float[L][n * qDim];
        xMid = new float[L][n * dim];
        xn2 = new float[L][n * dim];
        rstd2 = new float[L][n];
        gate = new float[L][n * hidden];
        up = new float[L][n * hidden];
        sig = new float[L][n * hidden];
        act = new float[L][n * hidden];
        xFinal = new float[n * dim];
        xnFinal = new float[n * dim];
        rstdFinal = new float[n];
        logits = new float[n * c.vocabSize()];
    }
}

package jllm.compress;

import java.util.Arrays;

import jllm.kernel.Dense;
import jllm.kernel.Kernels;
import jllm.kernel.scalar.Exp;
import jllm.model.ModelSource;
import jllm.model.TensorName;
import jllm.model.blocks.Rope;
import jllm.model.llama.LlamaConfig;

/**
 * The llama forward pass written for reproducibility rather than for llama.cpp fidelity: every value
 * is computed by plain Java float arithmetic in one fixed order, so the logits are bit-identical
 * whatever the thread count, the number of lanes, the CPU's SIMD width, and whether the code runs
 * interpreted or compiled. That is what arithmetic decoding needs.
 *
 * <p>How: weights are dequantized once to F32 and stored transposed, {@code (cols, rows)}, and every
 * product goes through {@link Dense}, whose outputs each add their terms in ascending order with one
 * fused multiply-add per term, identically in its scalar reference and its vector path, on any number
 * of threads. Attention scores are dot products summed in index order on one thread each; exponentials
 * use {@link Exp} (IEEE-exact operations); rope angles are tabulated once with {@link StrictMath}.
 * The KV cache is F32 (no F16 rounding), so results differ slightly from the engine's, not in kind.
 */
public final class PlainLlama implements LockstepModel {
    /** Largest model this predictor dequantizes to F32 in memory (parameters). */
    public static final long MAX_PARAMS = 300_000_000L;

    private final LlamaConfig c;
    private final Kernels kernels; // dequantizes the weights (exactly) at load
    private final Dense dense;     // every product and parallel loop
    private final int qDim;
    private final int kvDim;
    private final float[] embedding;  // (vocabSize, dim)
    private final float[][] attnNorm; // (numLayers)(dim)
    private final float[][] wq;       // (numLayers)(dim, qDim) transposed
    private final float[][] wk;       // (numLayers)(dim, kvDim)
    private final float[][] wv;       // (numLayers)(dim, kvDim)
    private final float[][] wo;       // (numLayers)(qDim, dim)
    private final float[][] ffnNorm;  // (numLayers)(dim)
    private final float[][] wGate;    // (numLayers)(dim, hiddenDim)
    private final float[][] wUp;      // (numLayers)(dim, hiddenDim)
    private final float[][] wDown;    // (numLayers)(hiddenDim, dim)
    private final float[] outputNorm; // (dim)
    private final float[] classifier; // (dim, vocabSize) transposed
    private final float[] cos;        // (contextLength, ropeDim / 2)
    private final float[] sin;        // (contextLength, ropeDim / 2)
    private float[][][] keys;         // (lanes)(numLayers)(kvDim, maxTokens): transposed
    private float[][][] values;       // (lanes)(numLayers)(maxTokens * kvDim)
    private int[] length;             // (lanes) tokens held
    private int maxTokens;

    private PlainLlama(LlamaConfig c, Kernels kernels, Dense dense, ModelSource s) {
        this.c = c;
        this.kernels = kernels;
        this.dense = dense;
        this.qDim = c.numHeads() * c.headDim();
        this.kvDim = c.numKvHeads() * c.headDim();
        int l = c.numLayers();
        embedding = kernels.dequantize(s.tensor(TensorName.TOKEN_EMBD.global()));
        attnNorm = new float[l][];
        wq = new float[l][];
        wk = new float[l][];
        wv = new float[l][];
        wo = new float[l][];
        ffnNorm = new float[l][];
        wGate = new float[l][];
        wUp = new float[l][];
        wDown = new float[l][];
        for (int i = 0; i < l; i++) {
            attnNorm[i] = kernels.dequantize(s.tensor(TensorName.ATTN_NORM.layer(i), c.dim()));
            wq[i] = transposed(s, TensorName.ATTN_Q.layer(i), c.dim(), qDim);
            wk[i] = transposed(s, TensorName.ATTN_K.layer(i), c.dim(), kvDim);
            wv[i] = transposed(s, TensorName.ATTN_V.layer(i), c.dim(), kvDim);
            wo[i] = transposed(s, TensorName.ATTN_OUTPUT.layer(i), qDim, c.dim());
            ffnNorm[i] = kernels.dequantize(s.tensor(TensorName.FFN_NORM.layer(i), c.dim()));
            wGate[i] = transposed(s, TensorName.FFN_GATE.layer(i), c.dim(), c.hiddenDim());
            wUp[i] = transposed(s, TensorName.FFN_UP.layer(i), c.dim(), c.hiddenDim());
            wDown[i] = transposed(s, TensorName.FFN_DOWN.layer(i), c.hiddenDim(), c.dim());
        }
        outputNorm = kernels.dequantize(s.tensor(TensorName.OUTPUT_NORM.global(), c.dim()));
        classifier = s.optionalTensor(TensorName.OUTPUT.global()).isPresent()
                ? transposed(s, TensorName.OUTPUT.global(), c.dim(), c.vocabSize())
                : transpose(embedding, c.vocabSize(), c.dim());
        float[] freqFactors = s.optionalTensor(TensorName.ROPE_FREQS.global()).map(kernels::dequantize).orElse(null);
        int half = c.ropeDim() / 2;
        cos = new float[c.contextLength() * half];
        sin = new float[c.contextLength() * half];
        for (int p = 0; p < c.contextLength(); p++) {
            for (int i = 0; i < half; i++) {
                double angle = p * StrictMath.pow(c.ropeTheta(), -2.0 * i / c.ropeDim());
                if (freqFactors != null) {
                    angle /= freqFactors[i];
                }
                cos[p * half + i] = (float) StrictMath.cos(angle);
                sin[p * half + i] = (float) StrictMath.sin(angle);
            }
        }
    }

    /**
     * The predictor for a llama-architecture source: {@code kernels} dequantize the weights,
     * {@code dense} computes (its products give the same bits on every backend and thread count).
     *
     * @throws IllegalArgumentException when the model is not llama or too large to hold in F32
     */
    public static PlainLlama of(ModelSource source, Kernels kernels, Dense dense) {
        if (!source.architecture().equals("llama")) {
            throw new IllegalArgumentException("the reproducible predictor runs llama models, not " + source.architecture());
        }
        long params = source.tensors().values().stream().mapToLong(t -> t.size()).sum();
        if (params > MAX_PARAMS) {
            throw new IllegalArgumentException("the model has " + params + " parameters; the reproducible predictor holds at most "
                    + MAX_PARAMS + " in F32");
        }
        return new PlainLlama(LlamaConfig.from(source), kernels, dense, source);
    }

    /** Whether {@link #of} accepts this model. */
    public static boolean supports(ModelSource source) {
        return source.architecture().equals("llama")
                && source.tensors().values().stream().mapToLong(t -> t.size()).sum() <= MAX_PARAMS;
    }

    @Override
    public int vocabSize() {
        return c.vocabSize();
    }

    @Override
    public int contextLength() {
        return c.contextLength();
    }

    @Override
    public void reset(int lanes, int maxTokens) {
        if (maxTokens > c.contextLength()) {
            throw new IllegalArgumentException(maxTokens + " tokens exceed the context of " + c.contextLength());
        }
        if (keys == null || keys.length < lanes || this.maxTokens != maxTokens) {
            keys = new float[lanes][c.numLayers()][maxTokens * kvDim];
            values = new float[lanes][c.numLayers()][maxTokens * kvDim];
            this.maxTokens = maxTokens;
        }
        length = new int[keys.length];
    }

    @Override
    public float[] step(int[] lanes, int[] tokens) {
        int n = lanes.length;
        int dim = c.dim();
        int hidden = c.hiddenDim();
        float[] x = new float[n * dim];      // (n, dim) residual stream
        float[] xb = new float[n * dim];     // (n, dim) normalized sublayer input
        float[] q = new float[n * qDim];     // (n, qDim)
        float[] k = new float[n * kvDim];    // (n, kvDim)
        float[] v = new float[n * kvDim];    // (n, kvDim)
        float[] att = new float[n * qDim];   // (n, qDim) attention output
        float[] gate = new float[n * hidden]; // (n, hiddenDim)
        float[] up = new float[n * hidden];   // (n, hiddenDim)
        int[] pos = new int[n];
        for (int a = 0; a < n; a++) {
            int lane = lanes[a];
            pos[a] = length[lane];
            if (pos[a] >= maxTokens) {
                throw new IllegalStateException("lane " + lane + " is full (" + maxTokens + " tokens)");
            }
            if (tokens[a] < 0 || tokens[a] >= c.vocabSize()) {
                throw new IllegalArgumentException("token " + tokens[a] + " outside the vocabulary");
            }
            // token embedding
            System.arraycopy(embedding, tokens[a] * dim, x, a * dim, dim);
        }
        for (int l = 0; l < c.numLayers(); l++) {
            // attention: norm, q/k/v, rope, cache, attend, output projection, residual
            rmsNorm(xb, x, attnNorm[l], n);
            matmul(q, wq[l], xb, n, dim, qDim);
            matmul(k, wk[l], xb, n, dim, kvDim);
            matmul(v, wv[l], xb, n, dim, kvDim);
            for (int a = 0; a < n; a++) {
                rope(q, a * qDim, c.numHeads(), pos[a]);
                rope(k, a * kvDim, c.numKvHeads(), pos[a]);
                float[] kt = keys[lanes[a]][l];
                for (int j = 0; j < kvDim; j++) {
                    kt[j * maxTokens + pos[a]] = k[a * kvDim + j];
                }
                System.arraycopy(v, a * kvDim, values[lanes[a]][l], pos[a] * kvDim, kvDim);
            }
            int layer = l;
            dense.parallelFor(n * c.numHeads(), ah -> attend(att, q, lanes, pos, layer, ah / c.numHeads(), ah % c.numHeads()));
            matmul(xb, wo[l], att, n, qDim, dim);
            add(x, xb);
            // feed-forward: norm, down(silu(gate) * up), residual
            rmsNorm(xb, x, ffnNorm[l], n);
            matmul(gate, wGate[l], xb, n, dim, hidden);
            matmul(up, wUp[l], xb, n, dim, hidden);
            for (int i = 0; i < gate.length; i++) {
                float g = gate[i];
                gate[i] = g / (1.0f + Exp.exp(-g)) * up[i];
            }
            matmul(xb, wDown[l], gate, n, hidden, dim);
            add(x, xb);
        }
        for (int a = 0; a < n; a++) {
            length[lanes[a]] = pos[a] + 1;
        }
        // final norm and classifier
        rmsNorm(xb, x, outputNorm, n);
        float[] logits = new float[n * c.vocabSize()];
        matmul(logits, classifier, xb, n, dim, c.vocabSize());
        return logits;
    }

    /** out (n, rows) = x (n, cols) times w, with w stored transposed as (cols, rows). */
    private void matmul(float[] out, float[] wt, float[] x, int n, int cols, int rows) {
        dense.matmul(out, x, wt, n, cols, rows, false);
    }

    private void rmsNorm(float[] out, float[] x, float[] weight, int n) {
        int dim = c.dim();
        for (int a = 0; a < n; a++) {
            int off = a * dim;
            float sum = 0f;
            for (int i = 0; i < dim; i++) {
                sum += x[off + i] * x[off + i];
            }
            float scale = (float) (1.0 / Math.sqrt(sum / dim + c.normEps())); // sqrt is exact in IEEE
            for (int i = 0; i < dim; i++) {
                out[off + i] = x[off + i] * scale * weight[i];
            }
        }
    }

    private void rope(float[] x, int off, int heads, int p) {
        int half = c.ropeDim() / 2;
        for (int h = 0; h < heads; h++) {
            int base = off + h * c.headDim();
            for (int i = 0; i < half; i++) {
                int ia = c.ropeStyle() == Rope.Style.NORM ? base + 2 * i : base + i;
                int ib = c.ropeStyle() == Rope.Style.NORM ? ia + 1 : base + i + half;
                float cs = cos[p * half + i];
                float sn = sin[p * half + i];
                float x0 = x[ia];
                float x1 = x[ib];
                x[ia] = x0 * cs - x1 * sn;
                x[ib] = x0 * sn + x1 * cs;
            }
        }
    }

    // One query head of one lane over that lane's positions 0..pos.
    private void attend(float[] out, float[] q, int[] lanes, int[] pos, int layer, int a, int h) {
        int hd = c.headDim();
        int qOff = a * qDim + h * hd;
        int kvOff = (h / (c.numHeads() / c.numKvHeads())) * hd;
        float[] ks = keys[lanes[a]][layer];
        float[] vs = values[lanes[a]][layer];
        int len = pos[a] + 1;
        float[] scores = new float[len];
        float scale = (float) (1.0 / Math.sqrt(hd));
        // scores[t] = q . k_t, accumulated over i in order; the loop over t is independent per t
        // (keys are stored transposed, (kvDim, maxTokens)), so it runs at full width
        for (int i = 0; i < hd; i++) {
            float qi = q[qOff + i];
            int base = (kvOff + i) * maxTokens;
            for (int t = 0; t < len; t++) {
                scores[t] = Math.fma(qi, ks[base + t], scores[t]);
            }
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int t = 0; t < len; t++) {
            scores[t] *= scale;
            max = Math.max(max, scores[t]);
        }
        float sum = 0f;
        for (int t = 0; t < len; t++) {
            scores[t] = Exp.exp(scores[t] - max);
            sum += scores[t];
        }
        float inv = 1f / sum;
        Arrays.fill(out, qOff, qOff + hd, 0f);
        for (int t = 0; t < len; t++) {
            float w = scores[t] * inv;
            int vo = t * kvDim + kvOff;
            for (int i = 0; i < hd; i++) {
                out[qOff + i] += w * vs[vo + i];
            }
        }
    }

    private static void add(float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) {
            x[i] += y[i];
        }
    }

    // A (rows, cols) weight as (cols, rows) floats.
    private float[] transposed(ModelSource s, String name, int cols, int rows) {
        return transpose(kernels.dequantize(s.tensor(name, cols, rows)), rows, cols);
    }

    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                t[col * rows + r] = m[r * cols + col];
            }
        }
        return t;
    }
}

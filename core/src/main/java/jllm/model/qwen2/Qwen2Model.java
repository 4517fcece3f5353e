package jllm.model.qwen2;

import static jllm.model.blocks.Rows.positionsAfter;
import static jllm.model.blocks.Rows.reserve;
import static jllm.model.blocks.Rows.sameCache;

import java.util.List;

import jllm.kernel.Kernels;
import jllm.model.KvCache;
import jllm.model.LanguageModel;
import jllm.model.ModelInfo;
import jllm.model.blocks.Attention;
import jllm.model.blocks.RmsNorm;
import jllm.model.blocks.Rows;
import jllm.model.blocks.Rope;
import jllm.model.blocks.SwiGlu;
import jllm.tensor.Tensor;

/** The qwen2 forward pass: llama's with q/k/v biases and NEOX-paired rope. */
public final class Qwen2Model implements LanguageModel {
    private final Qwen2Config c;
    private final Qwen2Weights w;
    private final Kernels kernels;
    private final Rope rope;
    private final Attention attention;

    Qwen2Model(Qwen2Config config, Qwen2Weights weights, Kernels kernels) {
        this.c = config;
        this.w = weights;
        this.kernels = kernels;
        this.rope = new Rope(Rope.Style.NEOX, config.headDim(), config.headDim(), config.ropeTheta(), null);
        this.attention = new Attention(config.numHeads(), config.numKvHeads(), config.headDim(), kernels);
    }

    @Override
    public ModelInfo info() {
        return c.info();
    }

    @Override
    public KvCache newCache(int maxContext, KvCache.Type type) {
        return new KvCache(type, c.numLayers(), c.numKvHeads() * c.headDim(), maxContext);
    }

    @Override
    public float[] forward(KvCache cache, int[] tokens, Logits which) {
        int n = tokens.length;
        float[] x = layers(sameCache(cache, n), positionsAfter(cache, n), tokens);
        int first = which == Logits.ALL ? 0 : n - 1;
        int[] rows = new int[n - first];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = first + i;
        }
        return classify(x, rows);
    }

    @Override
    public float[] forwardBatch(List<KvCache> caches, List<int[]> tokens) {
        Rows.Batch b = Rows.batch(caches, tokens);
        return classify(layers(b.caches(), b.positions(), b.tokens()), b.lastRows());
    }

    @Override
    public float[] hiddenStates(KvCache cache, int[] tokens) {
        int n = tokens.length;
        float[] x = layers(sameCache(cache, n), positionsAfter(cache, n), tokens);
        float[] out = new float[n * c.dim()];
        for (int i = 0; i < n; i++) {
            RmsNorm.apply(out, i * c.dim(), x, i * c.dim(), w.outputNorm(), c.dim(), c.normEps());
        }
        return out;
    }

    /**
     * The transformer layers over n token rows; row i is at position pos[i] of sequence caches[i].
     * Returns the residual stream (n, dim).
     */
    private float[] layers(KvCache[] caches, int[] pos, int[] tokens) {
        int n = tokens.length;
        int dim = c.dim();
        int kvDim = c.numKvHeads() * c.headDim();
        reserve(caches, pos);
        float[] x = new float[n * dim];        // (n, dim) residual stream
        float[] xb = new float[n * dim];       // (n, dim) normalized input of a sublayer
        float[] q = new float[n * dim];        // (n, numHeads * headDim)
        float[] k = new float[n * kvDim];      // (n, kvDim)
        float[] v = new float[n * kvDim];      // (n, kvDim)
        float[] att = new float[n * dim];      // (n, dim) attention output
        float[] gate = new float[n * c.hiddenDim()]; // (n, hiddenDim)
        float[] up = new float[n * c.hiddenDim()];   // (n, hiddenDim)
        // token embeddings
        for (int i = 0; i < n; i++) {
            if (tokens[i] < 0 || tokens[i] >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + tokens[i] + " is outside the vocabulary [0, " + c.vocabSize() + ")");
            }
            kernels.dequantizeRow(x, i * dim, w.tokenEmbedding(), tokens[i]);
        }
        for (int l = 0; l < c.numLayers(); l++) {
            // attention: norm, biased q/k/v projections, rope, cache, attend, output projection, residual
            RmsNorm.applyRows(xb, x, w.attnNorm()[l], dim, n, c.normEps());
            kernels.matmul(new float[][] {q, k, v}, new Tensor[] {w.wq()[l], w.wk()[l], w.wv()[l]}, xb, n);
            for (int i = 0; i < n; i++) {
                addBias(q, i * dim, w.bq()[l]);
                addBias(k, i * kvDim, w.bk()[l]);
                addBias(v, i * kvDim, w.bv()[l]);
                rope.apply(q, i * dim, c.numHeads(), pos[i]);
                rope.apply(k, i * kvDim, c.numKvHeads(), pos[i]);
                caches[i].store(l, pos[i], k, i * kvDim, v, i * kvDim);
            }
            int layer = l;
            kernels.parallelFor(n * c.numHeads(), ih -> {
                int i = ih / c.numHeads();
                attention.applyHead(att, i * dim, q, i * dim, caches[i], layer, pos[i], ih % c.numHeads());
            });
            kernels.matmul(xb, w.wo()[l], att, n);
            addBias(x, 0, xb, n * dim);
            // feed-forward: norm, down(silu(gate(x)) * up(x)), residual
            RmsNorm.applyRows(xb, x, w.ffnNorm()[l], dim, n, c.normEps());
            kernels.matmul(new float[][] {gate, up}, new Tensor[] {w.wGate()[l], w.wUp()[l]}, xb, n);
            SwiGlu.apply(kernels, gate, up, n * c.hiddenDim());
            kernels.matmul(xb, w.wDown()[l], gate, n);
            addBias(x, 0, xb, n * dim);
        }
        for (int i = 0; i < n; i++) {
            caches[i].advanceTo(pos[i] + 1);
        }
        return x;
    }

    /** Final norm and classifier for the given rows of the residual stream: (rows.length, vocabSize). */
    private float[] classify(float[] x, int[] rows) {
        int dim = c.dim();
        int m = rows.length;
        float[] last = new float[m * dim];
        for (int i = 0; i < m; i++) {
            RmsNorm.apply(last, i * dim, x, rows[i] * dim, w.outputNorm(), dim, c.normEps());
        }
        float[] logits = new float[m * c.vocabSize()];
        kernels.matmul(logits, w.classifier(), last, m);
        return logits;
    }

    private static void addBias(float[] x, int off, float[] b) {
        addBias(x, off, b, b.length);
    }

    private static void addBias(float[] x, int off, float[] b, int n) {
        for (int i = 0; i < n; i++) {
            x[off + i] += b[i];
        }
    }
}

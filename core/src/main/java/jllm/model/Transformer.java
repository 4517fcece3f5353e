package jllm.model;

import static jllm.model.blocks.Rows.positionsAfter;
import static jllm.model.blocks.Rows.reserve;
import static jllm.model.blocks.Rows.sameCache;

import java.util.List;

import jllm.kernel.Kernels;
import jllm.model.blocks.Pass;
import jllm.model.blocks.RmsNorm;
import jllm.model.blocks.Rows;
import jllm.tensor.Tensor;

/**
 * The one decoder-only transformer: everything every family shares (token embedding and its scale,
 * the row layout of prompts and batches, the KV cache, the final norm, the classifier with its scale
 * and soft-cap, hidden states), around a family's per-layer function.
 *
 * <pre>{@code
 * // in a family's Architecture.load:
 * return new Transformer(stem, (pass, layer) -> { ... blocks ... }, kernels);
 * }</pre>
 */
public final class Transformer implements LanguageModel {

    /**
     * What surrounds the layers.
     *
     * @param info           hyperparameters (dim, numLayers, kvDim for the cache, vocabSize, normEps)
     * @param tokenEmbedding (vocabSize, dim)
     * @param embeddingScale factor on embeddings (sqrt(dim) for Gemma, Granite's multiplier; 1 for most)
     * @param outputNorm     (dim) the final RMSNorm's weight
     * @param output         (vocabSize, dim) the classifier, or null when tied to the embedding table
     * @param logitScale     factor on logits (1 / Granite's logits_scaling; 1 for most)
     * @param logitSoftCap   final logit soft-capping (Gemma 2: cap * tanh(logit / cap)); 0 for none
     */
    public record Stem(ModelInfo info, Tensor tokenEmbedding, float embeddingScale, float[] outputNorm,
                       Tensor output, float logitScale, float logitSoftCap) {

        /** A stem without scales or caps. */
        public static Stem of(ModelInfo info, Tensor tokenEmbedding, float[] outputNorm, Tensor output) {
            return new Stem(info, tokenEmbedding, 1f, outputNorm, output, 1f, 0f);
        }

        /**
         * Reads the standard tensors: {@code token_embd}, {@code output_norm} and {@code output} (absent when
         * the classifier is tied to the embedding table), each checked against {@code info}.
         */
        public static Stem load(ModelSource s, ModelInfo info, Kernels k) {
            return of(info, s.tensor(TensorName.TOKEN_EMBD.global(), info.dim(), info.vocabSize()),
                    k.dequantize(s.tensor(TensorName.OUTPUT_NORM.global(), info.dim())),
                    s.optionalTensor(TensorName.OUTPUT.global()).isPresent()
                            ? s.tensor(TensorName.OUTPUT.global(), info.dim(), info.vocabSize()) : null);
        }

        /** This stem with an embedding scale. */
        public Stem withEmbeddingScale(float scale) {
            return new Stem(info, tokenEmbedding, scale, outputNorm, output, logitScale, logitSoftCap);
        }

        /** This stem with a logit scale and soft-cap (0 for none). */
        public Stem withLogits(float scale, float softCap) {
            return new Stem(info, tokenEmbedding, embeddingScale, outputNorm, output, scale, softCap);
        }

        /** The classifier: output.weight, or the embedding table when tied. */
        public Tensor classifier() {
            return output != null ? output : tokenEmbedding;
        }
    }

    /** What a sequence's memory is: an {@link AttentionCache} by default, a {@link RecurrentState} for state-space models. */
    @FunctionalInterface
    public interface Memory {
        KvCache newCache(int maxContext, KvCache.Type type);
    }

    /** A family's layer: reads and updates the pass's residual stream for layer {@code layer}. */
    @FunctionalInterface
    public interface Layer {
        void apply(Pass pass, int layer);
    }

    private final Stem stem;
    private final Layer layer;
    private final Kernels kernels;
    private final ModelInfo c;
    private final Memory memory;

    /** A transformer whose sequences keep keys and values ({@link AttentionCache}, kvDim per layer). */
    public Transformer(Stem stem, Layer layer, Kernels kernels) {
        this(stem, layer, kernels, (maxContext, type) -> new AttentionCache(type, stem.info().numLayers(), stem.info().kvDim(), maxContext));
    }

    /** A stack of layers whose sequences keep the given memory (a recurrent state for Mamba). */
    public Transformer(Stem stem, Layer layer, Kernels kernels, Memory memory) {
        this.stem = stem;
        this.layer = layer;
        this.kernels = kernels;
        this.c = stem.info();
        this.memory = memory;
    }

    @Override
    public ModelInfo info() {
        return c;
    }

    @Override
    public KvCache newCache(int maxContext, KvCache.Type type) {
        return memory.newCache(maxContext, type);
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
        RmsNorm.applyRows(out, x, stem.outputNorm(), c.dim(), n, c.normEps());
        return out;
    }

    /**
     * The layers over n token rows; row i is at position pos[i] of sequence caches[i] (one prompt: one
     * cache, consecutive positions; one decode step of several sequences: a cache each). Returns the
     * residual stream (n, dim).
     */
    private float[] layers(KvCache[] caches, int[] pos, int[] tokens) {
        int dim = c.dim();
        reserve(caches, pos);
        Pass p = new Pass(kernels, caches, pos, dim);
        float[] x = p.x();
        // token embeddings, scaled where the family says so
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + tokens[i] + " is outside the vocabulary [0, " + c.vocabSize() + ")");
            }
            kernels.dequantizeRow(x, i * dim, stem.tokenEmbedding(), tokens[i]);
        }
        if (stem.embeddingScale() != 1f) {
            for (int i = 0; i < x.length; i++) {
                x[i] *= stem.embeddingScale();
            }
        }
        for (int l = 0; l < c.numLayers(); l++) {
            layer.apply(p, l);
        }
        // once per sequence, after its last row (rows of one cache are consecutive)
        for (int i = 0; i < caches.length; i++) {
            if (i == caches.length - 1 || caches[i + 1] != caches[i]) {
                caches[i].advanceTo(pos[i] + 1);
            }
        }
        return x;
    }

    /** Final norm and classifier for the given rows of the residual stream: (rows.length, vocabSize). */
    private float[] classify(float[] x, int[] rows) {
        int dim = c.dim();
        int m = rows.length;
        float[] last = new float[m * dim];
        for (int i = 0; i < m; i++) {
            RmsNorm.apply(last, i * dim, x, rows[i] * dim, stem.outputNorm(), dim, c.normEps());
        }
        float[] logits = new float[m * c.vocabSize()];
        kernels.matmul(logits, stem.classifier(), last, m);
        if (stem.logitScale() != 1f || stem.logitSoftCap() != 0f) {
            float scale = stem.logitScale();
            float cap = stem.logitSoftCap();
            for (int i = 0; i < logits.length; i++) {
                float v = logits[i] * scale;
                logits[i] = cap == 0f ? v : cap * kernels.math().tanh(v / cap);
            }
        }
        return logits;
    }
}

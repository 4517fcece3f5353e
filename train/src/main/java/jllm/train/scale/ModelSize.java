package jllm.train.scale;

import java.util.Locale;

import jllm.train.ModelShape;

/**
 * A llama model of a sweep by width and depth: feed-forward width 8/3 of {@code dim} (rounded up to 16, as
 * llama's SwiGLU keeps the MLP's parameters at 8 dim^2), heads of 16 dims up to width 64 and 32 above, the
 * classifier tied to the embedding.
 *
 * @param dim       width
 * @param numLayers depth
 */
public record ModelSize(int dim, int numLayers) {

    public ModelSize {
        if (dim < 16 || dim % 16 != 0 || numLayers < 1) {
            throw new IllegalArgumentException("model size " + dim + "x" + numLayers
                    + ": the width must be a multiple of 16 (at least 16) and the depth at least 1");
        }
    }

    /** Parses {@code DIMxLAYERS}, e.g. {@code 64x2}. */
    public static ModelSize parse(String s) {
        String[] f = s.trim().toLowerCase(Locale.ROOT).split("x");
        try {
            if (f.length == 2) {
                return new ModelSize(Integer.parseInt(f[0]), Integer.parseInt(f[1]));
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException("model size '" + s + "' is not WIDTHxLAYERS (e.g. 64x2)");
    }

    /** The shape with a context of {@code contextLength}. */
    public ModelShape shape(int contextLength) {
        int heads = dim / (dim <= 64 ? 16 : 32);
        return new ModelShape(dim, hiddenDim(), numLayers, heads, heads, contextLength, 10000f, true);
    }

    /** The feed-forward width. */
    public int hiddenDim() {
        return (8 * dim / 3 + 15) / 16 * 16;
    }

    /** Parameters outside the embedding (attention, MLP and norms of every layer, and the final norm). */
    public long nonEmbeddingParams() {
        return (long) numLayers * (4L * dim * dim + 3L * dim * hiddenDim() + 2L * dim) + dim;
    }

    /** All parameters with a vocabulary of {@code vocabSize} (the tied classifier counted once). */
    public long params(int vocabSize) {
        return nonEmbeddingParams() + (long) vocabSize * dim;
    }

    /**
     * Training FLOPs per token: 6 N for the matrices (forward and backward, classifier included) and
     * 12 x layers x context x dim for the attention scores and their weighted sums.
     */
    public double flopsPerToken(int vocabSize, int contextLength) {
        return 6.0 * params(vocabSize) + 12.0 * numLayers * contextLength * dim;
    }

    @Override
    public String toString() {
        return dim + "x" + numLayers;
    }
}

package jllm.model;

/**
 * Sentence embeddings from a language model: the mean of its final hidden states, L2-normalized. The
 * server's {@code /v1/embeddings} and the library API both embed through here.
 *
 * <pre>{@code
 * float[] v = Embeddings.pooled(model, tokenizer.encode("Lily likes cats", true, false)); // (dim), |v| = 1
 * }</pre>
 */
public final class Embeddings {
    private Embeddings() {
    }

    /**
     * The embedding of one token sequence, (dim), in a cache of its own (so concurrent calls on one
     * model do not share state).
     *
     * @throws UnsupportedOperationException when the architecture does not expose hidden states
     */
    public static float[] pooled(LanguageModel model, int[] tokens) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("cannot embed an empty token sequence");
        }
        int dim = model.info().dim();
        float[] hidden = model.hiddenStates(model.newCache(tokens.length), tokens); // (n, dim)
        double[] sum = new double[dim];
        for (int i = 0; i < tokens.length; i++) {
            for (int j = 0; j < dim; j++) {
                sum[j] += hidden[i * dim + j];
            }
        }
        double norm = 0;
        for (int j = 0; j < dim; j++) {
            sum[j] /= tokens.length;
            norm += sum[j] * sum[j];
        }
        norm = Math.sqrt(norm);
        float[] out = new float[dim];
        for (int j = 0; j < dim; j++) {
            out[j] = norm == 0 ? 0f : (float) (sum[j] / norm);
        }
        return out;
    }
}

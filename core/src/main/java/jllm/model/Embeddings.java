package jllm.server;

import jllm.model.LanguageModel;

/** Sentence embeddings from a language model: the mean of its final hidden states, L2-normalized. */
final class Embeddings {
    private Embeddings() {
    }

    /** The embedding of one token sequence: (dim). */
    static float[] pooled(LanguageModel model, int[] tokens) {
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

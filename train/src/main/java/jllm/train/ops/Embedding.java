package jllm.train.ops;

/** Token embedding: row {@code tokens[i]} of the table (vocabSize, dim) becomes row i of x. */
public final class Embedding {
    private Embedding() {
    }

    /** x (n, dim) = table[tokens]. */
    public static void forward(float[] x, float[] table, int[] tokens, int dim) {
        for (int i = 0; i < tokens.length; i++) {
            System.arraycopy(table, tokens[i] * dim, x, i * dim, dim);
        }
    }

    /** dtable[tokens[i]] += dx[i]. */
    public static void backward(float[] dtable, float[] dx, int[] tokens, int dim) {
        for (int i = 0; i < tokens.length; i++) {
            int t = tokens[i] * dim;
            for (int j = 0; j < dim; j++) {
                dtable[t + j] += dx[i * dim + j];
            }
        }
    }
}

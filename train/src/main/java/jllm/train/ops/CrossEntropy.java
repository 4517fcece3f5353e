package jllm.train.ops;

import jllm.kernel.Dense;

/**
 * Cross-entropy of logits against target ids, weighted per position: {@code loss = Σ_i weight_i ·
 * (−log softmax(logits_i)[target_i])}. A mean over tokens uses weight 1/count; SFT masks with weight 0;
 * DPO uses per-sequence signs. Log-sum-exp is computed in double.
 */
public final class CrossEntropy {
    private CrossEntropy() {
    }

    /** −log softmax(logits row i)[target], in double. */
    public static double nll(float[] logits, int row, int vocab, int target) {
        int o = row * vocab;
        float max = max(logits, o, vocab);
        return Math.log(sumExp(logits, o, vocab, max)) + max - logits[o + target];
    }

    /** Σ weight[i] · nll(i) over the n rows whose weight is not 0. */
    public static double forward(float[] logits, int[] targets, float[] weight, int n, int vocab) {
        double loss = 0;
        for (int i = 0; i < n; i++) {
            if (weight[i] != 0f) {
                loss += weight[i] * nll(logits, i, vocab, targets[i]);
            }
        }
        return loss;
    }

    /** dlogits (n, vocab) = weight[i] · (softmax(logits_i) − onehot(target_i)); rows of weight 0 get 0. */
    public static void backward(float[] dlogits, float[] logits, int[] targets, float[] weight, int n, int vocab) {
        for (int i = 0; i < n; i++) {
            int o = i * vocab;
            if (weight[i] == 0f) {
                java.util.Arrays.fill(dlogits, o, o + vocab, 0f);
                continue;
            }
            float max = max(logits, o, vocab);
            float inv = (float) (1.0 / sumExp(logits, o, vocab, max));
            for (int j = 0; j < vocab; j++) {
                dlogits[o + j] = weight[i] * (float) Math.exp(logits[o + j] - max) * inv;
            }
            dlogits[o + targets[i]] -= weight[i];
        }
    }

    /**
     * {@link #forward} and {@link #backward} in one pass over the logits (each row's exponentials summed
     * once), rows split over the dense kernels' threads: the same loss and dlogits, bit for bit, the loss
     * summed over rows in order.
     */
    public static double forwardBackward(Dense dense, float[] dlogits, float[] logits, int[] targets, float[] weight,
                                         int n, int vocab) {
        double[] rowLoss = new double[n];
        Split.rows(dense, n, (from, to) -> {
            for (int i = from; i < to; i++) {
                int o = i * vocab;
                if (weight[i] == 0f) {
                    java.util.Arrays.fill(dlogits, o, o + vocab, 0f);
                    continue;
                }
                float max = max(logits, o, vocab);
                double sum = 0;
                for (int j = 0; j < vocab; j++) {
                    double e = Math.exp(logits[o + j] - max); // each exponential once: summed, and kept for dlogits
                    sum += e;
                    dlogits[o + j] = (float) e;
                }
                rowLoss[i] = weight[i] * (Math.log(sum) + max - logits[o + targets[i]]);
                float inv = (float) (1.0 / sum);
                for (int j = 0; j < vocab; j++) {
                    dlogits[o + j] = weight[i] * dlogits[o + j] * inv;
                }
                dlogits[o + targets[i]] -= weight[i];
            }
        });
        double loss = 0;
        for (int i = 0; i < n; i++) {
            if (weight[i] != 0f) {
                loss += rowLoss[i];
            }
        }
        return loss;
    }

    private static float max(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, x[off + j]);
        }
        return max;
    }

    /** Σ e^(x − max) over the row, in double. */
    private static double sumExp(float[] x, int off, int n, float max) {
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += Math.exp(x[off + j] - max);
        }
        return sum;
    }
}

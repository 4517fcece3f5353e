package jllm.model;

/**
 * Differences between two sets of logits (n positions x vocab), in the metrics of
 * testdata/models/TOLERANCES.json: max and mean absolute difference, top-1 agreement, and the largest
 * per-position KL divergence reference || ours.
 */
record LogitMetrics(double maxAbs, double meanAbs, double argmaxAgree, double maxKl) {

    static LogitMetrics compare(float[] ref, float[] got, int vocab) {
        int n = ref.length / vocab;
        double max = 0;
        double sum = 0;
        int agree = 0;
        double maxKl = 0;
        for (int p = 0; p < n; p++) {
            int off = p * vocab;
            int ra = 0;
            int ga = 0;
            for (int v = 0; v < vocab; v++) {
                double d = Math.abs(ref[off + v] - got[off + v]);
                max = Math.max(max, d);
                sum += d;
                if (ref[off + v] > ref[off + ra]) {
                    ra = v;
                }
                if (got[off + v] > got[off + ga]) {
                    ga = v;
                }
            }
            if (ra == ga) {
                agree++;
            }
            double[] pr = logSoftmax(ref, off, vocab);
            double[] pg = logSoftmax(got, off, vocab);
            double kl = 0;
            for (int v = 0; v < vocab; v++) {
                kl += Math.exp(pr[v]) * (pr[v] - pg[v]);
            }
            maxKl = Math.max(maxKl, kl);
        }
        return new LogitMetrics(max, sum / ref.length, (double) agree / n, maxKl);
    }

    private static double[] logSoftmax(float[] x, int off, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, x[off + i]);
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.exp(x[off + i] - m);
        }
        double lse = m + Math.log(s);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = x[off + i] - lse;
        }
        return out;
    }

    @Override
    public String toString() {
        return String.format("max_abs %.4g, mean_abs %.4g, argmax_agree %.4f, max_kl %.3g", maxAbs, meanAbs, argmaxAgree, maxKl);
    }
}

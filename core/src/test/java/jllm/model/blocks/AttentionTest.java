package jllm.model.blocks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import jllm.kernel.Kernels;
import jllm.model.AttentionCache;
import jllm.model.KvCache;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attention's options against a plain double-precision reference written from their definitions: the
 * score scale, logit soft-capping (cap * tanh(s / cap)), a sliding window (a query at p sees (p - w, p]),
 * per-head sinks (one more logit in the softmax whose weight multiplies nothing) and grouped KV heads.
 */
class AttentionTest {

    @ParameterizedTest(name = "scale {0}, soft-cap {1}, window {2}, sinks {3}")
    @CsvSource({"0.25, 0, 0, false", "0.5, 5, 0, false", "0.25, 0, 3, false", "0.25, 0, 0, true", "0.3, 20, 4, true"})
    void matchesTheDefinitions(float scale, float cap, int window, boolean withSinks) {
        int heads = 4;
        int kvHeads = 2;
        int hd = 8;
        int n = 7;
        Random r = new Random(3);
        Attention.Spec spec = new Attention.Spec(heads, kvHeads, hd, scale, cap, window);
        float[] q = gaussian(r, n * heads * hd, 2);
        float[] k = gaussian(r, n * kvHeads * hd, 2);
        float[] v = gaussian(r, n * kvHeads * hd, 1);
        float[] sinks = withSinks ? gaussian(r, heads, 1) : null;
        try (Kernels kernels = Kernels.vector(2)) {
            AttentionCache cache = new AttentionCache(KvCache.Type.F32, 1, kvHeads * hd, n);
            int[] pos = new int[n];
            KvCache[] caches = new KvCache[n];
            for (int i = 0; i < n; i++) {
                pos[i] = i;
                caches[i] = cache;
            }
            Pass p = new Pass(kernels, caches, pos, heads * hd);
            cache.ensureCapacity(n);
            float[] out = new Attention(spec, null, kernels).apply(p, 0, q.clone(), k, v, sinks);
            for (int i = 0; i < n; i++) {
                for (int h = 0; h < heads; h++) {
                    int kv = h / (heads / kvHeads);
                    int first = window == 0 ? 0 : Math.max(0, i - window + 1);
                    double[] s = new double[i + 2];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int t = first; t <= i; t++) {
                        double dot = 0;
                        for (int d = 0; d < hd; d++) {
                            dot += (double) q[(i * heads + h) * hd + d] * k[(t * kvHeads + kv) * hd + d];
                        }
                        dot *= scale;
                        s[t] = cap == 0 ? dot : cap * Math.tanh(dot / cap);
                        max = Math.max(max, s[t]);
                    }
                    double sink = withSinks ? sinks[h] : Double.NEGATIVE_INFINITY;
                    max = Math.max(max, sink);
                    double sum = withSinks ? Math.exp(sink - max) : 0;
                    for (int t = first; t <= i; t++) {
                        sum += Math.exp(s[t] - max);
                    }
                    for (int d = 0; d < hd; d++) {
                        double want = 0;
                        for (int t = first; t <= i; t++) {
                            want += Math.exp(s[t] - max) / sum * v[(t * kvHeads + kv) * hd + d];
                        }
                        assertThat(out[(i * heads + h) * hd + d]).as("row %d head %d value %d", i, h, d)
                                .isCloseTo((float) want, Offset.offset(2e-5f));
                    }
                }
            }
        }
    }

    private static float[] gaussian(Random r, int n, double std) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * std);
        }
        return x;
    }
}

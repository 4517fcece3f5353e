package jllm.kernel.scalar;

/**
 * A dense row-major product {@code c (m, n) (+)= a (m, k) · b (k, n)} over sub-arrays (each matrix
 * contiguous from its offset). Each output starts from 0 (or its old value when accumulating) and
 * adds the k terms in ascending order, one fused multiply-add each: every implementation gives the
 * same bits.
 */
public interface Gemm {

    /** The reference: three plain loops. */
    Gemm REFERENCE = (c, cOff, a, aOff, b, bOff, m, k, n, accumulate) -> {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = accumulate ? c[cOff + i * n + j] : 0f;
                for (int p = 0; p < k; p++) {
                    acc = Math.fma(a[aOff + i * k + p], b[bOff + p * n + j], acc);
                }
                c[cOff + i * n + j] = acc;
            }
        }
    };

    /** {@code c (m, n) = a (m, k) · b (k, n)}, or {@code +=} when {@code accumulate}. */
    void multiply(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff, int m, int k, int n, boolean accumulate);
}

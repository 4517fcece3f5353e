package jllm.kernel.scalar;

/**
 * The operations behind {@link jllm.kernel.Dense}, one backend each. A dense product {@code c (m, n) (+)= a (m, k) · b (k, n)} over sub-arrays: b and c row-major and
 * contiguous from their offsets, a addressed by strides ({@code a[aOff + i·aRowStride + p·aColStride]}),
 * so a transposed a needs no copy. Each output starts from 0 (or its old value when accumulating) and
 * adds the k terms in ascending order, one fused multiply-add each: every implementation gives the
 * same bits.
 */
public interface DenseOps {

    /** The reference: plain loops. */
    DenseOps REFERENCE = new DenseOps() {
        @Override
        public void multiply(float[] c, int cOff, float[] a, int aOff, int aRowStride, int aColStride, float[] b, int bOff,
                             int m, int k, int n, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = accumulate ? c[cOff + i * n + j] : 0f;
                for (int p = 0; p < k; p++) {
                    acc = Math.fma(a[aOff + i * aRowStride + p * aColStride], b[bOff + p * n + j], acc);
                }
                c[cOff + i * n + j] = acc;
            }
        }
        }

        @Override
        public void sigmoid(float[] dst, int dstOff, float[] x, int xOff, int n) {
            for (int i = 0; i < n; i++) {
                dst[dstOff + i] = 1.0f / (1.0f + Exp.exp(-x[xOff + i]));
            }
        }

        @Override
        public String toString() {
            return "scalar";
        }
    };

    /**
     * {@code c (m, n) = a (m, k) · b (k, n)}, or {@code +=} when {@code accumulate}. A row-major a has
     * strides (k, 1); a transposed one, stored (k, m), has strides (1, m).
     */
    void multiply(float[] c, int cOff, float[] a, int aOff, int aRowStride, int aColStride, float[] b, int bOff,
                  int m, int k, int n, boolean accumulate);

    /**
     * {@code dst[i] = 1 / (1 + e^(−x[i]))} over n values, with {@link Exp#exp} (identical bits in every
     * implementation; within 2 ulp of {@link Math#exp}).
     */
    void sigmoid(float[] dst, int dstOff, float[] x, int xOff, int n);
}

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
        public void exp(float[] dst, int dstOff, float[] x, int xOff, int n) {
            for (int i = 0; i < n; i++) {
                dst[dstOff + i] = Exp.exp(x[xOff + i]);
            }
        }

        @Override
        public void multiplyPacked(float[] c, float[] a, float[] b, int bOff, int m, int k, int n, boolean accumulate) {
            checkPacked(m, k);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float acc = accumulate ? c[i * n + j] : 0f;
                    for (int p = 0; p < k; p++) {
                        acc = Math.fma(a[packedIndex(i, p, k)], b[bOff + p * n + j], acc);
                    }
                    c[i * n + j] = acc;
                }
            }
        }

        @Override
        public void multiplyBlockScaled(float[] c, float[] a, float[] aScale, float[] b, int bOff, float[] bScale,
                                        int bScaleOff, int m, int k, int n, boolean accumulate) {
            checkPacked(m, k);
            int blocks = k / PACK_COLS;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float acc = accumulate ? c[i * n + j] : 0f;
                    for (int q = 0; q < blocks; q++) {
                        float sum = 0f;
                        for (int p = q * PACK_COLS; p < (q + 1) * PACK_COLS; p++) {
                            sum = Math.fma(a[packedIndex(i, p, k)], b[bOff + p * n + j], sum);
                        }
                        acc = Math.fma(aScale[i * blocks + q] * bScale[bScaleOff + q * n + j], sum, acc);
                    }
                    c[i * n + j] = acc;
                }
            }
        }

        @Override
        public void dots(float[] out, int outOff, float[] q, int qOff, float[] k, int kOff, int stride, int count, int n) {
            for (int t = 0; t < count; t++) {
                float dot = 0f;
                for (int i = 0; i < n; i++) {
                    dot = Math.fma(q[qOff + i], k[kOff + t * stride + i], dot);
                }
                out[outOff + t] = dot;
            }
        }

        @Override
        public void weightedSum(float[] out, int outOff, float[] w, int wOff, float[] v, int vOff, int stride, int count,
                                int n) {
            for (int i = 0; i < n; i++) {
                float acc = 0f;
                for (int t = 0; t < count; t++) {
                    acc = Math.fma(w[wOff + t], v[vOff + t * stride + i], acc);
                }
                out[outOff + i] = acc;
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

    /**
     * {@code dst[i] = e^x[i]} over n values with {@link Exp#exp} (identical bits in every implementation);
     * dst may be x itself.
     */
    void exp(float[] dst, int dstOff, float[] x, int xOff, int n);

    /** Rows per group of a packed matrix ({@link #multiplyPacked}). */
    int PACK_ROWS = 8;
    /** Columns per chunk of a packed matrix ({@link #multiplyPacked}): one block of most quant types. */
    int PACK_COLS = 32;

    /**
     * {@code c (m, n) = a (m, k) · b (k, n)}, or {@code +=} when {@code accumulate}, with a packed: in
     * groups of {@link #PACK_ROWS} rows, each cut into chunks of {@link #PACK_COLS} columns, a group's
     * rows side by side within a chunk (see {@link #packedIndex}). A product's step then reads its eight
     * values of a at constant distances from one index that moves by one, and a quantized weight block
     * decodes into 32 contiguous floats: the vector tile runs about 1.5x faster than on a strided a with
     * variable strides (112 vs 74 GFLOP/s per core here, m 64, k 512, n 128). m is a multiple of
     * PACK_ROWS and k of PACK_COLS; b is (k, n) row-major from bOff; c is (m, n). Each output is the fma
     * chain of {@link #multiply}: every implementation gives the same bits.
     */
    void multiplyPacked(float[] c, float[] a, float[] b, int bOff, int m, int k, int n, boolean accumulate);

    /**
     * A product of two block-quantized matrices, in the arithmetic of ggml's quantized dot products: for
     * each block of {@link #PACK_COLS} values along k the plain sum of a·b (exact when a and b hold small
     * integers, as quants do) is scaled by the two blocks' scales and added to c, blocks in ascending
     * order, one fused multiply-add each:
     * {@code c[i][j] (+)= Σ_q (aScale[i][q] · bScale[q][j]) · Σ_{p in block q} a[i][p] · b[p][j]}.
     * a is (m, k) packed as for {@link #multiplyPacked} (a block is a chunk) and aScale (m, k/32)
     * row-major; b is (k, n) from bOff and bScale (k/32, n) from bScaleOff; c is (m, n). Every
     * implementation gives the same bits.
     */
    void multiplyBlockScaled(float[] c, float[] a, float[] aScale, float[] b, int bOff, float[] bScale, int bScaleOff,
                             int m, int k, int n, boolean accumulate);

    /** Where element (i, p) of a packed (m, k) matrix is ({@link #multiplyPacked}). */
    static int packedIndex(int i, int p, int k) {
        return i / PACK_ROWS * PACK_ROWS * k + p / PACK_COLS * PACK_COLS * PACK_ROWS + i % PACK_ROWS * PACK_COLS
                + p % PACK_COLS;
    }

    /** Checks that an (m, k) matrix packs into whole groups and chunks. */
    static void checkPacked(int m, int k) {
        if (m % PACK_ROWS != 0 || k % PACK_COLS != 0) {
            throw new IllegalArgumentException("a packed matrix has a multiple of " + PACK_ROWS + " rows and of "
                    + PACK_COLS + " columns, not " + m + " x " + k);
        }
    }

    /**
     * {@code count} dot products of one vector with rows at a stride (attention scores):
     * {@code out[outOff + t] = Σ_i q[qOff + i] · k[kOff + t·stride + i]} for i in [0, n). The order of
     * the sum differs between implementations (the vector one sums lanes, then the lanes in a fixed
     * order), but within one implementation it never depends on timing or threads.
     */
    void dots(float[] out, int outOff, float[] q, int qOff, float[] k, int kOff, int stride, int count, int n);

    /**
     * A weighted sum of rows at a stride (attention's mix of values):
     * {@code out[outOff + i] = Σ_t w[wOff + t] · v[vOff + t·stride + i]}, t ascending, one fused
     * multiply-add per term, for i in [0, n): every implementation gives the same bits.
     */
    void weightedSum(float[] out, int outOff, float[] w, int wOff, float[] v, int vOff, int stride, int count, int n);
}

package jllm.kernel;

import java.util.function.IntConsumer;

/**
 * Dense float-array matrix products for training: row-major {@code float[]} matrices on the heap,
 * forward and both backward products ({@code A·B}, {@code A·Bᵀ}, {@code Aᵀ·B}), chosen once and passed
 * to training code like {@link Kernels}.
 *
 * <p>Every output value is accumulated in ascending k order with one fused multiply-add per term,
 * in the scalar reference and the vector path alike, so both give bit-identical results, whatever the
 * thread count.
 *
 * <pre>{@code
 * try (Dense dense = Dense.best()) {
 *     dense.matmulTransposedB(y, x, w, n, in, out, false); // y (n, out) = x (n, in) · wᵀ, w is (out, in)
 *     dense.matmul(dx, dy, w, n, out, in, false);          // dx (n, in) = dy (n, out) · w (out, in)
 *     dense.matmulTransposedA(dw, dy, x, out, n, in, true); // dw (out, in) += dyᵀ · x
 * }
 * }</pre>
 */
public interface Dense extends AutoCloseable {

    /** {@code c (m, n) = a (m, k) · b (k, n)}; with {@code accumulate}, {@code c += a · b}. */
    void matmul(float[] c, float[] a, float[] b, int m, int k, int n, boolean accumulate);

    /** {@code c (m, n) = a (m, k) · bᵀ} where {@code b} is {@code (n, k)}; with {@code accumulate}, {@code +=}. */
    void matmulTransposedB(float[] c, float[] a, float[] b, int m, int k, int n, boolean accumulate);

    /** {@code c (m, n) = aᵀ · b (k, n)} where {@code a} is {@code (k, m)}; with {@code accumulate}, {@code +=}. */
    void matmulTransposedA(float[] c, float[] a, float[] b, int m, int k, int n, boolean accumulate);

    /**
     * {@link #matmul} on the calling thread over sub-arrays starting at the given offsets, for callers
     * that run their own parallel loop (attention heads in {@link #parallelFor}).
     */
    void matmulOnThisThread(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff, int m, int k, int n,
                            boolean accumulate);

    /** {@link #matmulTransposedA} on the calling thread over sub-arrays; {@code a} is (k, m) from {@code aOff}. */
    void matmulTransposedAOnThisThread(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff, int m, int k, int n,
                                       boolean accumulate);

    /**
     * {@code dst[dstOff + i] = e^x[xOff + i]} for i in [0, n) on the calling thread (dst may be x), with
     * {@code jllm.kernel.scalar.Exp} (within 2 ulp of {@link Math#exp}; the same bits on every backend).
     */
    void expOnThisThread(float[] dst, int dstOff, float[] x, int xOff, int n);

    /** {@code dst[i] = 1 / (1 + e^(−x[i]))} for i in [0, n), on these kernels' threads. */
    void sigmoid(float[] dst, float[] x, int n);

    /** {@code dst (cols, rows) = srcᵀ} where {@code src} is {@code (rows, cols)}, from offset {@code srcOff}. */
    static void transpose(float[] dst, float[] src, int srcOff, int rows, int cols) {
        DenseDriver.transposeRows(dst, src, srcOff, rows, cols, 0, rows);
    }

    /**
     * Runs {@code body.accept(i)} for every i in {@code [0, count)} on these kernels' threads, in
     * contiguous ranges. The body may call {@link #matmulOnThisThread} but no other method.
     */
    void parallelFor(int count, IntConsumer body);

    /** Threads used, the calling thread included. */
    int threads();

    /** A short description, e.g. {@code "scalar"} or {@code "vector(16 lanes, 2 threads)"}. */
    String name();

    /** Stops worker threads. Idempotent. */
    @Override
    void close();

    /** The reference: plain loops, one thread. */
    static Dense scalar() {
        return DenseDriver.scalar();
    }

    /** The Vector API path on {@code threads} threads (the caller plus {@code threads - 1} workers). */
    static Dense vector(int threads) {
        return DenseDriver.vector(threads);
    }

    /** {@link #vector(int)} with one thread per available processor. */
    static Dense best() {
        return vector(Runtime.getRuntime().availableProcessors());
    }
}

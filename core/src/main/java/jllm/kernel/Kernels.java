package jllm.kernel;

import java.util.function.IntConsumer;
import jllm.tensor.GgmlType;
import jllm.tensor.Tensor;

/**
 * Matrix-vector products over weight tensors of any supported {@link GgmlType}, chosen once and passed
 * to model code. Model code never sees bytes, SIMD species, threads or block layouts.
 *
 * <p>Results follow ggml: before the dot products the activation row is prepared as llama.cpp does
 * ({@code vec_dot_type}: quantized to Q8_0, Q8_1 or Q8_K for quantized weights, rounded to F16 or BF16
 * for such weights). Every output value is computed by one thread, so results do not depend on the
 * thread count.
 *
 * <pre>{@code
 * try (Kernels kernels = Kernels.best()) {
 *     float[] logits = new float[(int) output.rows()];
 *     kernels.matmul(logits, output, hidden);
 * }
 * }</pre>
 *
 * <p>Instances are safe to share between threads; concurrent calls on one instance are serialized.
 */
public interface Kernels extends AutoCloseable {

    /**
     * {@code out[r] = sum_c w[r][c] * x[c]} for every row r of w ({@code w.rows()} rows of {@code w.cols()}
     * values). {@code x.length >= w.cols()}, {@code out.length >= w.rows()}.
     */
    void matmul(float[] out, Tensor w, float[] x);

    /**
     * Batched: x is {@code (n, w.cols())} row-major, out is {@code (n, w.rows())} row-major. Below 8 rows
     * each row is exactly {@link #matmul(float[], Tensor, float[])} of that row. From 8 rows on, quantized
     * weights (except Q4_1 and Q5_1) are multiplied as a matrix-matrix product over decoded weight panels:
     * ggml's block arithmetic in another order of rounding, and each row's result still independent of
     * the batch it came in and of the thread count.
     */
    void matmul(float[] out, Tensor w, float[] x, int n);

    /**
     * Several products with the same input, as {@code matmul(outs[i], ws[i], x, n)} for every i, with the
     * same bits: the query, key and value projections, or the gate and up projections of a layer. The
     * activation rows are prepared once per format; for one activation row the rows of all matrices are
     * shared out in one hand-off to the threads (three small matrices would each pay a hand-off and leave
     * a thread idle at their ends).
     */
    void matmul(float[][] outs, Tensor[] ws, float[] x, int n);

    /**
     * Matrix-vector products each with its own input row, as {@code matmul(outs[i], ws[i], xs[i])} for
     * every i, with the same bits, in one hand-off to the threads: a decoding step's chosen experts,
     * whose down projections take different rows. Inputs that are the same array are prepared once.
     */
    default void matmulEach(float[][] outs, Tensor[] ws, float[][] xs) {
        if (outs.length != ws.length || xs.length != ws.length) {
            throw new IllegalArgumentException(outs.length + " outputs and " + xs.length + " inputs for " + ws.length
                    + " weight tensors");
        }
        for (int i = 0; i < ws.length; i++) {
            matmul(outs[i], ws[i], xs[i]);
        }
    }

    /** Dequantizes row {@code row} of w ({@code w.cols()} values) into {@code dst[dstOffset..]}. Exact. */
    void dequantizeRow(float[] dst, int dstOffset, Tensor w, long row);

    /**
     * Runs {@code body.accept(i)} for every i in {@code [0, count)}, spread over these kernels' threads in
     * contiguous ranges (each i on exactly one thread), and returns when all are done. For model work
     * that is not a matmul, such as attention heads. The body must not call back into these kernels.
     */
    void parallelFor(int count, IntConsumer body);

    /**
     * Attention scores: {@code out[outOff + t] = Σ_i q[qOff + i] · k[kOff + t·stride + i]} over n values,
     * for t in [0, count). Runs on the calling thread (it may be called inside {@link #parallelFor}); the
     * order of the sum is fixed for a backend, so results never depend on timing or threads.
     */
    void dots(float[] out, int outOff, float[] q, int qOff, float[] k, int kOff, int stride, int count, int n);

    /**
     * Attention's mix of values: {@code out[outOff + i] = Σ_t w[wOff + t] · v[vOff + t·stride + i]}, t
     * ascending, one fused multiply-add per term, for i in [0, n). Runs on the calling thread; every
     * backend gives the same bits.
     */
    void weightedSum(float[] out, int outOff, float[] w, int wOff, float[] v, int vOff, int stride, int count, int n);

    /** Every value of {@code t} (at most 2^31 - 1 of them), decoded row by row with {@link #dequantizeRow}. */
    default float[] dequantize(Tensor t) {
        float[] v = new float[Math.toIntExact(t.size())];
        for (long r = 0; r < t.rows(); r++) {
            dequantizeRow(v, (int) (r * t.cols()), t, r);
        }
        return v;
    }

    /** The transcendental functions model code computes with on these kernels. */
    default Transcendentals math() {
        return Transcendentals.FAST;
    }

    /** Whether these kernels can compute with tensors of this type. */
    boolean supports(GgmlType type);

    /** Threads used by one matmul, the calling thread included. */
    int threads();

    /** A short description, e.g. {@code "scalar"} or {@code "vector(AVX-512, 2 threads)"}. */
    String name();

    /** Stops worker threads. Idempotent. */
    @Override
    void close();

    /** The reference kernels: ggml's scalar formulas, single-threaded. */
    static Kernels scalar() {
        return MatmulDriver.scalar();
    }

    /**
     * SIMD kernels on {@code threads} threads (the caller plus {@code threads - 1} persistent workers).
     * Types without a vector path use the reference codec, still threaded.
     */
    static Kernels vector(int threads) {
        return vector(threads, MemoryStreams.configured());
    }

    /** {@link #vector(int)} reading {@code streams} memory streams per thread in matrix-vector products. */
    static Kernels vector(int threads, MemoryStreams streams) {
        return MatmulDriver.vector(threads, streams);
    }

    /**
     * Kernels that give the same bits on every machine, vector width and thread count (see
     * {@link ReproducibleKernels}): products through {@code dense} over weights decoded to F32 once,
     * {@link StrictMath}'s transcendentals. The caller keeps {@code dense} and closes it.
     */
    static Kernels reproducible(Dense dense) {
        return new ReproducibleKernels(dense);
    }

    /** {@link #vector(int)} with one thread per available processor. */
    static Kernels best() {
        return vector(Runtime.getRuntime().availableProcessors());
    }
}

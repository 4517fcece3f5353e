package jllm.kernel;

import java.util.function.IntConsumer;
import jllm.kernel.scalar.DenseOps;

/**
 * The one driver of {@link Dense}: checks sizes, turns transposed products into plain ones (a
 * transpose costs O(mk) against the product's O(mkn)), and splits the rows of the result over the
 * worker pool. Backends differ only in the {@link DenseOps} they plug in.
 */
final class DenseDriver implements Dense {

    /** Below this many multiply-adds a product runs on the calling thread: a hand-off costs more. */
    private static final long MIN_PARALLEL_WORK = 1 << 16;
    /** Below this many values a transpose runs on the calling thread. */
    private static final long MIN_PARALLEL_TRANSPOSE = 1 << 13;

    private final String name;
    private final DenseOps ops;
    private final WorkerPool pool;

    private DenseDriver(String name, DenseOps ops, int threads) {
        this.name = name;
        this.ops = ops;
        this.pool = new WorkerPool(threads);
    }

    static Dense scalar() {
        return new DenseDriver("scalar", DenseOps.REFERENCE, 1);
    }

    static Dense vector(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        String unit = threads == 1 ? " thread)" : " threads)";
        if (!JvmOptions.vectorApi()) {
            JvmOptions.warnScalarFallback();
            return new DenseDriver("vector(unavailable, scalar reference, " + threads + unit, DenseOps.REFERENCE, threads);
        }
        DenseOps fast = new jllm.kernel.vector.VectorDenseOps();
        return new DenseDriver("vector(" + fast + ", " + threads + unit, fast, threads);
    }

    @Override
    public void matmul(float[] c, float[] a, float[] b, int m, int k, int n, boolean accumulate) {
        check(c, 0, m, n, "c");
        check(a, 0, m, k, "a");
        check(b, 0, k, n, "b");
        run(c, a, k, 1, b, m, k, n, accumulate);
    }

    /**
     * Splits the rows of c into blocks that the pool's threads claim (about four per thread, each a
     * multiple of 8 rows so the fast path's row tiles stay whole); a has the given strides.
     */
    private void run(float[] c, float[] a, int aRowStride, int aColStride, float[] b, int m, int k, int n,
                     boolean accumulate) {
        long work = (long) m * k * n;
        if (pool.threads() == 1 || m < 16 || work < 2 * MIN_PARALLEL_WORK) {
            ops.multiply(c, 0, a, 0, aRowStride, aColStride, b, 0, m, k, n, accumulate);
            return;
        }
        long minRows = MIN_PARALLEL_WORK / 2 / Math.max(1, (long) k * n);
        int rows = (int) Math.max(minRows, (m + 4L * pool.threads() - 1) / (4L * pool.threads()));
        int block = Math.min(m, (rows + 7) / 8 * 8);
        int blocks = (m + block - 1) / block;
        pool.forEach(blocks, blk -> {
            int from = blk * block;
            int to = Math.min(m, from + block);
            ops.multiply(c, from * n, a, from * aRowStride, aRowStride, aColStride, b, 0, to - from, k, n, accumulate);
        });
    }

    @Override
    public void matmulTransposedB(float[] c, float[] a, float[] b, int m, int k, int n, boolean accumulate) {
        check(b, 0, n, k, "b");
        float[] bt = new float[k * n]; // (k, n)
        int parts = (int) Math.min(4L * pool.threads(), Math.max(1, (long) k * n / MIN_PARALLEL_TRANSPOSE));
        if (parts <= 1) {
            Dense.transpose(bt, b, 0, n, k);
        } else {
            // blocks of b's rows claimed by the pool's threads: each writes its own columns of bt
            pool.forEach(parts, part -> transposeRows(bt, b, 0, n, k, n * part / parts, n * (part + 1) / parts));
        }
        matmul(c, a, bt, m, k, n, accumulate);
    }

    /** Rows [from, to) of {@link Dense#transpose}: dst (cols, rows) gets src's rows from..to as columns. */
    static void transposeRows(float[] dst, float[] src, int srcOff, int rows, int cols, int from, int to) {
        // in 16 x 16 tiles, so the reads and the writes both stay within a few cache lines
        for (int r0 = from; r0 < to; r0 += 16) {
            int r1 = Math.min(to, r0 + 16);
            for (int c0 = 0; c0 < cols; c0 += 16) {
                int c1 = Math.min(cols, c0 + 16);
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        dst[c * rows + r] = src[srcOff + r * cols + c];
                    }
                }
            }
        }
    }

    @Override
    public void matmulTransposedA(float[] c, float[] a, float[] b, int m, int k, int n, boolean accumulate) {
        check(c, 0, m, n, "c");
        check(a, 0, k, m, "a");
        check(b, 0, k, n, "b");
        // a (k, m) read with strides (1, m): no copy
        run(c, a, 1, m, b, m, k, n, accumulate);
    }

    @Override
    public void matmulOnThisThread(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff, int m, int k, int n,
                                   boolean accumulate) {
        check(c, cOff, m, n, "c");
        check(a, aOff, m, k, "a");
        check(b, bOff, k, n, "b");
        ops.multiply(c, cOff, a, aOff, k, 1, b, bOff, m, k, n, accumulate);
    }

    @Override
    public void matmulTransposedAOnThisThread(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff, int m, int k,
                                              int n, boolean accumulate) {
        check(c, cOff, m, n, "c");
        check(a, aOff, k, m, "a");
        check(b, bOff, k, n, "b");
        ops.multiply(c, cOff, a, aOff, 1, m, b, bOff, m, k, n, accumulate);
    }

    @Override
    public void expOnThisThread(float[] dst, int dstOff, float[] x, int xOff, int n) {
        check(dst, dstOff, 1, n, "dst");
        check(x, xOff, 1, n, "x");
        ops.exp(dst, dstOff, x, xOff, n);
    }

    @Override
    public void sigmoid(float[] dst, float[] x, int n) {
        if (dst.length < n || x.length < n) {
            throw new IllegalArgumentException("sigmoid of " + n + " values: arrays of " + x.length + " and " + dst.length);
        }
        int chunks = Math.max(1, Math.min(4 * pool.threads(), n / (1 << 13)));
        if (chunks == 1) {
            ops.sigmoid(dst, 0, x, 0, n);
            return;
        }
        pool.forEach(chunks, part -> {
            int from = (int) ((long) n * part / chunks);
            int to = (int) ((long) n * (part + 1) / chunks);
            ops.sigmoid(dst, from, x, from, to - from);
        });
    }

    @Override
    public void parallelFor(int count, IntConsumer body) {
        pool.forEachInRanges(count, body);
    }

    @Override
    public int threads() {
        return pool.threads();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return name;
    }

    private static void check(float[] x, int off, int rows, int cols, String what) {
        if (rows < 0 || cols < 0 || off < 0 || (long) off + (long) rows * cols > x.length) {
            throw new IllegalArgumentException(what + ": a (" + rows + ", " + cols + ") matrix at offset " + off
                    + " does not fit in " + x.length + " values");
        }
    }
}

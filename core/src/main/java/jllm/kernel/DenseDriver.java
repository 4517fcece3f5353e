package jllm.kernel;

import java.util.function.IntConsumer;
import jllm.kernel.scalar.Gemm;

/**
 * The one driver of {@link Dense}: checks sizes, turns transposed products into plain ones (a
 * transpose costs O(mk) against the product's O(mkn)), and splits the rows of the result over the
 * worker pool. Backends differ only in the {@link Gemm} they plug in.
 */
final class DenseDriver implements Dense {

    /** Below this many multiply-adds a product runs on the calling thread: a hand-off costs more. */
    private static final long MIN_PARALLEL_WORK = 1 << 16;

    private final String name;
    private final Gemm gemm;
    private final WorkerPool pool;

    private DenseDriver(String name, Gemm gemm, int threads) {
        this.name = name;
        this.gemm = gemm;
        this.pool = new WorkerPool(threads);
    }

    static Dense scalar() {
        return new DenseDriver("scalar", Gemm.REFERENCE, 1);
    }

    static Dense vector(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        String unit = threads == 1 ? " thread)" : " threads)";
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return new DenseDriver("vector(unavailable, scalar reference, " + threads + unit, Gemm.REFERENCE, threads);
        }
        Gemm fast = new jllm.kernel.vector.VectorGemm();
        return new DenseDriver("vector(" + fast + ", " + threads + unit, fast, threads);
    }

    @Override
    public void matmul(float[] c, float[] a, float[] b, int m, int k, int n, boolean accumulate) {
        check(c, 0, m, n, "c");
        check(a, 0, m, k, "a");
        check(b, 0, k, n, "b");
        long work = (long) m * k * n;
        int parts = (int) Math.min(pool.threads(), Math.max(1, Math.min(m / 4, work / MIN_PARALLEL_WORK)));
        if (parts <= 1) {
            gemm.multiply(c, 0, a, 0, b, 0, m, k, n, accumulate);
            return;
        }
        pool.run(parts, part -> {
            // row ranges in multiples of 4 so the fast path's row blocks stay whole
            int from = (int) ((long) (m / 4) * part / parts) * 4;
            int to = part == parts - 1 ? m : (int) ((long) (m / 4) * (part + 1) / parts) * 4;
            gemm.multiply(c, from * n, a, from * k, b, 0, to - from, k, n, accumulate);
        });
    }

    @Override
    public void matmulTransposedB(float[] c, float[] a, float[] b, int m, int k, int n, boolean accumulate) {
        check(b, 0, n, k, "b");
        float[] bt = new float[k * n]; // (k, n)
        Dense.transpose(bt, b, 0, n, k);
        matmul(c, a, bt, m, k, n, accumulate);
    }

    @Override
    public void matmulTransposedA(float[] c, float[] a, float[] b, int m, int k, int n, boolean accumulate) {
        check(a, 0, k, m, "a");
        float[] at = new float[m * k]; // (m, k)
        Dense.transpose(at, a, 0, k, m);
        matmul(c, at, b, m, k, n, accumulate);
    }

    @Override
    public void matmulOnThisThread(float[] c, int cOff, float[] a, int aOff, float[] b, int bOff, int m, int k, int n,
                                   boolean accumulate) {
        check(c, cOff, m, n, "c");
        check(a, aOff, m, k, "a");
        check(b, bOff, k, n, "b");
        gemm.multiply(c, cOff, a, aOff, b, bOff, m, k, n, accumulate);
    }

    @Override
    public void parallelFor(int count, IntConsumer body) {
        if (count <= 0) {
            return;
        }
        int parts = Math.min(pool.threads(), count);
        pool.run(parts, part -> {
            int from = (int) ((long) count * part / parts);
            int to = (int) ((long) count * (part + 1) / parts);
            for (int i = from; i < to; i++) {
                body.accept(i);
            }
        });
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

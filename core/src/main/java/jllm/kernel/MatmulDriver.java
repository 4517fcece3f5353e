package jllm.kernel;

import java.lang.foreign.MemorySegment;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.IntConsumer;
import jllm.kernel.scalar.Activation;
import jllm.kernel.scalar.ActivationFormat;
import jllm.kernel.scalar.BlockCodec;
import jllm.kernel.scalar.Codecs;
import jllm.kernel.scalar.RowDot;
import jllm.tensor.GgmlType;
import jllm.tensor.Tensor;

/**
 * The one matmul driver: checks shapes, prepares the activation rows in the format the weight type
 * expects, splits weight rows into contiguous chunks (one per thread) and runs one {@link RowDot} per
 * output value. Backends differ only in the row dots they plug in.
 */
final class MatmulDriver implements Kernels {

    private static final System.Logger LOG = System.getLogger(MatmulDriver.class.getName());

    /** Below this many weight values a matmul runs on the calling thread: a hand-off costs more. */
    private static final long MIN_PARALLEL_VALUES = 1 << 15;

    private final String name;
    private final Map<GgmlType, RowDot> dots;
    private final WorkerPool pool;

    private MatmulDriver(String name, Map<GgmlType, RowDot> dots, int threads) {
        this.name = name;
        this.dots = dots;
        this.pool = new WorkerPool(threads);
    }

    static Kernels scalar() {
        Map<GgmlType, RowDot> dots = new EnumMap<>(GgmlType.class);
        for (GgmlType t : GgmlType.values()) {
            BlockCodec c = Codecs.forType(t);
            if (c != null) {
                dots.put(t, c);
            }
        }
        return new MatmulDriver("scalar", dots, 1);
    }

    static Kernels vector(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        String unit = threads == 1 ? " thread" : " threads";
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "jdk.incubator.vector is not available (run with "
                    + "--add-modules jdk.incubator.vector); using the scalar kernels on " + threads + unit);
            Map<GgmlType, RowDot> dots = ((MatmulDriver) scalar()).dots;
            return new MatmulDriver("vector(unavailable, scalar codecs, " + threads + unit + ")", dots, threads);
        }
        Map<GgmlType, RowDot> dots = new EnumMap<>(GgmlType.class);
        for (GgmlType t : GgmlType.values()) {
            BlockCodec c = Codecs.forType(t);
            if (c != null) {
                RowDot fast = jllm.kernel.vector.VectorDots.forType(t);
                dots.put(t, fast != null ? fast : c);
            }
        }
        return new MatmulDriver("vector(" + jllm.kernel.vector.VectorDots.isa() + ", " + threads + unit + ")", dots, threads);
    }

    @Override
    public void matmul(float[] out, Tensor w, float[] x) {
        matmul(out, w, x, 1);
    }

    @Override
    public void matmul(float[] out, Tensor w, float[] x, int n) {
        RowDot dot = dots.get(w.type());
        if (dot == null) {
            throw new UnsupportedOperationException(name + " kernels cannot compute with " + w.type()
                    + " tensors (tensor " + w + ")");
        }
        int rows = checkedInt(w.rows(), "rows", w);
        int cols = checkedInt(w.cols(), "columns", w);
        if (n < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, not " + n);
        }
        if (x.length < (long) n * cols) {
            throw new IllegalArgumentException("x has " + x.length + " values; " + n + " rows of " + cols
                    + " = " + (long) n * cols + " needed for " + w);
        }
        if (out.length < (long) n * rows) {
            throw new IllegalArgumentException("out has room for " + out.length + " values; " + n + " rows of "
                    + rows + " = " + (long) n * rows + " needed for " + w);
        }
        // Prepare every activation row once; all weight rows reuse them.
        ActivationFormat format = Codecs.forType(w.type()).activationFormat();
        Activation[] xs = new Activation[n];
        for (int i = 0; i < n; i++) {
            xs[i] = format.quantize(x, i * cols, cols);
        }
        MemorySegment data = w.data();
        long rowBytes = w.rowBytes();
        int parts = (long) rows * cols * n < MIN_PARALLEL_VALUES ? 1 : Math.min(pool.threads(), rows);
        pool.run(parts, part -> {
            int from = (int) ((long) rows * part / parts);
            int to = (int) ((long) rows * (part + 1) / parts);
            // Row-outer: a weight row is read once from memory and reused for every batch row,
            // decoded once per four batch rows where the type has a fast path for that.
            float[] four = new float[4];
            for (int r = from; r < to; r++) {
                long offset = r * rowBytes;
                int i = 0;
                for (; i + 4 <= n; i += 4) {
                    dot.dot4(data, offset, xs[i], xs[i + 1], xs[i + 2], xs[i + 3], cols, four);
                    out[i * rows + r] = four[0];
                    out[(i + 1) * rows + r] = four[1];
                    out[(i + 2) * rows + r] = four[2];
                    out[(i + 3) * rows + r] = four[3];
                }
                for (; i < n; i++) {
                    out[i * rows + r] = dot.dot(data, offset, xs[i], cols);
                }
            }
        });
    }

    @Override
    public void dequantizeRow(float[] dst, int dstOffset, Tensor w, long row) {
        BlockCodec codec = Codecs.forType(w.type());
        if (codec == null) {
            throw new UnsupportedOperationException("cannot dequantize " + w.type() + " tensors (tensor " + w + ")");
        }
        if (row < 0 || row >= w.rows()) {
            throw new IndexOutOfBoundsException("row " + row + " of " + w + ", which has " + w.rows() + " rows");
        }
        int cols = checkedInt(w.cols(), "columns", w);
        if (dstOffset < 0 || dst.length - (long) dstOffset < cols) {
            throw new IllegalArgumentException("dst has " + dst.length + " values; " + cols + " needed at offset "
                    + dstOffset + " for a row of " + w);
        }
        GgmlType t = w.type();
        long offset = row * w.rowBytes();
        for (int b = 0; b < cols / t.blockSize; b++) {
            codec.dequantizeBlock(dst, dstOffset + b * t.blockSize, w.data(), offset + (long) b * t.blockBytes);
        }
    }

    @Override
    public void parallelFor(int count, IntConsumer body) {
        pool.forEach(count, body);
    }

    @Override
    public boolean supports(GgmlType type) {
        return dots.containsKey(type);
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

    private static int checkedInt(long v, String what, Tensor w) {
        if (v > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(w + " has " + v + " " + what + "; at most " + (Integer.MAX_VALUE - 8)
                    + " are supported");
        }
        return (int) v;
    }
}

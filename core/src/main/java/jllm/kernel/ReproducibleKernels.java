package jllm.kernel;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.IntConsumer;

import jllm.kernel.scalar.DenseOps;
import jllm.tensor.GgmlType;
import jllm.tensor.Tensor;

/**
 * Kernels whose every result is the same bits on any machine: weights are decoded once to F32 (exact)
 * and kept transposed, every product goes through {@link Dense} (ascending order, one fused
 * multiply-add per term, identical in its scalar and vector paths on any thread count), attention's
 * dots and sums are plain ascending loops, and the transcendentals are {@link StrictMath}'s. What
 * arithmetic coding needs: a model run on these gives the same probabilities when unzipping on another
 * CPU, vector width or thread count. They cost F32 memory for every weight they multiply.
 */
final class ReproducibleKernels implements Kernels {
    private final Kernels decoder = Kernels.scalar(); // exact dequantization
    private final Dense dense;
    private final Map<Tensor, float[]> transposed = new IdentityHashMap<>(); // (cols, rows) per weight

    ReproducibleKernels(Dense dense) {
        this.dense = dense;
    }

    /** The weight as (cols, rows) floats, decoded on first use. */
    private synchronized float[] weights(Tensor w) {
        return transposed.computeIfAbsent(w, t -> {
            int rows = Math.toIntExact(t.rows());
            int cols = Math.toIntExact(t.cols());
            float[] wt = new float[Math.multiplyExact(rows, cols)];
            Dense.transpose(wt, decoder.dequantize(t), 0, rows, cols);
            return wt;
        });
    }

    @Override
    public void matmul(float[] out, Tensor w, float[] x) {
        matmul(out, w, x, 1);
    }

    @Override
    public void matmul(float[] out, Tensor w, float[] x, int n) {
        dense.matmul(out, x, weights(w), n, Math.toIntExact(w.cols()), Math.toIntExact(w.rows()), false);
    }

    @Override
    public void matmul(float[][] outs, Tensor[] ws, float[] x, int n) {
        for (int i = 0; i < ws.length; i++) {
            matmul(outs[i], ws[i], x, n);
        }
    }

    @Override
    public void dequantizeRow(float[] dst, int dstOffset, Tensor w, long row) {
        decoder.dequantizeRow(dst, dstOffset, w, row);
    }

    @Override
    public void parallelFor(int count, IntConsumer body) {
        dense.parallelFor(count, body);
    }

    @Override
    public void dots(float[] out, int outOff, float[] q, int qOff, float[] k, int kOff, int stride, int count, int n) {
        DenseOps.REFERENCE.dots(out, outOff, q, qOff, k, kOff, stride, count, n);
    }

    @Override
    public void weightedSum(float[] out, int outOff, float[] w, int wOff, float[] v, int vOff, int stride, int count, int n) {
        DenseOps.REFERENCE.weightedSum(out, outOff, w, wOff, v, vOff, stride, count, n);
    }

    @Override
    public Transcendentals math() {
        return Transcendentals.STRICT;
    }

    @Override
    public boolean supports(GgmlType type) {
        return decoder.supports(type);
    }

    @Override
    public int threads() {
        return dense.threads();
    }

    @Override
    public String name() {
        return "reproducible(" + dense.name() + ")";
    }

    @Override
    public void close() {
        decoder.close();
    }
}

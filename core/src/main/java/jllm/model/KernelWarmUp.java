package jllm.model;

import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import jllm.kernel.Kernels;
import jllm.tensor.GgmlType;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;

/**
 * Runs the matmul paths a model will use (one row, four rows, a GEMM batch) on a few rows of its own
 * weights right after loading, so the JIT has compiled them before the first prompt. Vector API code
 * that still runs interpreted is about a hundred times slower: without this, the first prompt of a 1B
 * model spends seconds in the interpreter. The weights are the model's own memory (same segment class,
 * same call-site profiles), and nothing is written.
 */
final class KernelWarmUp {

    /** Rows of each weight type used; enough for both threads to get work. */
    private static final int ROWS = 64;
    /**
     * Calls per path: past C2's compile thresholds for the dot loops inside (each call runs thousands of
     * loop iterations). More rounds only delay the first token.
     */
    private static final int ROUNDS = 48;

    private KernelWarmUp() {
    }

    static void run(ModelSource source, Kernels kernels) {
        Map<GgmlType, Tensor> byType = new EnumMap<>(GgmlType.class);
        for (Tensor t : source.tensors().values()) {
            if (t.shape().rank() >= 2 && t.rows() >= 1 && t.cols() <= 1 << 16 && kernels.supports(t.type())) {
                byType.putIfAbsent(t.type(), t);
            }
        }
        Random random = new Random(1);
        for (Tensor t : byType.values()) {
            int rows = (int) Math.min(ROWS, t.rows());
            int cols = (int) t.cols();
            Tensor head = new Tensor(t.name(), t.type(), Shape.matrix(rows, cols), t.data().asSlice(0, rows * t.rowBytes()));
            int batch = 8;
            float[] x = new float[batch * cols];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextGaussian();
            }
            float[] out = new float[batch * rows];
            for (int r = 0; r < ROUNDS; r++) {
                kernels.matmul(out, head, x, 1);
                kernels.matmul(out, head, x, 4);
                if (r % 2 == 0) {
                    kernels.matmul(out, head, x, batch);
                }
            }
        }
    }
}

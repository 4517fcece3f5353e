package jllm.kernel;

import jllm.tensor.GgmlType;
import jllm.tensor.Tensor;

/** Placeholder until the kernel branch lands (same API). */
public interface Kernels extends AutoCloseable {
    void matmul(float[] out, Tensor w, float[] x);

    void matmul(float[] out, Tensor w, float[] x, int n);

    void dequantizeRow(float[] dst, int dstOffset, Tensor w, long row);

    boolean supports(GgmlType type);

    int threads();

    String name();

    @Override
    void close();

    static Kernels scalar() {
        return new TempKernels();
    }

    static Kernels vector(int threads) {
        return new TempKernels();
    }

    static Kernels best() {
        return new TempKernels();
    }
}

package jllm.kernel;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import jllm.tensor.GgmlType;
import jllm.tensor.Tensor;

final class TempKernels implements Kernels {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort S = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public void matmul(float[] out, Tensor w, float[] x) {
        matmul(out, w, x, 1);
    }

    public void matmul(float[] out, Tensor w, float[] x, int n) {
        int rows = (int) w.rows();
        int cols = (int) w.cols();
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            dequantizeRow(row, 0, w, r);
            for (int b = 0; b < n; b++) {
                float s = 0;
                for (int c = 0; c < cols; c++) {
                    s += row[c] * x[b * cols + c];
                }
                out[b * rows + r] = s;
            }
        }
    }

    public void dequantizeRow(float[] dst, int off, Tensor w, long row) {
        int cols = (int) w.cols();
        long base = row * w.rowBytes();
        for (int c = 0; c < cols; c++) {
            dst[off + c] = switch (w.type()) {
                case F32 -> w.data().get(F, base + 4L * c);
                case F16 -> Float.float16ToFloat(w.data().get(S, base + 2L * c));
                case BF16 -> Float.intBitsToFloat(w.data().get(S, base + 2L * c) << 16);
                default -> throw new UnsupportedOperationException(w.type().toString());
            };
        }
    }

    public boolean supports(GgmlType t) {
        return t == GgmlType.F32 || t == GgmlType.F16 || t == GgmlType.BF16;
    }

    public int threads() {
        return 1;
    }

    public String name() {
        return "temp";
    }

    public void close() {
    }
}

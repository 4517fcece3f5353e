package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import jllm.tensor.GgmlType;

/** F32 weights: {@code ggml_vec_dot_f32}, float products summed in double. */
final class F32Codec implements BlockCodec {

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.F32;
    }

    @Override
    public void dequantizeBlock(float[] dst, int dstOffset, MemorySegment src, long offset) {
        dst[dstOffset] = src.get(Numbers.LE_FLOAT, offset);
    }

    @Override
    public float dotBlock(MemorySegment w, long offset, Activation x, int block) {
        return w.get(Numbers.LE_FLOAT, offset) * x.values[block];
    }

    @Override
    public float dot(MemorySegment w, long offset, Activation x, int cols) {
        double sum = 0; // ggml_float
        for (int i = 0; i < cols; i++) {
            sum += w.get(Numbers.LE_FLOAT, offset + 4L * i) * x.values[i];
        }
        return (float) sum;
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    public void quantizeBlock(MemorySegment dst, long offset, float[] src, int srcOffset) {
        dst.set(Numbers.LE_FLOAT, offset, src[srcOffset]);
    }
}

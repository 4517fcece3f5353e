package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import jllm.tensor.GgmlType;

/** F16 weights: the activation is rounded to F16; {@code ggml_vec_dot_f16} sums float products in double. */
final class F16Codec implements BlockCodec {

    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.F16;
    }

    @Override
    public void dequantizeBlock(float[] dst, int dstOffset, MemorySegment src, long offset) {
        dst[dstOffset] = Numbers.f16(src, offset);
    }

    @Override
    public float dotBlock(MemorySegment w, long offset, Activation x, int block) {
        return Numbers.f16(w, offset) * x.values[block];
    }

    @Override
    public float dot(MemorySegment w, long offset, Activation x, int cols) {
        double sum = 0; // ggml_float
        for (int i = 0; i < cols; i++) {
            sum += Numbers.f16(w, offset + 2L * i) * x.values[i];
        }
        return (float) sum;
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    public void quantizeBlock(MemorySegment dst, long offset, float[] src, int srcOffset) {
        dst.set(Numbers.LE_SHORT, offset, Float.floatToFloat16(src[srcOffset]));
    }
}

package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import jllm.tensor.GgmlType;

/** BF16 weights: the activation is rounded to BF16; {@code ggml_vec_dot_bf16} sums float products in double. */
final class BF16Codec implements BlockCodec {

    @Override
    public GgmlType type() {
        return GgmlType.BF16;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.BF16;
    }

    @Override
    public void dequantizeBlock(float[] dst, int dstOffset, MemorySegment src, long offset) {
        dst[dstOffset] = Numbers.bf16ToFloat(src.get(Numbers.LE_SHORT, offset));
    }

    @Override
    public float dotBlock(MemorySegment w, long offset, Activation x, int block) {
        return Numbers.bf16ToFloat(w.get(Numbers.LE_SHORT, offset)) * x.values[block];
    }

    @Override
    public float dot(MemorySegment w, long offset, Activation x, int cols) {
        double sum = 0; // ggml_float
        for (int i = 0; i < cols; i++) {
            sum += Numbers.bf16ToFloat(w.get(Numbers.LE_SHORT, offset + 2L * i)) * x.values[i];
        }
        return (float) sum;
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    @Override
    public void quantizeBlock(MemorySegment dst, long offset, float[] src, int srcOffset) {
        dst.set(Numbers.LE_SHORT, offset, Numbers.floatToBf16(src[srcOffset]));
    }
}

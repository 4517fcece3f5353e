package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jllm.tensor.GgmlType;

/** Q8_0: {@code d (f16), qs[32] (int8)}. Value j is {@code qs[j] * d}. */
final class Q8_0Codec implements BlockCodec, ScaledBlocks {

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_0;
    }

    @Override
    public void dequantizeBlock(float[] dst, int dstOffset, MemorySegment src, long offset) {
        float d = Numbers.f16(src, offset);
        for (int j = 0; j < 32; j++) {
            dst[dstOffset + j] = Numbers.i8(src, offset + 2 + j) * d;
        }
    }

    @Override
    public float quantsBlock(float[] dst, int dstOffset, MemorySegment src, long offset) {
        for (int j = 0; j < 32; j++) {
            dst[dstOffset + j] = Numbers.i8(src, offset + 2 + j);
        }
        return Numbers.f16(src, offset);
    }

    @Override
    public float dotBlock(MemorySegment w, long offset, Activation x, int block) {
        byte[] y = x.qs;
        int base = block * 32;
        int sum = 0;
        for (int j = 0; j < 32; j++) {
            sum += Numbers.i8(w, offset + 2 + j) * y[base + j];
        }
        return sum * (Numbers.f16(w, offset) * x.d[block]);
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /** quantize_row_q8_0_ref: d = amax / 127, q = roundf(x / d). */
    @Override
    public void quantizeBlock(MemorySegment dst, long offset, float[] src, int srcOffset) {
        float amax = 0;
        for (int j = 0; j < 32; j++) {
            amax = Math.max(amax, Math.abs(src[srcOffset + j]));
        }
        float d = amax / 127;
        float id = d != 0 ? 1.0f / d : 0.0f;
        dst.set(Numbers.LE_SHORT, offset, Float.floatToFloat16(d));
        for (int j = 0; j < 32; j++) {
            dst.set(ValueLayout.JAVA_BYTE, offset + 2 + j, (byte) Numbers.roundf(src[srcOffset + j] * id));
        }
    }
}

package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jllm.tensor.GgmlType;

/**
 * Q4_0: {@code d (f16), qs[16]}. Value j is {@code d * ((qs[j] & 15) - 8)}, value j + 16 is
 * {@code d * ((qs[j] >> 4) - 8)}.
 */
final class Q4_0Codec implements BlockCodec, ScaledBlocks {

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_0;
    }

    @Override
    public void dequantizeBlock(float[] dst, int dstOffset, MemorySegment src, long offset) {
        float d = Numbers.f16(src, offset);
        for (int j = 0; j < 16; j++) {
            int q = Numbers.u8(src, offset + 2 + j);
            dst[dstOffset + j] = ((q & 0x0F) - 8) * d;
            dst[dstOffset + j + 16] = ((q >> 4) - 8) * d;
        }
    }

    @Override
    public float quantsBlock(float[] dst, int dstOffset, MemorySegment src, long offset) {
        for (int j = 0; j < 16; j++) {
            int q = Numbers.u8(src, offset + 2 + j);
            dst[dstOffset + j] = (q & 0x0F) - 8;
            dst[dstOffset + j + 16] = (q >> 4) - 8;
        }
        return Numbers.f16(src, offset);
    }

    @Override
    public float dotBlock(MemorySegment w, long offset, Activation x, int block) {
        byte[] y = x.qs;
        int base = block * 32;
        int sum0 = 0;
        int sum1 = 0;
        for (int j = 0; j < 16; j++) {
            int q = Numbers.u8(w, offset + 2 + j);
            sum0 += ((q & 0x0F) - 8) * y[base + j];
            sum1 += ((q >> 4) - 8) * y[base + j + 16];
        }
        // ggml: sumi * x.d * y.d, left to right
        return (sum0 + sum1) * Numbers.f16(w, offset) * x.d[block];
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /**
     * quantize_row_q4_0_ref: the value of largest magnitude maps to -8, d = max / -8, and each value
     * becomes min(15, (int8) (x / d + 8.5)).
     */
    @Override
    public void quantizeBlock(MemorySegment dst, long offset, float[] src, int srcOffset) {
        float amax = 0;
        float max = 0;
        for (int j = 0; j < 32; j++) {
            float v = src[srcOffset + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8;
        float id = d != 0 ? 1.0f / d : 0.0f;
        dst.set(Numbers.LE_SHORT, offset, Float.floatToFloat16(d));
        for (int j = 0; j < 16; j++) {
            int x0 = Math.min(15, (byte) (int) (src[srcOffset + j] * id + 8.5f));
            int x1 = Math.min(15, (byte) (int) (src[srcOffset + 16 + j] * id + 8.5f));
            dst.set(ValueLayout.JAVA_BYTE, offset + 2 + j, (byte) (x0 | (x1 << 4)));
        }
    }
}

package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jllm.tensor.GgmlType;

/** Q4_1: {@code d, m (f16), qs[16]}. Value j is {@code (qs[j] & 15) * d + m}, value j + 16 uses the high nibble. */
final class Q4_1Codec implements BlockCodec {

    @Override
    public GgmlType type() {
        return GgmlType.Q4_1;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_1;
    }

    @Override
    public void dequantizeBlock(float[] dst, int dstOffset, MemorySegment src, long offset) {
        float d = Numbers.f16(src, offset);
        float m = Numbers.f16(src, offset + 2);
        for (int j = 0; j < 16; j++) {
            int q = Numbers.u8(src, offset + 4 + j);
            dst[dstOffset + j] = (q & 0x0F) * d + m;
            dst[dstOffset + j + 16] = (q >> 4) * d + m;
        }
    }

    @Override
    public float dotBlock(MemorySegment w, long offset, Activation x, int block) {
        byte[] y = x.qs;
        int base = block * 32;
        int sum0 = 0;
        int sum1 = 0;
        for (int j = 0; j < 16; j++) {
            int q = Numbers.u8(w, offset + 4 + j);
            sum0 += (q & 0x0F) * y[base + j];
            sum1 += (q >> 4) * y[base + j + 16];
        }
        // The min contributes m * sum(x), which Q8_1 carries as s = d * sum(q).
        return (Numbers.f16(w, offset) * x.d[block]) * (sum0 + sum1) + Numbers.f16(w, offset + 2) * x.s[block];
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /** quantize_row_q4_1_ref: d = (max - min) / 15, m = min, q = min(15, (int8) ((x - min) / d + 0.5)). */
    @Override
    public void quantizeBlock(MemorySegment dst, long offset, float[] src, int srcOffset) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int j = 0; j < 32; j++) {
            float v = src[srcOffset + j];
            min = v < min ? v : min;
            max = v > max ? v : max;
        }
        float d = (max - min) / 15;
        float id = d != 0 ? 1.0f / d : 0.0f;
        dst.set(Numbers.LE_SHORT, offset, Float.floatToFloat16(d));
        dst.set(Numbers.LE_SHORT, offset + 2, Float.floatToFloat16(min));
        for (int j = 0; j < 16; j++) {
            int x0 = Math.min(15, (byte) (int) ((src[srcOffset + j] - min) * id + 0.5f));
            int x1 = Math.min(15, (byte) (int) ((src[srcOffset + 16 + j] - min) * id + 0.5f));
            dst.set(ValueLayout.JAVA_BYTE, offset + 4 + j, (byte) (x0 | (x1 << 4)));
        }
    }
}

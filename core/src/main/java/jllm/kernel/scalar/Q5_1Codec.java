package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jllm.tensor.GgmlType;

/** Q5_1: {@code d, m (f16), qh[4], qs[16]}: 5-bit values as in Q5_0 without the -16, times d, plus m. */
final class Q5_1Codec implements BlockCodec {

    @Override
    public GgmlType type() {
        return GgmlType.Q5_1;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_1;
    }

    @Override
    public void dequantizeBlock(float[] dst, int dstOffset, MemorySegment src, long offset) {
        float d = Numbers.f16(src, offset);
        float m = Numbers.f16(src, offset + 2);
        int qh = Numbers.u32(src, offset + 4);
        for (int j = 0; j < 16; j++) {
            int q = Numbers.u8(src, offset + 8 + j);
            int x0 = (q & 0x0F) | (((qh >>> j) << 4) & 0x10);
            int x1 = (q >> 4) | ((qh >>> (j + 12)) & 0x10);
            dst[dstOffset + j] = x0 * d + m;
            dst[dstOffset + j + 16] = x1 * d + m;
        }
    }

    @Override
    public float dotBlock(MemorySegment w, long offset, Activation x, int block) {
        byte[] y = x.qs;
        int base = block * 32;
        int qh = Numbers.u32(w, offset + 4);
        int sum0 = 0;
        int sum1 = 0;
        for (int j = 0; j < 16; j++) {
            int q = Numbers.u8(w, offset + 8 + j);
            int x0 = (q & 0x0F) | (((qh >>> j) << 4) & 0x10);
            int x1 = (q >> 4) | ((qh >>> (j + 12)) & 0x10);
            sum0 += x0 * y[base + j];
            sum1 += x1 * y[base + j + 16];
        }
        return (Numbers.f16(w, offset) * x.d[block]) * (sum0 + sum1) + Numbers.f16(w, offset + 2) * x.s[block];
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /** quantize_row_q5_1_ref: d = (max - min) / 31, m = min, q = (uint8) ((x - min) / d + 0.5). */
    @Override
    public void quantizeBlock(MemorySegment dst, long offset, float[] src, int srcOffset) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int j = 0; j < 32; j++) {
            float v = src[srcOffset + j];
            min = v < min ? v : min;
            max = v > max ? v : max;
        }
        float d = (max - min) / 31;
        float id = d != 0 ? 1.0f / d : 0.0f;
        dst.set(Numbers.LE_SHORT, offset, Float.floatToFloat16(d));
        dst.set(Numbers.LE_SHORT, offset + 2, Float.floatToFloat16(min));
        int qh = 0;
        for (int j = 0; j < 16; j++) {
            int x0 = (int) ((src[srcOffset + j] - min) * id + 0.5f) & 0xFF;
            int x1 = (int) ((src[srcOffset + 16 + j] - min) * id + 0.5f) & 0xFF;
            dst.set(ValueLayout.JAVA_BYTE, offset + 8 + j, (byte) ((x0 & 0xF) | ((x1 & 0xF) << 4)));
            qh |= ((x0 & 0x10) >> 4) << j;
            qh |= ((x1 & 0x10) >> 4) << (j + 16);
        }
        dst.set(Numbers.LE_INT, offset + 4, qh);
    }
}

package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jllm.tensor.GgmlType;

/**
 * Q5_0: {@code d (f16), qh[4], qs[16]}. Value j takes its low 4 bits from the nibbles as in Q4_0 and
 * its fifth bit from bit j of the little-endian word qh; minus 16, times d.
 */
final class Q5_0Codec implements BlockCodec, ScaledBlocks {

    @Override
    public GgmlType type() {
        return GgmlType.Q5_0;
    }

    @Override
    public ActivationFormat activationFormat() {
        return ActivationFormat.Q8_0;
    }

    @Override
    public void dequantizeBlock(float[] dst, int dstOffset, MemorySegment src, long offset) {
        float d = Numbers.f16(src, offset);
        int qh = Numbers.u32(src, offset + 2);
        for (int j = 0; j < 16; j++) {
            int q = Numbers.u8(src, offset + 6 + j);
            int x0 = ((q & 0x0F) | (((qh >>> j) << 4) & 0x10)) - 16;
            int x1 = ((q >> 4) | ((qh >>> (j + 12)) & 0x10)) - 16;
            dst[dstOffset + j] = x0 * d;
            dst[dstOffset + j + 16] = x1 * d;
        }
    }

    @Override
    public float quantsBlock(float[] dst, int dstOffset, MemorySegment src, long offset) {
        int qh = Numbers.u32(src, offset + 2);
        for (int j = 0; j < 16; j++) {
            int q = Numbers.u8(src, offset + 6 + j);
            dst[dstOffset + j] = ((q & 0x0F) | (((qh >>> j) << 4) & 0x10)) - 16;
            dst[dstOffset + j + 16] = ((q >> 4) | ((qh >>> (j + 12)) & 0x10)) - 16;
        }
        return Numbers.f16(src, offset);
    }

    @Override
    public float dotBlock(MemorySegment w, long offset, Activation x, int block) {
        byte[] y = x.qs;
        int base = block * 32;
        int qh = Numbers.u32(w, offset + 2);
        int sum0 = 0;
        int sum1 = 0;
        for (int j = 0; j < 16; j++) {
            int q = Numbers.u8(w, offset + 6 + j);
            int x0 = ((q & 0x0F) | (((qh >>> j) << 4) & 0x10)) - 16;
            int x1 = ((q >> 4) | ((qh >>> (j + 12)) & 0x10)) - 16;
            sum0 += x0 * y[base + j];
            sum1 += x1 * y[base + j + 16];
        }
        return (Numbers.f16(w, offset) * x.d[block]) * (sum0 + sum1);
    }

    @Override
    public boolean canQuantize() {
        return true;
    }

    /**
     * quantize_row_q5_0_ref: the value of largest magnitude maps to -16, d = max / -16, and each value
     * becomes min(31, (int8) (x / d + 16.5)); the fifth bits go to qh.
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
        float d = max / -16;
        float id = d != 0 ? 1.0f / d : 0.0f;
        dst.set(Numbers.LE_SHORT, offset, Float.floatToFloat16(d));
        int qh = 0;
        for (int j = 0; j < 16; j++) {
            int x0 = Math.min(31, (byte) (int) (src[srcOffset + j] * id + 16.5f)) & 0xFF;
            int x1 = Math.min(31, (byte) (int) (src[srcOffset + 16 + j] * id + 16.5f)) & 0xFF;
            dst.set(ValueLayout.JAVA_BYTE, offset + 6 + j, (byte) ((x0 & 0xF) | ((x1 & 0xF) << 4)));
            qh |= ((x0 & 0x10) >> 4) << j;
            qh |= ((x1 & 0x10) >> 4) << (j + 16);
        }
        dst.set(Numbers.LE_INT, offset + 2, qh);
    }
}

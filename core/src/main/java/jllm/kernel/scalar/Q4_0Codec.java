package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import jllm.tensor.GgmlType;

/**
 * Q4_0: {@code d (f16), qs[16]}. Value j is {@code d * ((qs[j] & 15) - 8)}, value j + 16 is
 * {@code d * ((qs[j] >> 4) - 8)}.
 */
final class Q4_0Codec implements BlockCodec {

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
}

package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import jllm.tensor.GgmlType;

/**
 * IQ4_NL: {@code d (f16), qs[16]}, laid out as Q4_0 but each nibble indexes the non-linear table
 * {@code kvalues_iq4nl} instead of being offset by 8.
 */
final class IQ4_NLCodec implements BlockCodec, ScaledBlocks {

    /** ggml's kvalues_iq4nl. */
    static final byte[] KVALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    @Override
    public GgmlType type() {
        return GgmlType.IQ4_NL;
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
            dst[dstOffset + j] = d * KVALUES[q & 0x0F];
            dst[dstOffset + j + 16] = d * KVALUES[q >> 4];
        }
    }

    @Override
    public float quantsBlock(float[] dst, int dstOffset, MemorySegment src, long offset) {
        for (int j = 0; j < 16; j++) {
            int q = Numbers.u8(src, offset + 2 + j);
            dst[dstOffset + j] = KVALUES[q & 0x0F];
            dst[dstOffset + j + 16] = KVALUES[q >> 4];
        }
        return Numbers.f16(src, offset);
    }

    @Override
    public float dotBlock(MemorySegment w, long offset, Activation x, int block) {
        byte[] y = x.qs;
        int base = block * 32;
        int sum1 = 0;
        int sum2 = 0;
        for (int j = 0; j < 16; j++) {
            int q = Numbers.u8(w, offset + 2 + j);
            sum1 += y[base + j] * KVALUES[q & 0x0F];
            sum2 += y[base + j + 16] * KVALUES[q >> 4];
        }
        return (x.d[block] * Numbers.f16(w, offset)) * (sum1 + sum2);
    }
}

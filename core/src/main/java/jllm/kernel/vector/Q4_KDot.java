package jllm.kernel.vector;

import static jllm.kernel.vector.Lanes.B;
import static jllm.kernel.vector.Lanes.F;
import static jllm.kernel.vector.Lanes.L;
import static jllm.kernel.vector.Lanes.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jllm.kernel.scalar.Activation;
import jllm.kernel.scalar.KScales;
import jllm.kernel.scalar.Numbers;
import jllm.kernel.scalar.RowDot;

/**
 * Q4_K rows with Q8_K activations. Per sub-block of 32 the nibble x int8 products are summed exactly in
 * float lanes, then weighted by the sub-block scale; the mins meet the activation's 16-value sums in
 * scalar integer arithmetic, as in ggml.
 */
final class Q4_KDot implements RowDot {

    @Override
    public float dot(MemorySegment w, long offset, Activation x, int cols) {
        float[] xq = x.values;
        FloatVector acc = FloatVector.zero(F);
        float minTerm = 0;
        int blocks = cols / 256;
        for (int b = 0; b < blocks; b++) {
            long p = offset + 144L * b;
            int summs = 0;
            for (int g = 0; g < 16; g += 2) {
                summs += (x.bsums[16 * b + g] + x.bsums[16 * b + g + 1]) * KScales.q4Min(w, p + 4, g / 2);
            }
            FloatVector blk = FloatVector.zero(F);
            for (int c = 0; c < 4; c++) {
                long q = p + 16 + 32L * c;
                int xi = 256 * b + 64 * c;
                FloatVector lo = FloatVector.zero(F);
                FloatVector hi = FloatVector.zero(F);
                for (int j = 0; j < 32; j += L) {
                    ByteVector v = ByteVector.fromMemorySegment(B, w, q + j, LE);
                    lo = Lanes.toFloats(v.and((byte) 0x0F)).fma(FloatVector.fromArray(F, xq, xi + j), lo);
                    hi = Lanes.toFloats(v.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F))
                            .fma(FloatVector.fromArray(F, xq, xi + 32 + j), hi);
                }
                blk = Lanes.scaleAdd(lo, KScales.q4Scale(w, p + 4, 2 * c), blk);
                blk = Lanes.scaleAdd(hi, KScales.q4Scale(w, p + 4, 2 * c + 1), blk);
            }
            float yd = x.d[b];
            acc = Lanes.scaleAdd(blk, Numbers.f16(w, p) * yd, acc);
            minTerm += (Numbers.f16(w, p + 2) * yd) * summs;
        }
        return acc.reduceLanes(VectorOperators.ADD) - minTerm;
    }
}

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
 * float lanes, then weighted by {@code d_w * d_x * scale}; the mins meet the activation's 16-value sums
 * in scalar integer arithmetic, as in ggml. One loop over the 8 sub-blocks with a variable shift keeps
 * the vector call sites few enough for C2 to inline them all.
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
            float yd = x.d[b];
            float dAll = Numbers.f16(w, p) * yd;
            long scalesLo = w.get(Numbers.LE_LONG, p + 4);
            int scalesHi = w.get(Numbers.LE_INT, p + 12);
            int summs = 0;
            for (int s = 0; s < 8; s++) {
                int min = KScales.q4ScaleMin(scalesLo, scalesHi, s) >>> 8;
                summs += (x.bsums[16 * b + 2 * s] + x.bsums[16 * b + 2 * s + 1]) * min;
            }
            minTerm += (Numbers.f16(w, p + 2) * yd) * summs;
            // Sub-block s: bytes 32 * (s / 2) .. of qs, low nibbles for even s, high for odd.
            for (int s = 0; s < 8; s++) {
                long q = p + 16 + 32L * (s >> 1);
                int shift = 4 * (s & 1);
                FloatVector sum = FloatVector.zero(F);
                for (int j = 0; j < 32; j += L) {
                    ByteVector v = ByteVector.fromMemorySegment(B, w, q + j, LE).lanewise(VectorOperators.LSHR, shift).and((byte) 0x0F);
                    sum = Lanes.toFloats(v).fma(FloatVector.fromArray(F, xq, 256 * b + 32 * s + j), sum);
                }
                acc = Lanes.scaleAdd(sum, dAll * (KScales.q4ScaleMin(scalesLo, scalesHi, s) & 0xFF), acc);
            }
        }
        return Lanes.sum(acc) - minTerm;
    }
}

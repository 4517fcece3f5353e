package jllm.kernel.vector;

import static jllm.kernel.vector.Lanes.B;
import static jllm.kernel.vector.Lanes.F;
import static jllm.kernel.vector.Lanes.L;
import static jllm.kernel.vector.Lanes.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jllm.kernel.scalar.Activation;
import jllm.kernel.scalar.KScales;
import jllm.kernel.scalar.Numbers;
import jllm.kernel.scalar.RowDot;

/**
 * Q5_K rows with Q8_K activations: as {@link Q4_KDot}, with the fifth bit of sub-block s taken from bit
 * s of {@code qh[l]} (a variable shift, so one loop serves all eight sub-blocks).
 */
final class Q5_KDot implements RowDot {

    @Override
    public float dot(MemorySegment w, long offset, Activation x, int cols) {
        float[] xq = x.values;
        FloatVector acc = FloatVector.zero(F);
        float minTerm = 0;
        int blocks = cols / 256;
        for (int b = 0; b < blocks; b++) {
            long p = offset + 176L * b;
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
            // Sub-block s: nibbles in qs bytes 32 * (s / 2) .., low for even s, high for odd; bit s of qh[l].
            for (int s = 0; s < 8; s++) {
                long q = p + 48 + 32L * (s >> 1);
                int shift = 4 * (s & 1);
                FloatVector sum = FloatVector.zero(F);
                for (int j = 0; j < 32; j += L) {
                    ByteVector low = ByteVector.fromMemorySegment(B, w, q + j, LE).lanewise(VectorOperators.LSHR, shift).and((byte) 0x0F);
                    ByteVector high = ByteVector.fromMemorySegment(B, w, p + 16 + j, LE).lanewise(VectorOperators.LSHR, s)
                            .and((byte) 1).lanewise(VectorOperators.LSHL, 4);
                    sum = Lanes.toFloats(low.or(high)).fma(FloatVector.fromArray(F, xq, 256 * b + 32 * s + j), sum);
                }
                acc = Lanes.scaleAdd(sum, dAll * (KScales.q4ScaleMin(scalesLo, scalesHi, s) & 0xFF), acc);
            }
        }
        for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum, written out (see Lanes.FOLDS)
            acc = acc.add(acc.rearrange(fold));
        }
        return acc.lane(0) - minTerm;
    }
}

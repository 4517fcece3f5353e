package jllm.kernel.vector;

import static jllm.kernel.vector.Lanes.B;
import static jllm.kernel.vector.Lanes.F;
import static jllm.kernel.vector.Lanes.I;
import static jllm.kernel.vector.Lanes.L;
import static jllm.kernel.vector.Lanes.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jllm.kernel.scalar.Activation;
import jllm.kernel.scalar.Numbers;

/**
 * Q5_0 rows with Q8_0 activations: the 5-bit value {@code nibble + 16 * bit - 16} is built in int
 * lanes ({@link FifthBits}), converted and multiplied with the int8 activations; block sums are exact
 * integers, scaled per block by {@code d_w * d_x}.
 */
final class Q5_0Dot extends SpanDot {

    Q5_0Dot() {
        super(L, 32); // the accumulator
    }

    @Override
    public void dotSpan(MemorySegment w, long offset, Activation x, int from, int to, float[] state, int at) {
        float[] xq = x.values;
        FloatVector acc = from == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, state, at);
        for (int b = from; b < to; b++) {
            long p = offset + 22L * b;
            int qh = w.get(Numbers.LE_INT, p + 2);
            int xi = 32 * b;
            FloatVector s = FloatVector.zero(F);
            for (int j = 0; j < 16; j += L) {
                // bytes widened without sign to int lanes: the low nibble is one mask, the high one shift;
                // lane k of h is qh >>> (j + k), so bit j + k lands on bit 4 shifted left by 4, and bit
                // j + k + 16 shifted right by 12
                IntVector v = (IntVector) ByteVector.fromMemorySegment(B, w, p + 6 + j, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                IntVector h = IntVector.broadcast(I, qh >>> j).lanewise(VectorOperators.LSHR, FifthBits.IOTA);
                FloatVector lo = (FloatVector) v.and(0x0F).or(h.lanewise(VectorOperators.LSHL, 4).and(0x10)).sub(16).convert(VectorOperators.I2F, 0);
                FloatVector hi = (FloatVector) v.lanewise(VectorOperators.LSHR, 4).or(h.lanewise(VectorOperators.LSHR, 12).and(0x10)).sub(16)
                        .convert(VectorOperators.I2F, 0);
                s = lo.fma(FloatVector.fromArray(F, xq, xi + j), s);
                s = hi.fma(FloatVector.fromArray(F, xq, xi + 16 + j), s);
            }
            acc = s.fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(Numbers.LE_SHORT, p)) * x.d[b]), acc);
        }
        acc.intoArray(state, at);
    }

    @Override
    public float spanResult(MemorySegment w, long offset, Activation x, int cols, float[] state, int at) {
        FloatVector acc = FloatVector.fromArray(F, state, at);
        for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum, written out (see Lanes.FOLDS)
            acc = acc.add(acc.rearrange(fold));
        }
        return acc.lane(0);
    }
}

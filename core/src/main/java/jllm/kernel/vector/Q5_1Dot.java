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
 * Q5_1 rows with Q8_1 activations: the 5-bit value {@code nibble + 16 * bit} built in int lanes
 * ({@link FifthBits}), exact block sums scaled by {@code d_w * d_x}, and the min times the activation's
 * block sums {@code s} in a scalar sum, as in ggml.
 */
final class Q5_1Dot extends SpanDot {

    Q5_1Dot() {
        super(L + 1, 32); // the accumulator, then the min terms' sum
    }

    @Override
    public void dotSpan(MemorySegment w, long offset, Activation x, int from, int to, float[] state, int at) {
        float[] xq = x.values;
        FloatVector acc = from == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, state, at);
        float minTerm = from == 0 ? 0 : state[at + L];
        for (int b = from; b < to; b++) {
            long p = offset + 24L * b;
            int qh = w.get(Numbers.LE_INT, p + 4);
            int xi = 32 * b;
            FloatVector s = FloatVector.zero(F);
            for (int j = 0; j < 16; j += L) {
                // bytes widened without sign to int lanes: the low nibble is one mask, the high one shift;
                // lane k of h is qh >>> (j + k), so bit j + k lands on bit 4 shifted left by 4, and bit
                // j + k + 16 shifted right by 12
                IntVector v = (IntVector) ByteVector.fromMemorySegment(B, w, p + 8 + j, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                IntVector h = IntVector.broadcast(I, qh >>> j).lanewise(VectorOperators.LSHR, FifthBits.IOTA);
                FloatVector lo = (FloatVector) v.and(0x0F).or(h.lanewise(VectorOperators.LSHL, 4).and(0x10)).convert(VectorOperators.I2F, 0);
                FloatVector hi = (FloatVector) v.lanewise(VectorOperators.LSHR, 4).or(h.lanewise(VectorOperators.LSHR, 12).and(0x10))
                        .convert(VectorOperators.I2F, 0);
                s = lo.fma(FloatVector.fromArray(F, xq, xi + j), s);
                s = hi.fma(FloatVector.fromArray(F, xq, xi + 16 + j), s);
            }
            acc = s.fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(Numbers.LE_SHORT, p)) * x.d[b]), acc);
            minTerm += Float.float16ToFloat(w.get(Numbers.LE_SHORT, p + 2)) * x.s[b];
        }
        acc.intoArray(state, at);
        state[at + L] = minTerm;
    }

    @Override
    public float spanResult(MemorySegment w, long offset, Activation x, int cols, float[] state, int at) {
        FloatVector acc = FloatVector.fromArray(F, state, at);
        for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum, written out (see Lanes.FOLDS)
            acc = acc.add(acc.rearrange(fold));
        }
        return acc.lane(0) + state[at + L];
    }
}

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
import jllm.kernel.scalar.Numbers;

/**
 * Q4_1 rows with Q8_1 activations: nibble x int8 sums exact in float lanes, scaled per block by
 * {@code d_w * d_x}; the min meets the activation's block sums {@code s} in a scalar sum, as in ggml.
 */
final class Q4_1Dot extends SpanDot {

    Q4_1Dot() {
        super(L + 1, 32); // the accumulator, then the min terms' sum
    }

    @Override
    public void dotSpan(MemorySegment w, long offset, Activation x, int from, int to, float[] state, int at) {
        float[] xq = x.values;
        FloatVector acc = from == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, state, at);
        float minTerm = from == 0 ? 0 : state[at + L];
        for (int b = from; b < to; b++) {
            long p = offset + 20L * b;
            int xi = 32 * b;
            FloatVector s = FloatVector.zero(F);
            for (int j = 0; j < 16; j += L) {
                ByteVector q = ByteVector.fromMemorySegment(B, w, p + 4 + j, LE);
                ByteVector lo = q.and((byte) 0x0F);
                ByteVector hi = q.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F);
                s = ((FloatVector) lo.convertShape(VectorOperators.B2F, F, 0)).fma(FloatVector.fromArray(F, xq, xi + j), s);
                s = ((FloatVector) hi.convertShape(VectorOperators.B2F, F, 0)).fma(FloatVector.fromArray(F, xq, xi + 16 + j), s);
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

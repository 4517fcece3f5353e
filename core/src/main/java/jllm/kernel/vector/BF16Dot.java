package jllm.kernel.vector;

import static jllm.kernel.vector.Lanes.F;
import static jllm.kernel.vector.Lanes.I;
import static jllm.kernel.vector.Lanes.L;
import static jllm.kernel.vector.Lanes.LE;
import static jllm.kernel.vector.Lanes.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jllm.kernel.scalar.Activation;
import jllm.kernel.scalar.Numbers;

/**
 * BF16 rows: weights widened by a 16-bit shift, FMA with the BF16-rounded activation, into two
 * accumulators (even and odd vectors of each block of 2L columns); a row length that is not a multiple of
 * 2L ends with a vector step and a scalar tail.
 */
final class BF16Dot extends SpanDot {

    BF16Dot() {
        super(2 * L, 2 * L); // the two accumulators; blocks of two vectors
    }

    @Override
    public void dotSpan(MemorySegment w, long offset, Activation x, int from, int to, float[] state, int at) {
        float[] xv = x.values;
        FloatVector a0 = from == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, state, at);
        FloatVector a1 = from == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, state, at + L);
        for (int b = from; b < to; b++) {
            int i = 2 * L * b;
            a0 = ((IntVector) ShortVector.fromMemorySegment(S, w, offset + 2L * i, LE).convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, xv, i), a0);
            a1 = ((IntVector) ShortVector.fromMemorySegment(S, w, offset + 2L * (i + L), LE).convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, xv, i + L), a1);
        }
        a0.intoArray(state, at);
        a1.intoArray(state, at + L);
    }

    @Override
    public float spanResult(MemorySegment w, long offset, Activation x, int cols, float[] state, int at) {
        float[] xv = x.values;
        FloatVector a0 = FloatVector.fromArray(F, state, at);
        FloatVector a1 = FloatVector.fromArray(F, state, at + L);
        int i = cols / (2 * L) * (2 * L);
        for (; i + L <= cols; i += L) {
            a0 = ((IntVector) ShortVector.fromMemorySegment(S, w, offset + 2L * i, LE).convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, xv, i), a0);
        }
        FloatVector total = a0.add(a1);
        for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum, written out (see Lanes.FOLDS)
            total = total.add(total.rearrange(fold));
        }
        float sum = total.lane(0);
        for (; i < cols; i++) {
            sum += Numbers.bf16ToFloat(w.get(Numbers.LE_SHORT, offset + 2L * i)) * xv[i];
        }
        return sum;
    }
}

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
import jllm.kernel.scalar.RowDot;

/** BF16 rows: weights widened by a 16-bit shift, FMA with the BF16-rounded activation. */
final class BF16Dot implements RowDot {

    @Override
    public float dot(MemorySegment w, long offset, Activation x, int cols) {
        float[] xv = x.values;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * L <= cols; i += 2 * L) {
            a0 = ((IntVector) ShortVector.fromMemorySegment(S, w, offset + 2L * i, LE).convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, xv, i), a0);
            a1 = ((IntVector) ShortVector.fromMemorySegment(S, w, offset + 2L * (i + L), LE).convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, xv, i + L), a1);
        }
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

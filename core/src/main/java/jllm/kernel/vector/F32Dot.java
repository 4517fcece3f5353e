package jllm.kernel.vector;

import static jllm.kernel.vector.Lanes.F;
import static jllm.kernel.vector.Lanes.L;
import static jllm.kernel.vector.Lanes.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jllm.kernel.scalar.Activation;
import jllm.kernel.scalar.Numbers;
import jllm.kernel.scalar.RowDot;

/** F32 rows: four independent FMA chains, scalar tail. */
final class F32Dot implements RowDot {

    @Override
    public float dot(MemorySegment w, long offset, Activation x, int cols) {
        float[] xv = x.values;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        int i = 0;
        for (; i + 4 * L <= cols; i += 4 * L) {
            a0 = FloatVector.fromMemorySegment(F, w, offset + 4L * i, LE).fma(FloatVector.fromArray(F, xv, i), a0);
            a1 = FloatVector.fromMemorySegment(F, w, offset + 4L * (i + L), LE).fma(FloatVector.fromArray(F, xv, i + L), a1);
            a2 = FloatVector.fromMemorySegment(F, w, offset + 4L * (i + 2 * L), LE).fma(FloatVector.fromArray(F, xv, i + 2 * L), a2);
            a3 = FloatVector.fromMemorySegment(F, w, offset + 4L * (i + 3 * L), LE).fma(FloatVector.fromArray(F, xv, i + 3 * L), a3);
        }
        for (; i + L <= cols; i += L) {
            a0 = FloatVector.fromMemorySegment(F, w, offset + 4L * i, LE).fma(FloatVector.fromArray(F, xv, i), a0);
        }
        FloatVector total = a0.add(a1).add(a2.add(a3));
        for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum, written out (see Lanes.FOLDS)
            total = total.add(total.rearrange(fold));
        }
        float sum = total.lane(0);
        for (; i < cols; i++) {
            sum += w.get(Numbers.LE_FLOAT, offset + 4L * i) * xv[i];
        }
        return sum;
    }
}

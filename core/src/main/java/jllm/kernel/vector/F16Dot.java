package jllm.kernel.vector;

import static jllm.kernel.vector.Lanes.F;
import static jllm.kernel.vector.Lanes.L;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jllm.kernel.scalar.Activation;
import jllm.kernel.scalar.Numbers;
import jllm.kernel.scalar.RowDot;

/** F16 rows: weights widened to float lanes, FMA with the F16-rounded activation, as ggml's F16C path. */
final class F16Dot implements RowDot {

    @Override
    public float dot(MemorySegment w, long offset, Activation x, int cols) {
        float[] xv = x.values;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * L <= cols; i += 2 * L) {
            a0 = Lanes.f16(w, offset + 2L * i).fma(FloatVector.fromArray(F, xv, i), a0);
            a1 = Lanes.f16(w, offset + 2L * (i + L)).fma(FloatVector.fromArray(F, xv, i + L), a1);
        }
        for (; i + L <= cols; i += L) {
            a0 = Lanes.f16(w, offset + 2L * i).fma(FloatVector.fromArray(F, xv, i), a0);
        }
        float sum = Lanes.sum(a0.add(a1));
        for (; i < cols; i++) {
            sum += Numbers.f16(w, offset + 2L * i) * xv[i];
        }
        return sum;
    }

    /**
     * As {@link #dot} for four activations, each F16 chunk widened once; per activation the same two
     * alternating accumulators and the same tail as {@link #dot}, so the results are bit-identical.
     */
    @Override
    public void dot4(MemorySegment w, long offset, Activation x0, Activation x1, Activation x2, Activation x3,
                     int cols, float[] out) {
        float[] v0 = x0.values, v1 = x1.values, v2 = x2.values, v3 = x3.values;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int i = 0;
        for (; i + 2 * L <= cols; i += 2 * L) {
            FloatVector wa = Lanes.f16(w, offset + 2L * i);
            FloatVector wb = Lanes.f16(w, offset + 2L * (i + L));
            a0 = wa.fma(FloatVector.fromArray(F, v0, i), a0);
            a1 = wa.fma(FloatVector.fromArray(F, v1, i), a1);
            a2 = wa.fma(FloatVector.fromArray(F, v2, i), a2);
            a3 = wa.fma(FloatVector.fromArray(F, v3, i), a3);
            b0 = wb.fma(FloatVector.fromArray(F, v0, i + L), b0);
            b1 = wb.fma(FloatVector.fromArray(F, v1, i + L), b1);
            b2 = wb.fma(FloatVector.fromArray(F, v2, i + L), b2);
            b3 = wb.fma(FloatVector.fromArray(F, v3, i + L), b3);
        }
        for (; i + L <= cols; i += L) {
            FloatVector wa = Lanes.f16(w, offset + 2L * i);
            a0 = wa.fma(FloatVector.fromArray(F, v0, i), a0);
            a1 = wa.fma(FloatVector.fromArray(F, v1, i), a1);
            a2 = wa.fma(FloatVector.fromArray(F, v2, i), a2);
            a3 = wa.fma(FloatVector.fromArray(F, v3, i), a3);
        }
        float s0 = Lanes.sum(a0.add(b0)), s1 = Lanes.sum(a1.add(b1)), s2 = Lanes.sum(a2.add(b2)), s3 = Lanes.sum(a3.add(b3));
        for (; i < cols; i++) {
            float wi = Numbers.f16(w, offset + 2L * i);
            s0 += wi * v0[i];
            s1 += wi * v1[i];
            s2 += wi * v2[i];
            s3 += wi * v3[i];
        }
        out[0] = s0;
        out[1] = s1;
        out[2] = s2;
        out[3] = s3;
    }
}

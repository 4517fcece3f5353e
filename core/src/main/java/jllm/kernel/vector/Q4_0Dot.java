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
import jllm.kernel.scalar.Numbers;
import jllm.kernel.scalar.RowDot;

/**
 * Q4_0 rows with Q8_0 activations: nibbles split and offset by 8 in byte lanes, then as {@link Q8_0Dot}
 * (exact integer block sums in float lanes, scaled per block).
 */
final class Q4_0Dot implements RowDot {

    @Override
    public float dot(MemorySegment w, long offset, Activation x, int cols) {
        float[] xq = x.values;
        float[] xd = x.d;
        FloatVector acc = FloatVector.zero(F);
        int blocks = cols / 32;
        for (int b = 0; b < blocks; b++) {
            long p = offset + 18L * b;
            int xi = 32 * b;
            FloatVector s = FloatVector.zero(F);
            for (int j = 0; j < 16; j += L) {
                ByteVector q = ByteVector.fromMemorySegment(B, w, p + 2 + j, LE);
                ByteVector lo = q.and((byte) 0x0F).sub((byte) 8);
                ByteVector hi = q.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).sub((byte) 8);
                s = Lanes.toFloats(lo).fma(FloatVector.fromArray(F, xq, xi + j), s);
                s = Lanes.toFloats(hi).fma(FloatVector.fromArray(F, xq, xi + 16 + j), s);
            }
            acc = Lanes.scaleAdd(s, Numbers.f16(w, p) * xd[b], acc);
        }
        return Lanes.sum(acc);
    }
}

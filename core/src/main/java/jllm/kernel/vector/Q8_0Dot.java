package jllm.kernel.vector;

import static jllm.kernel.vector.Lanes.F;
import static jllm.kernel.vector.Lanes.L;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jllm.kernel.scalar.Activation;
import jllm.kernel.scalar.Numbers;
import jllm.kernel.scalar.RowDot;

/**
 * Q8_0 rows with Q8_0 activations. Within a block the int8 x int8 products are summed in float lanes,
 * which is exact (|sum| < 2^24); the lanes are then scaled by {@code d_w * d_x} and accumulated.
 */
final class Q8_0Dot implements RowDot {

    @Override
    public float dot(MemorySegment w, long offset, Activation x, int cols) {
        float[] xq = x.values;
        float[] xd = x.d;
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int blocks = cols / 32;
        int b = 0;
        // Two blocks per step: two independent accumulation chains.
        for (; b + 1 < blocks; b += 2) {
            acc0 = Lanes.scaleAdd(block(w, offset + 34L * b, xq, 32 * b), Numbers.f16(w, offset + 34L * b) * xd[b], acc0);
            acc1 = Lanes.scaleAdd(block(w, offset + 34L * (b + 1), xq, 32 * (b + 1)), Numbers.f16(w, offset + 34L * (b + 1)) * xd[b + 1], acc1);
        }
        if (b < blocks) {
            acc0 = Lanes.scaleAdd(block(w, offset + 34L * b, xq, 32 * b), Numbers.f16(w, offset + 34L * b) * xd[b], acc0);
        }
        return Lanes.sum(acc0.add(acc1));
    }

    /** Lane-wise sums of quant products of one block (exact integers). */
    private static FloatVector block(MemorySegment w, long p, float[] xq, int xi) {
        FloatVector s = Lanes.bytes(w, p + 2).mul(FloatVector.fromArray(F, xq, xi));
        for (int j = L; j < 32; j += L) {
            s = Lanes.bytes(w, p + 2 + j).fma(FloatVector.fromArray(F, xq, xi + j), s);
        }
        return s;
    }
}

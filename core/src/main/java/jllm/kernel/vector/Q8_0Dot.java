package jllm.kernel.vector;

import static jllm.kernel.vector.Lanes.F;
import static jllm.kernel.vector.Lanes.L;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jllm.kernel.scalar.Activation;
import jllm.kernel.scalar.Numbers;
import jllm.kernel.scalar.RowDot;
import jllm.kernel.scalar.ScaledBlocks;

/**
 * Q8_0 rows with Q8_0 activations. Within a block the int8 x int8 products are summed in float lanes,
 * which is exact (|sum| < 2^24); the lanes are then scaled by {@code d_w * d_x} and accumulated.
 */
final class Q8_0Dot implements RowDot, ScaledBlocks {

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

    /**
     * As {@link #dot} for four activations, each weight block widened once (16-lane vectors; other widths
     * take the plain loop). Every activation keeps its own even/odd accumulators in the same order as
     * {@link #dot}, so the results are bit-identical to it.
     */
    @Override
    public void dot4(MemorySegment w, long offset, Activation x0, Activation x1, Activation x2, Activation x3,
                     int cols, float[] out) {
        if (L != 16) {
            RowDot.super.dot4(w, offset, x0, x1, x2, x3, cols, out);
            return;
        }
        FloatVector e0 = FloatVector.zero(F), e1 = e0, e2 = e0, e3 = e0;
        FloatVector o0 = e0, o1 = e0, o2 = e0, o3 = e0;
        int blocks = cols / 32;
        for (int b = 0; b < blocks; b++) {
            long p = offset + 34L * b;
            float dw = Numbers.f16(w, p);
            FloatVector wa = Lanes.bytes(w, p + 2);
            FloatVector wb = Lanes.bytes(w, p + 18);
            int xi = 32 * b;
            FloatVector s0 = wb.fma(FloatVector.fromArray(F, x0.values, xi + 16), wa.mul(FloatVector.fromArray(F, x0.values, xi)));
            FloatVector s1 = wb.fma(FloatVector.fromArray(F, x1.values, xi + 16), wa.mul(FloatVector.fromArray(F, x1.values, xi)));
            FloatVector s2 = wb.fma(FloatVector.fromArray(F, x2.values, xi + 16), wa.mul(FloatVector.fromArray(F, x2.values, xi)));
            FloatVector s3 = wb.fma(FloatVector.fromArray(F, x3.values, xi + 16), wa.mul(FloatVector.fromArray(F, x3.values, xi)));
            if ((b & 1) == 0) {
                e0 = Lanes.scaleAdd(s0, dw * x0.d[b], e0);
                e1 = Lanes.scaleAdd(s1, dw * x1.d[b], e1);
                e2 = Lanes.scaleAdd(s2, dw * x2.d[b], e2);
                e3 = Lanes.scaleAdd(s3, dw * x3.d[b], e3);
            } else {
                o0 = Lanes.scaleAdd(s0, dw * x0.d[b], o0);
                o1 = Lanes.scaleAdd(s1, dw * x1.d[b], o1);
                o2 = Lanes.scaleAdd(s2, dw * x2.d[b], o2);
                o3 = Lanes.scaleAdd(s3, dw * x3.d[b], o3);
            }
        }
        out[0] = Lanes.sum(e0.add(o0));
        out[1] = Lanes.sum(e1.add(o1));
        out[2] = Lanes.sum(e2.add(o2));
        out[3] = Lanes.sum(e3.add(o3));
    }

    @Override
    public float quantsBlock(float[] dst, int dstOffset, MemorySegment src, long offset) {
        for (int j = 0; j < 32; j += L) {
            Lanes.bytes(src, offset + 2 + j).intoArray(dst, dstOffset + j);
        }
        return Numbers.f16(src, offset);
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

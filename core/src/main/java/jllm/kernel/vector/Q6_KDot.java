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
 * Q6_K rows with Q8_K activations: the four 6-bit values sharing a {@code qh} byte are assembled in
 * byte lanes, widened, multiplied with the int8 activations and weighted by their group scale.
 */
final class Q6_KDot implements RowDot {

    @Override
    public float dot(MemorySegment w, long offset, Activation x, int cols) {
        float[] xq = x.values;
        FloatVector acc = FloatVector.zero(F);
        int blocks = cols / 256;
        for (int b = 0; b < blocks; b++) {
            long p = offset + 210L * b;
            FloatVector blk = FloatVector.zero(F);
            for (int half = 0; half < 2; half++) {
                long ql = p + 64L * half;
                long qh = p + 128 + 32L * half;
                long sc = p + 192 + 8L * half;
                int xi = 256 * b + 128 * half;
                for (int l = 0; l < 32; l += L) {
                    ByteVector a = ByteVector.fromMemorySegment(B, w, ql + l, LE);
                    ByteVector c = ByteVector.fromMemorySegment(B, w, ql + 32 + l, LE);
                    ByteVector h = ByteVector.fromMemorySegment(B, w, qh + l, LE);
                    ByteVector q1 = a.and((byte) 0x0F).or(h.and((byte) 3).lanewise(VectorOperators.LSHL, 4));
                    ByteVector q2 = c.and((byte) 0x0F).or(h.lanewise(VectorOperators.LSHR, 2).and((byte) 3).lanewise(VectorOperators.LSHL, 4));
                    ByteVector q3 = a.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F)
                            .or(h.lanewise(VectorOperators.LSHR, 4).and((byte) 3).lanewise(VectorOperators.LSHL, 4));
                    ByteVector q4 = c.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F)
                            .or(h.lanewise(VectorOperators.LSHR, 6).and((byte) 3).lanewise(VectorOperators.LSHL, 4));
                    int is = l / 16; // L divides 16, so a chunk never straddles two groups
                    blk = term(q1, xq, xi + l, Numbers.i8(w, sc + is), blk);
                    blk = term(q2, xq, xi + 32 + l, Numbers.i8(w, sc + is + 2), blk);
                    blk = term(q3, xq, xi + 64 + l, Numbers.i8(w, sc + is + 4), blk);
                    blk = term(q4, xq, xi + 96 + l, Numbers.i8(w, sc + is + 6), blk);
                }
            }
            acc = Lanes.scaleAdd(blk, Numbers.f16(w, p + 208) * x.d[b], acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** blk + scale * (q - 32) * x, lane-wise; the product (q - 32) * x is an exact integer. */
    private static FloatVector term(ByteVector q, float[] xq, int xi, int scale, FloatVector blk) {
        FloatVector prod = Lanes.toFloats(q.sub((byte) 32)).mul(FloatVector.fromArray(F, xq, xi));
        return Lanes.scaleAdd(prod, scale, blk);
    }
}

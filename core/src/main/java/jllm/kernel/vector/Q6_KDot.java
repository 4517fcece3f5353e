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
import jllm.kernel.scalar.RowDot;

/**
 * Q6_K rows with Q8_K activations. Each 6-bit value q is assembled in int lanes (16 bytes of {@code ql}
 * and {@code qh} widened once, then masks and shifts that are single instructions on int lanes, not on
 * byte lanes) and turned into the float q - 32 without a conversion: {@code q | 0x4B000000} read as a
 * float is 2^23 + q, and subtracting 2^23 + 32 is exact. Every product of a 16-value group with the int8
 * activations is weighted by {@code d_w * d_x * scale}.
 */
final class Q6_KDot implements RowDot {

    @Override
    public float dot(MemorySegment w, long offset, Activation x, int cols) {
        float[] xq = x.values;
        FloatVector acc = FloatVector.zero(F);
        int blocks = cols / 256;
        for (int b = 0; b < blocks; b++) {
            long p = offset + 210L * b;
            float dAll = Numbers.f16(w, p + 208) * x.d[b];
            for (int h = 0; h < 2; h++) {
                long ql = p + 64L * h;
                long qh = p + 128 + 32L * h;
                long sc = w.get(Numbers.LE_LONG, p + 192 + 8L * h); // this half's eight signed scales
                for (int l = 0; l < 32; l += L) {
                    IntVector a = (IntVector) ByteVector.fromMemorySegment(B, w, ql + l, LE).convertShape(VectorOperators.B2I, I, 0);
                    IntVector c = (IntVector) ByteVector.fromMemorySegment(B, w, ql + 32 + l, LE).convertShape(VectorOperators.B2I, I, 0);
                    IntVector e = (IntVector) ByteVector.fromMemorySegment(B, w, qh + l, LE).convertShape(VectorOperators.B2I, I, 0);
                    int xi = 256 * b + 128 * h + l;
                    int g = 8 * (l >> 4);
                    // Quarter k: low (k < 2) or high nibbles of ql[l] (k even) or ql[32 + l] (k odd), and
                    // bits 2k, 2k + 1 of qh[l]; scale byte 2k of the group pair. One set of vector call
                    // sites for all four keeps the method within C2's inlining budget.
                    for (int k = 0; k < 4; k++) {
                        IntVector nibbles = ((k & 1) == 0 ? a : c).lanewise(VectorOperators.LSHR, 4 * (k >> 1)).and(0x0F);
                        FloatVector q = nibbles.or(e.lanewise(VectorOperators.LSHR, 2 * k).and(3).lanewise(VectorOperators.LSHL, 4))
                                .or(0x4B000000).reinterpretAsFloats().sub(0x1.00004p23f);
                        float scale = dAll * (byte) (sc >>> (g + 16 * k));
                        acc = q.mul(FloatVector.fromArray(F, xq, xi + 32 * k))
                                .fma(FloatVector.broadcast(F, scale), acc);
                    }
                }
            }
        }
        for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum, written out (see Lanes.FOLDS)
            acc = acc.add(acc.rearrange(fold));
        }
        return acc.lane(0);
    }
}

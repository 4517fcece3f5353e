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

/**
 * Q6_K rows with Q8_K activations. Each 6-bit value q is assembled in int lanes: 16 bytes of {@code ql}
 * and {@code qh} widened once without sign, so that a low nibble is one mask, a high nibble one shift,
 * and the two high bits one shift and one mask in place; then {@code q - 32} is converted to float.
 * Every product of a 16-value group with the int8 activations is exact and weighted by
 * {@code d_w * d_x * scale}; the quarters that take the low nibbles and those that take the high ones
 * go to two accumulators.
 */
final class Q6_KDot extends SpanDot {

    Q6_KDot() {
        super(2 * L, 256); // the two accumulators
    }

    @Override
    public void dotSpan(MemorySegment w, long offset, Activation x, int from, int to, float[] state, int at) {
        float[] xq = x.values;
        FloatVector accLo = from == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, state, at);
        FloatVector accHi = from == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, state, at + L);
        for (int b = from; b < to; b++) {
            long p = offset + 210L * b;
            float dAll = Float.float16ToFloat(w.get(Numbers.LE_SHORT, p + 208)) * x.d[b];
            for (int h = 0; h < 2; h++) {
                long ql = p + 64L * h;
                long qh = p + 128 + 32L * h;
                for (int l = 0; l < 32; l += L) {
                    IntVector a = (IntVector) ByteVector.fromMemorySegment(B, w, ql + l, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                    IntVector c = (IntVector) ByteVector.fromMemorySegment(B, w, ql + 32 + l, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                    IntVector e = (IntVector) ByteVector.fromMemorySegment(B, w, qh + l, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                    int xi = 256 * b + 128 * h + l;
                    // Quarter k: the low (k < 2) or high nibbles of ql[l] (k even) or ql[32 + l] (k odd),
                    // with bits 2k, 2k + 1 of qh[l] as bits 4 and 5; its scales are bytes 2k (l < 16) and
                    // 2k + 1 of this half's eight, bits 16k + 8 (l >> 4) of sc.
                    long sc = w.get(Numbers.LE_LONG, p + 192 + 8L * h) >>> (8 * (l >> 4));
                    FloatVector q0 = (FloatVector) a.and(0x0F).or(e.lanewise(VectorOperators.LSHL, 4).and(0x30)).sub(32).convert(VectorOperators.I2F, 0);
                    FloatVector q1 = (FloatVector) c.and(0x0F).or(e.lanewise(VectorOperators.LSHL, 2).and(0x30)).sub(32).convert(VectorOperators.I2F, 0);
                    FloatVector q2 = (FloatVector) a.lanewise(VectorOperators.LSHR, 4).or(e.and(0x30)).sub(32).convert(VectorOperators.I2F, 0);
                    FloatVector q3 = (FloatVector) c.lanewise(VectorOperators.LSHR, 4).or(e.lanewise(VectorOperators.LSHR, 2).and(0x30)).sub(32).convert(VectorOperators.I2F, 0);
                    accLo = q0.mul(FloatVector.fromArray(F, xq, xi)).fma(FloatVector.broadcast(F, dAll * (byte) sc), accLo);
                    accLo = q1.mul(FloatVector.fromArray(F, xq, xi + 32)).fma(FloatVector.broadcast(F, dAll * (byte) (sc >>> 16)), accLo);
                    accHi = q2.mul(FloatVector.fromArray(F, xq, xi + 64)).fma(FloatVector.broadcast(F, dAll * (byte) (sc >>> 32)), accHi);
                    accHi = q3.mul(FloatVector.fromArray(F, xq, xi + 96)).fma(FloatVector.broadcast(F, dAll * (byte) (sc >>> 48)), accHi);
                }
            }
        }
        accLo.intoArray(state, at);
        accHi.intoArray(state, at + L);
    }

    @Override
    public float spanResult(MemorySegment w, long offset, Activation x, int cols, float[] state, int at) {
        FloatVector acc = FloatVector.fromArray(F, state, at).add(FloatVector.fromArray(F, state, at + L));
        for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum, written out (see Lanes.FOLDS)
            acc = acc.add(acc.rearrange(fold));
        }
        return acc.lane(0);
    }
}

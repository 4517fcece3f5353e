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
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jllm.kernel.scalar.Activation;
import jllm.kernel.scalar.KScales;
import jllm.kernel.scalar.Numbers;

/**
 * Q5_K rows with Q8_K activations: as {@link Q4_KDot}, with the fifth bit of sub-block s taken from bit
 * s of {@code qh[l]}. With 16 float lanes, bytes are widened to int lanes without sign, where masks and
 * shifts are single instructions: the {@code qh} bytes once per block, shifted left by four so that
 * bit s lands on bit 4 after a right shift by s; the mins meet the activation's 16-value sums in vector
 * lanes. Other widths take one loop over the eight sub-blocks in byte lanes.
 */
final class Q5_KDot extends SpanDot {

    Q5_KDot() {
        super(3 * L, 256); // 16 lanes: even, odd and min accumulators; else the accumulator, then the min terms' sum
    }

    @Override
    public void dotSpan(MemorySegment w, long offset, Activation x, int from, int to, float[] state, int at) {
        if (L == 16) {
            span16(w, offset, x, from, to, state, at);
            return;
        }
        float[] xq = x.values;
        FloatVector acc = from == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, state, at);
        float minTerm = from == 0 ? 0 : state[at + L];
        for (int b = from; b < to; b++) {
            long p = offset + 176L * b;
            float yd = x.d[b];
            float dAll = Float.float16ToFloat(w.get(Numbers.LE_SHORT, p)) * yd;
            long scalesLo = w.get(Numbers.LE_LONG, p + 4);
            int scalesHi = w.get(Numbers.LE_INT, p + 12);
            int summs = 0;
            for (int s = 0; s < 8; s++) {
                int min = KScales.q4ScaleMin(scalesLo, scalesHi, s) >>> 8;
                summs += (x.bsums[16 * b + 2 * s] + x.bsums[16 * b + 2 * s + 1]) * min;
            }
            minTerm += (Float.float16ToFloat(w.get(Numbers.LE_SHORT, p + 2)) * yd) * summs;
            // Sub-block s: nibbles in qs bytes 32 * (s / 2) .., low for even s, high for odd; bit s of qh[l].
            for (int s = 0; s < 8; s++) {
                long q = p + 48 + 32L * (s >> 1);
                int shift = 4 * (s & 1);
                FloatVector sum = FloatVector.zero(F);
                for (int j = 0; j < 32; j += L) {
                    ByteVector low = ByteVector.fromMemorySegment(B, w, q + j, LE).lanewise(VectorOperators.LSHR, shift).and((byte) 0x0F);
                    ByteVector high = ByteVector.fromMemorySegment(B, w, p + 16 + j, LE).lanewise(VectorOperators.LSHR, s)
                            .and((byte) 1).lanewise(VectorOperators.LSHL, 4);
                    sum = Lanes.toFloats(low.or(high)).fma(FloatVector.fromArray(F, xq, 256 * b + 32 * s + j), sum);
                }
                acc = Lanes.scaleAdd(sum, dAll * (KScales.q4ScaleMin(scalesLo, scalesHi, s) & 0xFF), acc);
            }
        }
        acc.intoArray(state, at);
        state[at + L] = minTerm;
    }

    @Override
    public float spanResult(MemorySegment w, long offset, Activation x, int cols, float[] state, int at) {
        if (L == 16) {
            FloatVector total = FloatVector.fromArray(F, state, at).add(FloatVector.fromArray(F, state, at + L))
                    .sub(FloatVector.fromArray(F, state, at + 2 * L));
            for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum, written out (see Lanes.FOLDS)
                total = total.add(total.rearrange(fold));
            }
            return total.lane(0);
        }
        FloatVector acc = FloatVector.fromArray(F, state, at);
        for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum, written out (see Lanes.FOLDS)
            acc = acc.add(acc.rearrange(fold));
        }
        return acc.lane(0) - state[at + L];
    }

    /** {@link #dotSpan} with 16 float lanes. All in one method: vectors crossing a call C2 did not inline are boxed. */
    private static void span16(MemorySegment w, long offset, Activation x, int from, int to, float[] state, int at) {
        float[] xq = x.values;
        int[] bsums = x.bsums;
        FloatVector even = from == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, state, at);
        FloatVector odd = from == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, state, at + L);
        FloatVector minAcc = from == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, state, at + 2 * L);
        for (int b = from; b < to; b++) {
            long p = offset + 176L * b;
            float yd = x.d[b];
            float dAll = Float.float16ToFloat(w.get(Numbers.LE_SHORT, p)) * yd;
            long scalesLo = w.get(Numbers.LE_LONG, p + 4);
            int scalesHi = w.get(Numbers.LE_INT, p + 12);
            long scales = KScales.q4Scales(scalesLo, scalesHi); // scale j in byte j
            IntVector m = (IntVector) LongVector.broadcast(LongVector.SPECIES_128, KScales.q4Mins(scalesLo, scalesHi))
                    .reinterpretAsBytes().rearrange(Lanes.BYTE_PAIRS).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            minAcc = ((FloatVector) m.mul(IntVector.fromArray(I, bsums, 16 * b)).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(Numbers.LE_SHORT, p + 2)) * yd), minAcc);
            IntVector hA = ((IntVector) ByteVector.fromMemorySegment(B, w, p + 16, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 4);
            IntVector hB = ((IntVector) ByteVector.fromMemorySegment(B, w, p + 32, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 4);
            for (int k = 0; k < 4; k++) {
                // sub-blocks 2k (low nibbles, bit 2k of qh) and 2k + 1 (high nibbles, bit 2k + 1)
                long q = p + 48 + 32L * k;
                int xi = 256 * b + 64 * k;
                IntVector v0 = (IntVector) ByteVector.fromMemorySegment(B, w, q, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                IntVector v1 = (IntVector) ByteVector.fromMemorySegment(B, w, q + 16, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                IntVector sA = hA.lanewise(VectorOperators.LSHR, 2 * k);
                IntVector sB = hB.lanewise(VectorOperators.LSHR, 2 * k);
                FloatVector lo = ((FloatVector) v0.and(0x0F).or(sA.and(0x10)).convert(VectorOperators.I2F, 0))
                        .mul(FloatVector.fromArray(F, xq, xi));
                FloatVector hi = ((FloatVector) v0.lanewise(VectorOperators.LSHR, 4).or(sA.lanewise(VectorOperators.LSHR, 1).and(0x10))
                        .convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(F, xq, xi + 32));
                lo = ((FloatVector) v1.and(0x0F).or(sB.and(0x10)).convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.fromArray(F, xq, xi + 16), lo);
                hi = ((FloatVector) v1.lanewise(VectorOperators.LSHR, 4).or(sB.lanewise(VectorOperators.LSHR, 1).and(0x10))
                        .convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F, xq, xi + 48), hi);
                int pair = (int) (scales >>> (16 * k)); // scales 2k, 2k + 1 in its low bytes
                even = lo.fma(FloatVector.broadcast(F, dAll * (pair & 0xFF)), even);
                odd = hi.fma(FloatVector.broadcast(F, dAll * ((pair >>> 8) & 0xFF)), odd);
            }
        }
        even.intoArray(state, at);
        odd.intoArray(state, at + L);
        minAcc.intoArray(state, at + 2 * L);
    }
}

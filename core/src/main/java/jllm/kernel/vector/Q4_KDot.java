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
 * Q4_K rows with Q8_K activations. Sub-blocks come in pairs sharing 32 bytes of nibbles (low nibbles
 * the even sub-block, high the odd); 16 bytes at a time are widened to int lanes without sign (so the
 * high nibble is one shift, the low one a mask) and converted to floats. Per sub-block the nibble x
 * int8 products are summed exactly in float lanes, then weighted by {@code d_w * d_x * scale}. Even and
 * odd sub-blocks keep separate accumulators.
 *
 * <p>The mins meet the activation's 16-value sums: with 16 float lanes, the eight 6-bit mins (unpacked
 * with a few integer masks, {@link KScales#q4Mins}) are spread to one per 16-value
 * sum by a byte shuffle, multiplied with the sums in int lanes (exact), and accumulated, weighted by
 * {@code dmin_w * d_x}, in float lanes that are summed once at the end. Done in scalar code, as ggml
 * writes it, they took about a third of the time. All in one method: vectors crossing a call C2 did
 * not inline are boxed.
 */
final class Q4_KDot extends SpanDot {

    Q4_KDot() {
        super(3 * L + 1, 256); // even, odd and min accumulators, then the scalar min terms' sum
    }

    @Override
    public void dotSpan(MemorySegment w, long offset, Activation x, int from, int to, float[] state, int at) {
        float[] xq = x.values;
        int[] bsums = x.bsums;
        FloatVector even = from == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, state, at);
        FloatVector odd = from == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, state, at + L);
        FloatVector minAcc = from == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, state, at + 2 * L); // 16 float lanes: the mins' terms
        float minTerm = from == 0 ? 0 : state[at + 3 * L]; // fewer lanes: the mins' terms, in scalar code
        for (int b = from; b < to; b++) {
            long p = offset + 144L * b;
            float yd = x.d[b];
            float dAll = Float.float16ToFloat(w.get(Numbers.LE_SHORT, p)) * yd;
            long scalesLo = w.get(Numbers.LE_LONG, p + 4);
            int scalesHi = w.get(Numbers.LE_INT, p + 12);
            long scales = KScales.q4Scales(scalesLo, scalesHi); // scale j in byte j
            long mins = KScales.q4Mins(scalesLo, scalesHi);
            int scalesA = (int) scales;
            int scalesB = (int) (scales >>> 32);
            float dMin = Float.float16ToFloat(w.get(Numbers.LE_SHORT, p + 2)) * yd;
            if (L == 16) {
                IntVector m = (IntVector) LongVector.broadcast(LongVector.SPECIES_128, mins).reinterpretAsBytes()
                        .rearrange(Lanes.BYTE_PAIRS).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                minAcc = ((FloatVector) m.mul(IntVector.fromArray(I, bsums, 16 * b)).convert(VectorOperators.I2F, 0))
                        .fma(FloatVector.broadcast(F, dMin), minAcc);
            } else {
                int i = 16 * b;
                int minsA = (int) mins;
                int minsB = (int) (mins >>> 32);
                int summs = (bsums[i] + bsums[i + 1]) * (minsA & 0xFF)
                        + (bsums[i + 2] + bsums[i + 3]) * ((minsA >>> 8) & 0xFF)
                        + (bsums[i + 4] + bsums[i + 5]) * ((minsA >>> 16) & 0xFF)
                        + (bsums[i + 6] + bsums[i + 7]) * (minsA >>> 24)
                        + (bsums[i + 8] + bsums[i + 9]) * (minsB & 0xFF)
                        + (bsums[i + 10] + bsums[i + 11]) * ((minsB >>> 8) & 0xFF)
                        + (bsums[i + 12] + bsums[i + 13]) * ((minsB >>> 16) & 0xFF)
                        + (bsums[i + 14] + bsums[i + 15]) * (minsB >>> 24);
                minTerm += dMin * summs;
            }
            for (int k = 0; k < 4; k++) {
                int pair = (k < 2 ? scalesA : scalesB) >>> (16 * (k & 1)); // scales 2k, 2k + 1 in its low bytes
                long q = p + 16 + 32L * k;
                int xi = 256 * b + 64 * k;
                FloatVector lo;
                FloatVector hi;
                if (L == 16) {
                    IntVector v0 = (IntVector) ByteVector.fromMemorySegment(B, w, q, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                    IntVector v1 = (IntVector) ByteVector.fromMemorySegment(B, w, q + 16, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                    lo = ((FloatVector) v0.and(0x0F).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(F, xq, xi));
                    hi = ((FloatVector) v0.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(F, xq, xi + 32));
                    lo = ((FloatVector) v1.and(0x0F).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F, xq, xi + 16), lo);
                    hi = ((FloatVector) v1.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F, xq, xi + 48), hi);
                } else {
                    lo = FloatVector.zero(F);
                    hi = FloatVector.zero(F);
                    for (int j = 0; j < 32; j += L) {
                        IntVector v = (IntVector) ByteVector.fromMemorySegment(B, w, q + j, LE).convertShape(VectorOperators.B2I, I, 0);
                        lo = ((FloatVector) v.and(0x0F).convert(VectorOperators.I2F, 0)).fma(FloatVector.fromArray(F, xq, xi + j), lo);
                        hi = ((FloatVector) v.lanewise(VectorOperators.LSHR, 4).and(0x0F).convert(VectorOperators.I2F, 0))
                                .fma(FloatVector.fromArray(F, xq, xi + 32 + j), hi);
                    }
                }
                even = lo.fma(FloatVector.broadcast(F, dAll * (pair & 0xFF)), even);
                odd = hi.fma(FloatVector.broadcast(F, dAll * ((pair >>> 8) & 0xFF)), odd);
            }
        }
        even.intoArray(state, at);
        odd.intoArray(state, at + L);
        minAcc.intoArray(state, at + 2 * L);
        state[at + 3 * L] = minTerm;
    }

    @Override
    public float spanResult(MemorySegment w, long offset, Activation x, int cols, float[] state, int at) {
        FloatVector total = FloatVector.fromArray(F, state, at).add(FloatVector.fromArray(F, state, at + L))
                .sub(FloatVector.fromArray(F, state, at + 2 * L));
        for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum, written out (see Lanes.FOLDS)
            total = total.add(total.rearrange(fold));
        }
        return total.lane(0) - state[at + 3 * L];
    }
}

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
import jllm.kernel.scalar.KScales;
import jllm.kernel.scalar.Numbers;

/**
 * Q3_K rows with Q8_K activations: each value {@code ((qs >> 2j) & 3) + 4 * hbit - 4} is built in byte
 * lanes, widened and multiplied with the int8 activations; per group of 16 the exact sum is weighted by
 * {@code d_w * d_x * scale} (signed 6-bit scales, {@link KScales#q3Scale}).
 *
 * <p>With 16 float lanes the bytes are widened without sign to int lanes instead, where shifts and masks
 * are single instructions (x86 has no shifts of byte lanes): each 16 bytes of {@code qs} once for its
 * four groups, the {@code hmask} bytes once per block, shifted left by two so that the high bit of
 * group j lands on bit 2 after a right shift by 4h + j.
 */
final class Q3_KDot extends SpanDot {

    Q3_KDot() {
        super(L, 256); // the accumulator
    }

    @Override
    public void dotSpan(MemorySegment w, long offset, Activation x, int from, int to, float[] state, int at) {
        if (L == 16) {
            span16(w, offset, x, from, to, state, at);
            return;
        }
        float[] xq = x.values;
        FloatVector acc = from == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, state, at);
        for (int b = from; b < to; b++) {
            long p = offset + 110L * b;
            float dAll = Float.float16ToFloat(w.get(Numbers.LE_SHORT, p + 108)) * x.d[b];
            long scalesLo = w.get(Numbers.LE_LONG, p + 96); // low nibbles of groups 0..7 and 8..15
            int scalesHi = w.get(Numbers.LE_INT, p + 104);  // the 2 high bits, 4 groups per byte
            // Group g of 16: half h = g / 8, j = (g / 2) % 4, lanes l = 16 (g % 2) ..; hmask bit 4h + j.
            for (int g = 0; g < 16; g++) {
                int half = g >> 3;
                int j = (g >> 1) & 3;
                int l0 = 16 * (g & 1);
                float scale = dAll * scale(scalesLo, scalesHi, g);
                FloatVector sum = FloatVector.zero(F);
                for (int l = l0; l < l0 + 16; l += L) {
                    ByteVector low = ByteVector.fromMemorySegment(B, w, p + 32 + 32L * half + l, LE)
                            .lanewise(VectorOperators.LSHR, 2 * j).and((byte) 3);
                    ByteVector high = ByteVector.fromMemorySegment(B, w, p + l, LE)
                            .lanewise(VectorOperators.LSHR, 4 * half + j).and((byte) 1).lanewise(VectorOperators.LSHL, 2);
                    FloatVector q = Lanes.toFloats(low.or(high).sub((byte) 4));
                    sum = q.fma(FloatVector.fromArray(F, xq, 256 * b + 128 * half + 32 * j + l), sum);
                }
                acc = Lanes.scaleAdd(sum, scale, acc);
            }
        }
        acc.intoArray(state, at);
    }

    @Override
    public float spanResult(MemorySegment w, long offset, Activation x, int cols, float[] state, int at) {
        FloatVector acc = FloatVector.fromArray(F, state, at);
        for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum, written out (see Lanes.FOLDS)
            acc = acc.add(acc.rearrange(fold));
        }
        return acc.lane(0);
    }

    /** {@link #dotSpan} with 16 float lanes. All in one method: vectors crossing a call C2 did not inline are boxed. */
    private static void span16(MemorySegment w, long offset, Activation x, int from, int to, float[] state, int at) {
        float[] xq = x.values;
        FloatVector acc = from == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, state, at);
        for (int b = from; b < to; b++) {
            long p = offset + 110L * b;
            float dAll = Float.float16ToFloat(w.get(Numbers.LE_SHORT, p + 108)) * x.d[b];
            long scalesLo = w.get(Numbers.LE_LONG, p + 96);
            int scalesHi = w.get(Numbers.LE_INT, p + 104);
            IntVector hm0 = ((IntVector) ByteVector.fromMemorySegment(B, w, p, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 2);
            IntVector hm1 = ((IntVector) ByteVector.fromMemorySegment(B, w, p + 16, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 2);
            for (int half = 0; half < 2; half++) {
                for (int l0 = 0; l0 < 32; l0 += 16) {
                    IntVector v = (IntVector) ByteVector.fromMemorySegment(B, w, p + 32 + 32L * half + l0, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                    IntVector hm = l0 == 0 ? hm0 : hm1;
                    for (int j = 0; j < 4; j++) {
                        int g = 8 * half + 2 * j + (l0 >> 4);
                        FloatVector q = (FloatVector) v.lanewise(VectorOperators.LSHR, 2 * j).and(3)
                                .or(hm.lanewise(VectorOperators.LSHR, 4 * half + j).and(4)).sub(4).convert(VectorOperators.I2F, 0);
                        acc = q.mul(FloatVector.fromArray(F, xq, 256 * b + 128 * half + 32 * j + l0))
                                .fma(FloatVector.broadcast(F, dAll * scale(scalesLo, scalesHi, g)), acc);
                    }
                }
            }
        }
        acc.intoArray(state, at);
    }

    /** {@link KScales#q3Scale} from the 12 scale bytes loaded as a long (bytes 0..7) and an int (8..11). */
    private static int scale(long lo, int hi, int g) {
        int low = (int) (lo >>> (8 * (g & 7) + 4 * (g >> 3))) & 0xF;
        int high = (hi >>> (8 * (g & 3) + 2 * (g >> 2))) & 3;
        return (low | (high << 4)) - 32;
    }
}

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
import jllm.kernel.scalar.Activation;
import jllm.kernel.scalar.Numbers;

/**
 * Q2_K rows with Q8_K activations: per group of 16 the 2-bit values ({@code qs} shifted by 2j) times the
 * int8 activations are summed in float lanes and weighted by the group's 4-bit scale. Every partial sum
 * is an integer below 2^24 (at most 16 groups x 15 x 16 x 3 x 127), so the lanes hold ggml's integer
 * block sum exactly and its lane reduction is exact in any order. The block is then finished in scalar
 * code exactly as the reference does ({@code d * isum - dmin * summs}, the mins meeting the activation's
 * 16-value sums): the result equals the scalar codec's bit for bit. (Scaling lanes before the
 * subtraction instead would lose the cancellation between the two terms, which is large for Q2_K.)
 *
 * <p>With 16 float lanes the bytes are widened without sign to int lanes, where the shift by 2j and the
 * mask are single instructions (x86 has no shifts of byte lanes), each 16 bytes once for its four
 * groups, and the mins meet the 16-value sums in int lanes.
 */
final class Q2_KDot extends SpanDot {

    Q2_KDot() {
        super(1, 256); // the sum of the finished blocks
    }

    @Override
    public void dotSpan(MemorySegment w, long offset, Activation x, int from, int to, float[] state, int at) {
        if (L == 16) {
            span16(w, offset, x, from, to, state, at);
            return;
        }
        float[] xq = x.values;
        float total = from == 0 ? 0 : state[at];
        for (int b = from; b < to; b++) {
            long p = offset + 84L * b;
            float dAll = x.d[b] * Float.float16ToFloat(w.get(Numbers.LE_SHORT, p + 80));
            int summs = 0;
            for (int g = 0; g < 16; g++) {
                summs += x.bsums[16 * b + g] * (Numbers.u8(w, p + g) >> 4);
            }
            FloatVector isum = FloatVector.zero(F);
            // Group g of 16: half h = g / 8, shift 2j with j = (g / 2) % 4, qs bytes 32h + 16 (g % 2) ..
            for (int g = 0; g < 16; g++) {
                int half = g >> 3;
                int j = (g >> 1) & 3;
                int l0 = 16 * (g & 1);
                int scale = Numbers.u8(w, p + g) & 0xF;
                FloatVector sum = FloatVector.zero(F);
                for (int l = 0; l < 16; l += L) {
                    ByteVector q = ByteVector.fromMemorySegment(B, w, p + 16 + 32L * half + l0 + l, LE)
                            .lanewise(VectorOperators.LSHR, 2 * j).and((byte) 3);
                    sum = Lanes.toFloats(q).fma(FloatVector.fromArray(F, xq, 256 * b + 16 * g + l), sum);
                }
                isum = Lanes.scaleAdd(sum, scale, isum);
            }
            float dMin = x.d[b] * Float.float16ToFloat(w.get(Numbers.LE_SHORT, p + 82));
            total += dAll * (int) isum.reduceLanes(VectorOperators.ADD) - dMin * summs;
        }
        state[at] = total;
    }

    @Override
    public float spanResult(MemorySegment w, long offset, Activation x, int cols, float[] state, int at) {
        return state[at];
    }

    /** {@link #dotSpan} with 16 float lanes; the same bits. */
    private static void span16(MemorySegment w, long offset, Activation x, int from, int to, float[] state, int at) {
        float[] xq = x.values;
        float total = from == 0 ? 0 : state[at];
        for (int b = from; b < to; b++) {
            long p = offset + 84L * b;
            float dAll = x.d[b] * Float.float16ToFloat(w.get(Numbers.LE_SHORT, p + 80));
            IntVector scales = (IntVector) ByteVector.fromMemorySegment(B, w, p, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            int summs = scales.lanewise(VectorOperators.LSHR, 4).mul(IntVector.fromArray(I, x.bsums, 16 * b))
                    .reduceLanes(VectorOperators.ADD); // exact
            FloatVector isum = FloatVector.zero(F);
            for (int half = 0; half < 2; half++) {
                long sc = w.get(Numbers.LE_LONG, p + 8L * half); // scale bytes of groups 8 half ..
                for (int l0 = 0; l0 < 32; l0 += 16) {
                    IntVector v = (IntVector) ByteVector.fromMemorySegment(B, w, p + 16 + 32L * half + l0, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                    for (int j = 0; j < 4; j++) {
                        int g = 2 * j + (l0 >> 4); // group 8 half + g
                        FloatVector q = (FloatVector) v.lanewise(VectorOperators.LSHR, 2 * j).and(3).convert(VectorOperators.I2F, 0);
                        isum = q.mul(FloatVector.fromArray(F, xq, 256 * b + 128 * half + 16 * g))
                                .fma(FloatVector.broadcast(F, (int) (sc >>> (8 * g)) & 0xF), isum);
                    }
                }
            }
            float dMin = x.d[b] * Float.float16ToFloat(w.get(Numbers.LE_SHORT, p + 82));
            total += dAll * (int) isum.reduceLanes(VectorOperators.ADD) - dMin * summs;
        }
        state[at] = total;
    }
}

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
 * Q2_K rows with Q8_K activations: per group of 16 the 2-bit values ({@code qs} shifted by 2j) times the
 * int8 activations are summed in float lanes and weighted by the group's 4-bit scale. Every partial sum
 * is an integer below 2^24 (at most 16 groups x 15 x 16 x 3 x 127), so the lanes hold ggml's integer
 * block sum exactly and its lane reduction is exact in any order. The block is then finished in scalar
 * code exactly as the reference does ({@code d * isum - dmin * summs}, the mins meeting the activation's
 * 16-value sums): the result equals the scalar codec's bit for bit. (Scaling lanes before the
 * subtraction instead would lose the cancellation between the two terms, which is large for Q2_K.)
 */
final class Q2_KDot implements RowDot {

    @Override
    public float dot(MemorySegment w, long offset, Activation x, int cols) {
        float[] xq = x.values;
        float total = 0;
        int blocks = cols / 256;
        for (int b = 0; b < blocks; b++) {
            long p = offset + 84L * b;
            float dAll = x.d[b] * Numbers.f16(w, p + 80);
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
            float dMin = x.d[b] * Numbers.f16(w, p + 82);
            total += dAll * (int) isum.reduceLanes(VectorOperators.ADD) - dMin * summs;
        }
        return total;
    }
}

package jllm.kernel.vector;

import static jllm.kernel.vector.Lanes.B;
import static jllm.kernel.vector.Lanes.F;
import static jllm.kernel.vector.Lanes.L;
import static jllm.kernel.vector.Lanes.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jllm.kernel.scalar.Activation;
import jllm.kernel.scalar.KScales;
import jllm.kernel.scalar.Numbers;
import jllm.kernel.scalar.RowDot;

/**
 * Q3_K rows with Q8_K activations: each value {@code ((qs >> 2j) & 3) + 4 * hbit - 4} is built in byte
 * lanes, widened and multiplied with the int8 activations; per group of 16 the exact sum is weighted by
 * {@code d_w * d_x * scale} (signed 6-bit scales, {@link KScales#q3Scale}).
 */
final class Q3_KDot implements RowDot {

    @Override
    public float dot(MemorySegment w, long offset, Activation x, int cols) {
        float[] xq = x.values;
        FloatVector acc = FloatVector.zero(F);
        int blocks = cols / 256;
        for (int b = 0; b < blocks; b++) {
            long p = offset + 110L * b;
            float dAll = Numbers.f16(w, p + 108) * x.d[b];
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
        for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum, written out (see Lanes.FOLDS)
            acc = acc.add(acc.rearrange(fold));
        }
        return acc.lane(0);
    }

    /** {@link KScales#q3Scale} from the 12 scale bytes loaded as a long (bytes 0..7) and an int (8..11). */
    private static int scale(long lo, int hi, int g) {
        int low = (int) (lo >>> (8 * (g & 7) + 4 * (g >> 3))) & 0xF;
        int high = (hi >>> (8 * (g & 3) + 2 * (g >> 2))) & 3;
        return (low | (high << 4)) - 32;
    }
}

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
 * Q6_K rows with Q8_K activations: each 6-bit value is assembled in byte lanes from its nibble in
 * {@code ql} and its two bits in {@code qh}, widened, multiplied with the int8 activations (an exact
 * integer) and accumulated with weight {@code d_w * d_x * scale}.
 *
 * <p>The loops over quarters and lanes use variable shift counts on purpose: one set of vector call
 * sites keeps the method under C2's inlining node budget (unrolled by hand it is not inlined, and
 * every vector gets boxed).
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
            long scalesLo = w.get(Numbers.LE_LONG, p + 192); // groups 0..7, one signed byte each
            long scalesHi = w.get(Numbers.LE_LONG, p + 200); // groups 8..15
            // Group g of 16 values: half h = g / 8, quarter q = (g / 2) % 4, lanes l = 16 * (g % 2) ..
            for (int g = 0; g < 16; g++) {
                int half = g >> 3;
                int quarter = (g >> 1) & 3;
                int l0 = 16 * (g & 1);
                float scale = dAll * (byte) ((half == 0 ? scalesLo : scalesHi) >>> (8 * (g & 7)));
                FloatVector sum = FloatVector.zero(F);
                for (int l = l0; l < l0 + 16; l += L) {
                    ByteVector ql = ByteVector.fromMemorySegment(B, w, p + 64L * half + 32L * (quarter & 1) + l, LE);
                    ByteVector qh = ByteVector.fromMemorySegment(B, w, p + 128 + 32L * half + l, LE);
                    ByteVector low = ql.lanewise(VectorOperators.LSHR, 4 * (quarter >> 1)).and((byte) 0x0F);
                    ByteVector high = qh.lanewise(VectorOperators.LSHR, 2 * quarter).and((byte) 3).lanewise(VectorOperators.LSHL, 4);
                    FloatVector q = Lanes.toFloats(low.or(high).sub((byte) 32));
                    sum = q.fma(FloatVector.fromArray(F, xq, 256 * b + 128 * half + 32 * quarter + l), sum);
                }
                acc = Lanes.scaleAdd(sum, scale, acc);
            }
        }
        return Lanes.sum(acc);
    }
}

package jllm.kernel.vector;

import static jllm.kernel.vector.Lanes.F;
import static jllm.kernel.vector.Lanes.L;
import static jllm.kernel.vector.Lanes.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import jllm.kernel.scalar.Activation;
import jllm.kernel.scalar.Numbers;
import jllm.kernel.scalar.RowDot;

/**
 * MXFP4 rows with Q8_0 activations, as {@link IQ4_NLDot} with ggml's doubled E2M1 table
 * ({@code kvalues_mxfp4}) and 17-byte blocks: the 16 nibbles of each half block index the table by a
 * byte shuffle in one 128-bit vector, are widened to float lanes and multiplied with the int8
 * activations; block sums are exact integers, scaled by {@code d_x * 2^(e - 128)}.
 */
final class MXFP4Dot implements RowDot {

    /** Sixteen byte lanes: one block's 16 bytes of nibbles, and the 16 table entries. */
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final ByteVector TABLE = ByteVector.fromArray(B16,
            new byte[] {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12}, 0);

    @Override
    public float dot(MemorySegment w, long offset, Activation x, int cols) {
        float[] xq = x.values;
        FloatVector acc = FloatVector.zero(F);
        int blocks = cols / 32;
        for (int b = 0; b < blocks; b++) {
            long p = offset + 17L * b;
            int xi = 32 * b;
            ByteVector q = ByteVector.fromMemorySegment(B16, w, p + 1, LE);
            ByteVector lo = q.and((byte) 0x0F).selectFrom(TABLE);
            ByteVector hi = q.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).selectFrom(TABLE);
            FloatVector s = FloatVector.zero(F);
            for (int part = 0; part < 16 / L; part++) {
                FloatVector l = (FloatVector) lo.convertShape(VectorOperators.B2F, F, part);
                FloatVector h = (FloatVector) hi.convertShape(VectorOperators.B2F, F, part);
                s = l.fma(FloatVector.fromArray(F, xq, xi + L * part), s);
                s = h.fma(FloatVector.fromArray(F, xq, xi + 16 + L * part), s);
            }
            acc = s.fma(FloatVector.broadcast(F, x.d[b] * Numbers.e8m0Half(Numbers.u8(w, p))), acc);
        }
        for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum, written out (see Lanes.FOLDS)
            acc = acc.add(acc.rearrange(fold));
        }
        return acc.lane(0);
    }
}

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

/**
 * MXFP4 rows with Q8_0 activations, as {@link IQ4_NLDot} with ggml's doubled E2M1 table
 * ({@code kvalues_mxfp4}) and 17-byte blocks: the 16 nibbles of each half block index the table by a
 * byte shuffle in one 128-bit vector, are widened to float lanes and multiplied with the int8
 * activations; block sums are exact integers, scaled by {@code d_x * 2^(e - 128)}.
 */
final class MXFP4Dot extends SpanDot {

    MXFP4Dot() {
        super(L, 32); // the accumulator
    }

    /** Sixteen byte lanes: one block's 16 bytes of nibbles, and the 16 table entries. */
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final ByteVector TABLE = ByteVector.fromArray(B16,
            new byte[] {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12}, 0);

    @Override
    public void dotSpan(MemorySegment w, long offset, Activation x, int from, int to, float[] state, int at) {
        float[] xq = x.values;
        FloatVector acc = from == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, state, at);
        for (int b = from; b < to; b++) {
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
}

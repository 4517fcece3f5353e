package jllm.kernel.vector;

import static jllm.kernel.vector.Lanes.F;
import static jllm.kernel.vector.Lanes.L;
import static jllm.kernel.vector.Lanes.LE;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import jdk.incubator.vector.VectorShuffle;
import jllm.kernel.scalar.Activation;
import jllm.kernel.scalar.Numbers;

/**
 * IQ4_NL rows with Q8_0 activations: the 16 nibbles of each half block index ggml's non-linear table
 * ({@code kvalues_iq4nl}) by a byte shuffle in one 128-bit vector, are widened to float lanes and
 * multiplied with the int8 activations; block sums are exact integers, scaled by {@code d_w * d_x}.
 */
final class IQ4_NLDot extends SpanDot {

    IQ4_NLDot() {
        super(L, 32); // the accumulator
    }

    /** Sixteen byte lanes: one block's 16 bytes of nibbles, and the 16 table entries. */
    private static final VectorSpecies<Byte> B16 = ByteVector.SPECIES_128;
    private static final ByteVector TABLE = ByteVector.fromArray(B16,
            new byte[] {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113}, 0);

    @Override
    public void dotSpan(MemorySegment w, long offset, Activation x, int from, int to, float[] state, int at) {
        float[] xq = x.values;
        FloatVector acc = from == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, state, at);
        for (int b = from; b < to; b++) {
            long p = offset + 18L * b;
            int xi = 32 * b;
            ByteVector q = ByteVector.fromMemorySegment(B16, w, p + 2, LE);
            ByteVector lo = q.and((byte) 0x0F).selectFrom(TABLE);
            ByteVector hi = q.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).selectFrom(TABLE);
            FloatVector s = FloatVector.zero(F);
            for (int part = 0; part < 16 / L; part++) {
                FloatVector l = (FloatVector) lo.convertShape(VectorOperators.B2F, F, part);
                FloatVector h = (FloatVector) hi.convertShape(VectorOperators.B2F, F, part);
                s = l.fma(FloatVector.fromArray(F, xq, xi + L * part), s);
                s = h.fma(FloatVector.fromArray(F, xq, xi + 16 + L * part), s);
            }
            acc = s.fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(Numbers.LE_SHORT, p)) * x.d[b]), acc);
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

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
import jllm.kernel.scalar.Numbers;
import jllm.kernel.scalar.ScaledBlocks;

/**
 * Q4_0 rows with Q8_0 activations: nibbles split and offset by 8 in int lanes, then as {@link Q8_0Dot}
 * (exact integer block sums in float lanes, scaled per block).
 */
final class Q4_0Dot extends SpanDot implements ScaledBlocks {

    Q4_0Dot() {
        super(L, 32); // the accumulator
    }

    /**
     * Nibble masks and shifts run on int lanes (the 16 bytes of a block widened once): on int lanes they
     * are single instructions, on byte lanes they are not. Everything stays in this one method: when C2
     * runs out of inlining budget at a helper call, the vectors crossing that call are boxed.
     */
    @Override
    public void dotSpan(MemorySegment w, long offset, Activation x, int from, int to, float[] state, int at) {
        float[] xq = x.values;
        float[] xd = x.d;
        FloatVector acc = from == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, state, at);
        for (int b = from; b < to; b++) {
            long p = offset + 18L * b;
            int xi = 32 * b;
            FloatVector s = FloatVector.zero(F);
            for (int j = 0; j < 16; j += L) {
                IntVector q = (IntVector) ByteVector.fromMemorySegment(B, w, p + 2 + j, LE).convertShape(VectorOperators.B2I, I, 0);
                FloatVector lo = q.and(0x0F).or(0x4B000000).reinterpretAsFloats().sub(0x1.000010p23f);
                FloatVector hi = q.lanewise(VectorOperators.LSHR, 4).and(0x0F).or(0x4B000000).reinterpretAsFloats().sub(0x1.000010p23f);
                s = lo.fma(FloatVector.fromArray(F, xq, xi + j), s);
                s = hi.fma(FloatVector.fromArray(F, xq, xi + 16 + j), s);
            }
            acc = s.fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(Numbers.LE_SHORT, p)) * xd[b]), acc);
        }
        acc.intoArray(state, at);
    }

    @Override
    public float spanResult(MemorySegment w, long offset, Activation x, int cols, float[] state, int at) {
        FloatVector acc = FloatVector.fromArray(F, state, at);
        for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum, written out: see the class comment
            acc = acc.add(acc.rearrange(fold));
        }
        return acc.lane(0);
    }

    @Override
    public float quantsBlock(float[] dst, int dstOffset, MemorySegment src, long offset) {
        for (int j = 0; j < 16; j += L) {
            IntVector q = (IntVector) ByteVector.fromMemorySegment(B, src, offset + 2 + j, LE).convertShape(VectorOperators.B2I, I, 0);
            ((FloatVector) q.and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).intoArray(dst, dstOffset + j);
            ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).and(0x0F).sub(8).convert(VectorOperators.I2F, 0)).intoArray(dst, dstOffset + 16 + j);
        }
        return Float.float16ToFloat(src.get(Numbers.LE_SHORT, offset));
    }
}

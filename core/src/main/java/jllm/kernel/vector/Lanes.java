package jllm.kernel.vector;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The species every fast path uses and the widening loads they share: bytes, F16 and BF16 from memory
 * to float lanes. {@code F} is the preferred float species; {@code B}, {@code S} and {@code I} have one
 * byte, short or int per float lane.
 *
 * <p>Helpers in kernels: a row dot short enough (under 325 bytes of bytecode) is inlined by C2 into the
 * matmul driver that calls it, and once that compilation's node budget is spent
 * ({@code NodeCountInliningCutoff}) C2 stops inlining every method that is not annotated for forced
 * inlining, as the Vector API's own are. A helper of ours inside a dot's loop then becomes a call, and a
 * vector passed to or returned from it is boxed. Seen: llama3-1b Q4_0 decoded at 10 t/s instead of 15
 * once a prompt had been processed, its block scale read through {@code Numbers.f16} as a call per
 * block. So the dots write out their scale reads ({@code Float.float16ToFloat(w.get(LE_SHORT, p))}) and
 * widening steps; the helpers here serve the larger kernels and the paths of other vector widths.
 */
final class Lanes {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Float lanes. */
    static final int L = F.length();
    /** Whether the byte-per-lane species exists (needs at least 8 float lanes: a 64-bit byte vector). */
    static final boolean WIDE = L >= 8;
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, L * 16)));
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /**
     * Row length (columns) from which a matrix-vector product's float activation (16 KB and more) no
     * longer stays in L1 beside the weights streaming in: from here the row dots take several rows per
     * pass and load each activation vector once for all of them.
     */
    static final int LONG_ROW = 4096;

    /**
     * For a 16-byte vector: bytes 0-7, each twice (byte j to lanes 2j and 2j + 1). The K-quants' eight
     * sub-block mins, one per byte, meet the activation's sixteen 16-value sums this way.
     */
    static final VectorShuffle<Byte> BYTE_PAIRS = VectorShuffle.fromValues(ByteVector.SPECIES_128,
            0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);

    private Lanes() {
    }

    /**
     * The steps of the one lane sum every kernel uses: a fixed pairwise tree in vector registers, step s
     * adding lane i + h to lane i for h = L/2, L/4, ..., 1, then lane 0. Each kernel writes it out:
     * <pre>{@code
     * for (VectorShuffle<Float> fold : Lanes.FOLDS) {
     *     acc = acc.add(acc.rearrange(fold));
     * }
     * return acc.lane(0);
     * }</pre>
     * {@code reduceLanes(ADD)} leaves the order unspecified, and the interpreter and the compiled
     * intrinsic do differ, which would make results depend on JIT timing; a fixed order keeps every dot
     * product bit-reproducible. (Summing {@code toArray()} in order was as exact, but C2 left the array
     * in place: a third of a batched decode step went into it.) It is not a helper method on purpose:
     * called once after a dot's loop, such a helper was left out of line by C2 in some compilations
     * (when on-stack replacement had compiled the loop first), its vector argument was boxed and the
     * helper ran in C1 code without intrinsics: rows of 8192 columns ran 4-5x slower than rows of 2048.
     */
    static final VectorShuffle<Float>[] FOLDS = folds();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] folds() {
        int steps = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] f = new VectorShuffle[steps];
        for (int s = 0, h = L / 2; h >= 1; s++, h /= 2) {
            int half = h;
            f[s] = VectorShuffle.fromOp(F, i -> (i + half) % L);
        }
        return f;
    }

    /** L signed bytes at {@code offset}, as floats. */
    static FloatVector bytes(MemorySegment s, long offset) {
        return toFloats(ByteVector.fromMemorySegment(B, s, offset, LE));
    }

    /** Byte lanes (one per float lane) widened to floats. */
    static FloatVector toFloats(ByteVector v) {
        return (FloatVector) v.convertShape(VectorOperators.B2F, F, 0);
    }

    /** L F16 values at {@code offset}, as floats (exact, including subnormals, infinities and NaN). */
    static FloatVector f16(MemorySegment s, long offset) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(S, s, offset, LE).convertShape(VectorOperators.S2I, I, 0);
        IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        IntVector magnitude = h.and(0x7fff).lanewise(VectorOperators.LSHL, 13);
        // Exponent and mantissa moved into float position, then rebias by 2^(127 - 15): exact for normal
        // and subnormal halves alike. Infinity and NaN (all exponent bits set) keep their mantissa; a NaN
        // is made quiet, as Float.float16ToFloat and x86's vcvtph2ps do.
        IntVector finite = magnitude.reinterpretAsFloats().mul(0x1.0p112f).reinterpretAsInts();
        VectorMask<Integer> infinite = magnitude.compare(VectorOperators.EQ, 0x7c00 << 13);
        VectorMask<Integer> nan = magnitude.compare(VectorOperators.GT, 0x7c00 << 13);
        IntVector bits = finite.blend(0x7f800000, infinite).blend(magnitude.or(0x7fc00000), nan);
        return bits.or(sign).reinterpretAsFloats();
    }

    /** {@code v * s + acc}, lane-wise, fused. */
    static FloatVector scaleAdd(FloatVector v, float s, FloatVector acc) {
        return v.fma(FloatVector.broadcast(F, s), acc);
    }
}

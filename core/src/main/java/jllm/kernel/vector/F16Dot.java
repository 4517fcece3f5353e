package jllm.kernel.vector;

import static jllm.kernel.vector.Lanes.F;
import static jllm.kernel.vector.Lanes.I;
import static jllm.kernel.vector.Lanes.L;
import static jllm.kernel.vector.Lanes.LE;
import static jllm.kernel.vector.Lanes.S;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jllm.kernel.scalar.Activation;
import jllm.kernel.scalar.Numbers;
import jllm.kernel.scalar.RowDot;

/**
 * F16 rows: weights widened to float lanes, FMA with the F16-rounded activation, as llama.cpp computes
 * F16 products on AVX-512 (tinyBLAS: one accumulator of L lanes, k ascending, then the lanes summed
 * pairwise, which is {@link Lanes#sum}); a row length that is not a multiple of L ends with a scalar
 * tail. One, four and many activations give the same bits.
 *
 * <p>Halves are widened in four instructions, exact for every finite value (normal or subnormal): the
 * half, sign-extended to an int, is shifted so that exponent and mantissa land in float position, the
 * sign's copies above bit 31 are masked off, and 2^112 rebiases the exponent. Infinities and NaNs would
 * come out finite, so the largest magnitude seen is tracked, and a row holding one (a real model's
 * weights never do) is done again with the complete conversion {@link Lanes#f16}. (Written out in each
 * loop: a vector passed to a call C2 does not inline is boxed.)
 */
final class F16Dot implements RowDot {

    @Override
    public float dot(MemorySegment w, long offset, Activation x, int cols) {
        float[] xv = x.values;
        FloatVector a = FloatVector.zero(F);
        IntVector mag = IntVector.zero(I);
        int i = 0;
        for (; i + L <= cols; i += L) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S, w, offset + 2L * i, LE).convertShape(VectorOperators.S2I, I, 0);
            mag = h.and(0x7FFF).max(mag);
            FloatVector wv = h.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1.0p112f);
            a = wv.fma(FloatVector.fromArray(F, xv, i), a);
        }
        if (mag.reduceLanes(VectorOperators.MAX) >= 0x7C00) {
            return exactDot(w, offset, x, cols); // an infinity or NaN in the row
        }
        float sum = Lanes.sum(a);
        for (; i < cols; i++) {
            sum += Numbers.f16(w, offset + 2L * i) * xv[i];
        }
        return sum;
    }

    /** {@link #dot} with every half widened by {@link Lanes#f16}: the same bits, and right for non-finite halves. */
    private static float exactDot(MemorySegment w, long offset, Activation x, int cols) {
        float[] xv = x.values;
        FloatVector a = FloatVector.zero(F);
        int i = 0;
        for (; i + L <= cols; i += L) {
            a = Lanes.f16(w, offset + 2L * i).fma(FloatVector.fromArray(F, xv, i), a);
        }
        float sum = Lanes.sum(a);
        for (; i < cols; i++) {
            sum += Numbers.f16(w, offset + 2L * i) * xv[i];
        }
        return sum;
    }

    /** As {@link #dot} for four activations, each F16 chunk widened once. */
    @Override
    public void dot4(MemorySegment w, long offset, Activation x0, Activation x1, Activation x2, Activation x3,
                     int cols, float[] out) {
        float[] v0 = x0.values, v1 = x1.values, v2 = x2.values, v3 = x3.values;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        IntVector mag = IntVector.zero(I);
        int i = 0;
        for (; i + L <= cols; i += L) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S, w, offset + 2L * i, LE).convertShape(VectorOperators.S2I, I, 0);
            mag = h.and(0x7FFF).max(mag);
            FloatVector wv = h.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1.0p112f);
            a0 = wv.fma(FloatVector.fromArray(F, v0, i), a0);
            a1 = wv.fma(FloatVector.fromArray(F, v1, i), a1);
            a2 = wv.fma(FloatVector.fromArray(F, v2, i), a2);
            a3 = wv.fma(FloatVector.fromArray(F, v3, i), a3);
        }
        if (mag.reduceLanes(VectorOperators.MAX) >= 0x7C00) { // an infinity or NaN in the row
            out[0] = exactDot(w, offset, x0, cols);
            out[1] = exactDot(w, offset, x1, cols);
            out[2] = exactDot(w, offset, x2, cols);
            out[3] = exactDot(w, offset, x3, cols);
            return;
        }
        float s0 = Lanes.sum(a0), s1 = Lanes.sum(a1), s2 = Lanes.sum(a2), s3 = Lanes.sum(a3);
        for (; i < cols; i++) {
            float wi = Numbers.f16(w, offset + 2L * i);
            s0 += wi * v0[i];
            s1 += wi * v1[i];
            s2 += wi * v2[i];
            s3 += wi * v3[i];
        }
        out[0] = s0;
        out[1] = s1;
        out[2] = s2;
        out[3] = s3;
    }

    /**
     * As {@link #dot} for n activations: the row is widened once into {@code scratch}, then read as
     * floats for every activation, four at a time. For a prompt batch this removes the F16 widening,
     * which costs more than the products, from all but one pass over the row.
     */
    @Override
    public void dotMany(MemorySegment w, long offset, Activation[] xs, int n, int cols, float[] out, int outOffset,
                        int outStride, float[] scratch) {
        int full = cols - cols % L;
        IntVector mag = IntVector.zero(I);
        for (int i = 0; i < full; i += L) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S, w, offset + 2L * i, LE).convertShape(VectorOperators.S2I, I, 0);
            mag = h.and(0x7FFF).max(mag);
            h.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1.0p112f).intoArray(scratch, i);
        }
        if (mag.reduceLanes(VectorOperators.MAX) >= 0x7C00) { // an infinity or NaN in the row
            for (int i = 0; i < full; i += L) {
                Lanes.f16(w, offset + 2L * i).intoArray(scratch, i);
            }
        }
        for (int i = full; i < cols; i++) {
            scratch[i] = Numbers.f16(w, offset + 2L * i);
        }
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            float[] v0 = xs[j].values, v1 = xs[j + 1].values, v2 = xs[j + 2].values, v3 = xs[j + 3].values;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int i = 0; i < full; i += L) {
                FloatVector wv = FloatVector.fromArray(F, scratch, i);
                a0 = wv.fma(FloatVector.fromArray(F, v0, i), a0);
                a1 = wv.fma(FloatVector.fromArray(F, v1, i), a1);
                a2 = wv.fma(FloatVector.fromArray(F, v2, i), a2);
                a3 = wv.fma(FloatVector.fromArray(F, v3, i), a3);
            }
            float s0 = Lanes.sum(a0), s1 = Lanes.sum(a1), s2 = Lanes.sum(a2), s3 = Lanes.sum(a3);
            for (int i = full; i < cols; i++) {
                s0 += scratch[i] * v0[i];
                s1 += scratch[i] * v1[i];
                s2 += scratch[i] * v2[i];
                s3 += scratch[i] * v3[i];
            }
            out[outOffset + j * outStride] = s0;
            out[outOffset + (j + 1) * outStride] = s1;
            out[outOffset + (j + 2) * outStride] = s2;
            out[outOffset + (j + 3) * outStride] = s3;
        }
        for (; j < n; j++) {
            float[] v = xs[j].values;
            FloatVector a = FloatVector.zero(F);
            for (int i = 0; i < full; i += L) {
                a = FloatVector.fromArray(F, scratch, i).fma(FloatVector.fromArray(F, v, i), a);
            }
            float sum = Lanes.sum(a);
            for (int i = full; i < cols; i++) {
                sum += scratch[i] * v[i];
            }
            out[outOffset + j * outStride] = sum;
        }
    }
}

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
import jdk.incubator.vector.VectorShuffle;
import jllm.kernel.scalar.Activation;
import jllm.kernel.scalar.Numbers;
import jllm.kernel.scalar.RowDot;

/**
 * F16 rows: weights widened to float lanes, FMA with the F16-rounded activation, as llama.cpp computes
 * F16 products on AVX-512 (tinyBLAS: one accumulator of L lanes, k ascending, then the lanes summed
 * pairwise, which is {@link Lanes#FOLDS}); a row length that is not a multiple of L ends with a scalar
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
        for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum, written out (see Lanes.FOLDS)
            a = a.add(a.rearrange(fold));
        }
        float sum = a.lane(0);
        for (; i < cols; i++) {
            sum += Float.float16ToFloat(w.get(Numbers.LE_SHORT, offset + 2L * i)) * xv[i];
        }
        return sum;
    }

    /**
     * Four rows at a time with one activation when rows are long: each activation vector is loaded once
     * for the four. A long row's activation (ffn_down: 8192 floats, 32 KB) does not stay in L1 beside
     * the weights streaming in; read from L2 for every row it held that matrix to ~17 GB/s against ~30
     * for the others. Per row the operations are those of {@link #dot} (a group holding an infinity or
     * NaN is redone with {@link #exactDot}, the same bits for finite rows).
     */
    @Override
    public void dotRows(MemorySegment w, long offset, long rowBytes, int count, Activation x, int cols, float[] out,
                        int outOffset) {
        int k = 0;
        for (; k + 4 <= count && cols >= Lanes.LONG_ROW; k += 4) {
            dotSideBySide(w, offset + k * rowBytes, rowBytes, x, cols, out, outOffset + k, 1);
        }
        for (; k < count; k++) {
            out[outOffset + k] = dot(w, offset + k * rowBytes, x, cols);
        }
    }

    @Override
    public int runsSideBySide() {
        return 4;
    }


    /**
     * Rows at offset + r * rowBytes, r in [0, 4), with one activation, into out[at + r * outStride]: four
     * adjacent rows, or four runs far apart.
     */
    @Override
    public void dotSideBySide(MemorySegment w, long offset, long rowBytes, Activation x, int cols, float[] out, int at,
                              int outStride) {
        float[] xv = x.values;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        IntVector mag = IntVector.zero(I);
        long o1 = offset + rowBytes, o2 = o1 + rowBytes, o3 = o2 + rowBytes;
        int i = 0;
        for (; i + L <= cols; i += L) {
            FloatVector xi = FloatVector.fromArray(F, xv, i);
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S, w, offset + 2L * i, LE).convertShape(VectorOperators.S2I, I, 0);
            mag = h.and(0x7FFF).max(mag);
            a0 = h.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1.0p112f).fma(xi, a0);
            h = (IntVector) ShortVector.fromMemorySegment(S, w, o1 + 2L * i, LE).convertShape(VectorOperators.S2I, I, 0);
            mag = h.and(0x7FFF).max(mag);
            a1 = h.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1.0p112f).fma(xi, a1);
            h = (IntVector) ShortVector.fromMemorySegment(S, w, o2 + 2L * i, LE).convertShape(VectorOperators.S2I, I, 0);
            mag = h.and(0x7FFF).max(mag);
            a2 = h.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1.0p112f).fma(xi, a2);
            h = (IntVector) ShortVector.fromMemorySegment(S, w, o3 + 2L * i, LE).convertShape(VectorOperators.S2I, I, 0);
            mag = h.and(0x7FFF).max(mag);
            a3 = h.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1.0p112f).fma(xi, a3);
        }
        if (mag.reduceLanes(VectorOperators.MAX) >= 0x7C00) { // an infinity or NaN in one of the rows
            for (int r = 0; r < 4; r++) {
                out[at + r * outStride] = exactDot(w, offset + r * rowBytes, x, cols);
            }
            return;
        }
        for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum of each, written out (see Lanes.FOLDS)
            a0 = a0.add(a0.rearrange(fold));
            a1 = a1.add(a1.rearrange(fold));
            a2 = a2.add(a2.rearrange(fold));
            a3 = a3.add(a3.rearrange(fold));
        }
        float s0 = a0.lane(0), s1 = a1.lane(0), s2 = a2.lane(0), s3 = a3.lane(0);
        for (; i < cols; i++) {
            s0 += Float.float16ToFloat(w.get(Numbers.LE_SHORT, offset + 2L * i)) * xv[i];
            s1 += Float.float16ToFloat(w.get(Numbers.LE_SHORT, o1 + 2L * i)) * xv[i];
            s2 += Float.float16ToFloat(w.get(Numbers.LE_SHORT, o2 + 2L * i)) * xv[i];
            s3 += Float.float16ToFloat(w.get(Numbers.LE_SHORT, o3 + 2L * i)) * xv[i];
        }
        out[at] = s0;
        out[at + outStride] = s1;
        out[at + 2 * outStride] = s2;
        out[at + 3 * outStride] = s3;
    }

    /** {@link #dot} with every half widened by {@link Lanes#f16}: the same bits, and right for non-finite halves. */
    private static float exactDot(MemorySegment w, long offset, Activation x, int cols) {
        float[] xv = x.values;
        FloatVector a = FloatVector.zero(F);
        int i = 0;
        for (; i + L <= cols; i += L) {
            a = Lanes.f16(w, offset + 2L * i).fma(FloatVector.fromArray(F, xv, i), a);
        }
        for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum, written out (see Lanes.FOLDS)
            a = a.add(a.rearrange(fold));
        }
        float sum = a.lane(0);
        for (; i < cols; i++) {
            sum += Float.float16ToFloat(w.get(Numbers.LE_SHORT, offset + 2L * i)) * xv[i];
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
        for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum of each, written out (see Lanes.FOLDS)
            a0 = a0.add(a0.rearrange(fold));
            a1 = a1.add(a1.rearrange(fold));
            a2 = a2.add(a2.rearrange(fold));
            a3 = a3.add(a3.rearrange(fold));
        }
        float s0 = a0.lane(0), s1 = a1.lane(0), s2 = a2.lane(0), s3 = a3.lane(0);
        for (; i < cols; i++) {
            float wi = Float.float16ToFloat(w.get(Numbers.LE_SHORT, offset + 2L * i));
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
        widen(w, offset, cols, scratch, 0);
        int full = cols - cols % L;
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
            for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum of each, written out (see Lanes.FOLDS)
                a0 = a0.add(a0.rearrange(fold));
                a1 = a1.add(a1.rearrange(fold));
                a2 = a2.add(a2.rearrange(fold));
                a3 = a3.add(a3.rearrange(fold));
            }
            float s0 = a0.lane(0), s1 = a1.lane(0), s2 = a2.lane(0), s3 = a3.lane(0);
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
            out[outOffset + j * outStride] = widenedDot(scratch, 0, xs[j].values, cols);
        }
    }

    /**
     * Four weight rows at a time, widened into {@code scratch}, each met by four activations in one
     * register tile: sixteen accumulators, and per step four weight and four activation loads for
     * sixteen multiply-adds (one row with four activations loads five vectors for four). Each
     * accumulator sees the products of {@link #dot} in the same order, so the bits are the same.
     */
    @Override
    public void dotRows(MemorySegment w, long offset, long rowBytes, int count, Activation[] xs, int n, int cols,
                        float[] out, int outOffset, int outStride, float[] scratch) {
        if (n < 4 || count < 4) {
            RowDot.super.dotRows(w, offset, rowBytes, count, xs, n, cols, out, outOffset, outStride, scratch);
            return;
        }
        float[] acc = new float[16 * L];
        int full = cols - cols % L;
        int k = 0;
        for (; k + 4 <= count; k += 4) {
            for (int r = 0; r < 4; r++) {
                widen(w, offset + (k + r) * rowBytes, cols, scratch, r * cols);
            }
            int i = 0;
            for (; i + 4 <= n; i += 4) {
                tile4x4(scratch, cols, xs[i].values, xs[i + 1].values, xs[i + 2].values, xs[i + 3].values, full, acc);
                for (int r = 0; r < 4; r++) {
                    for (int j = 0; j < 4; j++) {
                        float[] v = xs[i + j].values;
                        float s = sumAt(acc, (4 * r + j) * L);
                        for (int c = full; c < cols; c++) {
                            s += scratch[r * cols + c] * v[c];
                        }
                        out[outOffset + k + r + (i + j) * outStride] = s;
                    }
                }
            }
            for (; i < n; i++) {
                for (int r = 0; r < 4; r++) {
                    out[outOffset + k + r + i * outStride] = widenedDot(scratch, r * cols, xs[i].values, cols);
                }
            }
        }
        for (; k < count; k++) {
            dotMany(w, offset + k * rowBytes, xs, n, cols, out, outOffset + k, outStride, scratch);
        }
    }

    /** The accumulators of four widened rows (at 0, cols, 2 cols, 3 cols) with four activations, into acc[(4 r + j) L ..]. */
    private static void tile4x4(float[] wr, int cols, float[] v0, float[] v1, float[] v2, float[] v3, int full, float[] acc) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int c1 = cols, c2 = 2 * cols, c3 = 3 * cols;
        for (int i = 0; i < full; i += L) {
            FloatVector x0 = FloatVector.fromArray(F, v0, i);
            FloatVector x1 = FloatVector.fromArray(F, v1, i);
            FloatVector x2 = FloatVector.fromArray(F, v2, i);
            FloatVector x3 = FloatVector.fromArray(F, v3, i);
            FloatVector w0 = FloatVector.fromArray(F, wr, i);
            a00 = w0.fma(x0, a00);
            a01 = w0.fma(x1, a01);
            a02 = w0.fma(x2, a02);
            a03 = w0.fma(x3, a03);
            FloatVector w1 = FloatVector.fromArray(F, wr, c1 + i);
            a10 = w1.fma(x0, a10);
            a11 = w1.fma(x1, a11);
            a12 = w1.fma(x2, a12);
            a13 = w1.fma(x3, a13);
            FloatVector w2 = FloatVector.fromArray(F, wr, c2 + i);
            a20 = w2.fma(x0, a20);
            a21 = w2.fma(x1, a21);
            a22 = w2.fma(x2, a22);
            a23 = w2.fma(x3, a23);
            FloatVector w3 = FloatVector.fromArray(F, wr, c3 + i);
            a30 = w3.fma(x0, a30);
            a31 = w3.fma(x1, a31);
            a32 = w3.fma(x2, a32);
            a33 = w3.fma(x3, a33);
        }
        a00.intoArray(acc, 0);
        a01.intoArray(acc, L);
        a02.intoArray(acc, 2 * L);
        a03.intoArray(acc, 3 * L);
        a10.intoArray(acc, 4 * L);
        a11.intoArray(acc, 5 * L);
        a12.intoArray(acc, 6 * L);
        a13.intoArray(acc, 7 * L);
        a20.intoArray(acc, 8 * L);
        a21.intoArray(acc, 9 * L);
        a22.intoArray(acc, 10 * L);
        a23.intoArray(acc, 11 * L);
        a30.intoArray(acc, 12 * L);
        a31.intoArray(acc, 13 * L);
        a32.intoArray(acc, 14 * L);
        a33.intoArray(acc, 15 * L);
    }

    /** The lane sum ({@link Lanes#FOLDS}) of the L floats at acc[at..]. */
    private static float sumAt(float[] acc, int at) {
        FloatVector total = FloatVector.fromArray(F, acc, at);
        for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum, written out (see Lanes.FOLDS)
            total = total.add(total.rearrange(fold));
        }
        return total.lane(0);
    }

    /** {@link #dot} of a row already widened into wr[at..] with one activation. */
    private static float widenedDot(float[] wr, int at, float[] v, int cols) {
        int full = cols - cols % L;
        FloatVector a = FloatVector.zero(F);
        for (int i = 0; i < full; i += L) {
            a = FloatVector.fromArray(F, wr, at + i).fma(FloatVector.fromArray(F, v, i), a);
        }
        for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum, written out (see Lanes.FOLDS)
            a = a.add(a.rearrange(fold));
        }
        float sum = a.lane(0);
        for (int i = full; i < cols; i++) {
            sum += wr[at + i] * v[i];
        }
        return sum;
    }

    /** The row at offset widened to floats into dst[at..at + cols): exact, infinities and NaNs included. */
    private static void widen(MemorySegment w, long offset, int cols, float[] dst, int at) {
        int full = cols - cols % L;
        IntVector mag = IntVector.zero(I);
        for (int i = 0; i < full; i += L) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S, w, offset + 2L * i, LE).convertShape(VectorOperators.S2I, I, 0);
            mag = h.and(0x7FFF).max(mag);
            h.lanewise(VectorOperators.LSHL, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1.0p112f).intoArray(dst, at + i);
        }
        if (mag.reduceLanes(VectorOperators.MAX) >= 0x7C00) { // an infinity or NaN in the row
            for (int i = 0; i < full; i += L) {
                Lanes.f16(w, offset + 2L * i).intoArray(dst, at + i);
            }
        }
        for (int i = full; i < cols; i++) {
            dst[at + i] = Float.float16ToFloat(w.get(Numbers.LE_SHORT, offset + 2L * i));
        }
    }
}

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
import jllm.kernel.scalar.Numbers;
import jllm.kernel.scalar.ScaledBlocks;

/**
 * Q8_0 rows with Q8_0 activations. Each weight block is widened to floats and multiplied by its scale
 * ({@code d_w * q}, exact), then multiplied with the activation's {@code d_x * q} values (also exact)
 * and accumulated: ggml's sum up to the order of rounding. The first and second half of every block
 * go to two accumulators.
 *
 * <p>{@link #dotRows} does the same for two weight rows and four activations with each weight block
 * widened and scaled once and each activation vector loaded once: every pair of row and activation
 * keeps its own accumulators and sees exactly the operations {@link #dot} performs, so the results are
 * bit-identical to it, and a batched decode step costs far less than four single ones. (A row left
 * without a partner, rare with real matrix shapes, takes the plain dots.)
 */
final class Q8_0Dot extends SpanDot implements ScaledBlocks {

    Q8_0Dot() {
        super(2 * L, 32); // the accumulators: two with 16 lanes, else one
    }

    @Override
    public void dotSpan(MemorySegment w, long offset, Activation x, int from, int to, float[] state, int at) {
        float[] xs = x.scaled;
        if (L != 16) {
            FloatVector acc = from == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, state, at);
            for (int b = from; b < to; b++) {
                long p = offset + 34L * b;
                FloatVector dw = FloatVector.broadcast(F, Float.float16ToFloat(w.get(Numbers.LE_SHORT, p)));
                for (int j = 0; j < 32; j += L) {
                    acc = Lanes.bytes(w, p + 2 + j).mul(dw).fma(FloatVector.fromArray(F, xs, 32 * b + j), acc);
                }
            }
            acc.intoArray(state, at);
            return;
        }
        FloatVector sa = FloatVector.zero(F), sb = sa;
        if (from > 0) {
            sa = FloatVector.fromArray(F, state, at);
            sb = FloatVector.fromArray(F, state, at + L);
        }
        for (int b = from; b < to; b++) {
            long p = offset + 34L * b;
            FloatVector dw = FloatVector.broadcast(F, Float.float16ToFloat(w.get(Numbers.LE_SHORT, p)));
            FloatVector wa = ((FloatVector) ByteVector.fromMemorySegment(B, w, p + 2, LE).convertShape(VectorOperators.B2F, F, 0)).mul(dw);
            FloatVector wb = ((FloatVector) ByteVector.fromMemorySegment(B, w, p + 18, LE).convertShape(VectorOperators.B2F, F, 0)).mul(dw);
            sa = wa.fma(FloatVector.fromArray(F, xs, 32 * b), sa);
            sb = wb.fma(FloatVector.fromArray(F, xs, 32 * b + 16), sb);
        }
        sa.intoArray(state, at);
        sb.intoArray(state, at + L);
    }

    @Override
    public float spanResult(MemorySegment w, long offset, Activation x, int cols, float[] state, int at) {
        FloatVector total = FloatVector.fromArray(F, state, at);
        if (L == 16) {
            total = total.add(FloatVector.fromArray(F, state, at + L));
        }
        for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum, written out (see Lanes.FOLDS)
            total = total.add(total.rearrange(fold));
        }
        return total.lane(0);
    }

    /**
     * Four rows at a time with one activation: each activation vector is loaded once for the four. A
     * long row's activation (ffn_down: 8192 floats, 32 KB) does not stay in L1 beside the weights
     * streaming in, and reading it from L2 for every row held that matrix to ~16 GB/s against ~27 for
     * the others. Per row the operations are those of {@link #dot}. Shorter rows, whose activation stays
     * in L1, ran slower this way (17-18 GB/s against 24-27 for the single-row dot), so they keep it.
     */
    @Override
    public void dotRows(MemorySegment w, long offset, long rowBytes, int count, Activation x, int cols, float[] out,
                        int outOffset) {
        int k = 0;
        for (; k + 4 <= count && L == 16 && cols >= Lanes.LONG_ROW; k += 4) {
            dotSideBySide(w, offset + k * rowBytes, rowBytes, x, cols, out, outOffset + k, 1);
        }
        super.dotRows(w, offset + k * rowBytes, rowBytes, count - k, x, cols, out, outOffset + k);
    }

    @Override
    public int runsSideBySide() {
        return L == 16 ? 4 : 1;
    }


    /**
     * Rows at offset + r * rowBytes, r in [0, 4), with one activation, into out[at + r * outStride]: four
     * adjacent rows, or four runs far apart.
     */
    @Override
    public void dotSideBySide(MemorySegment w, long offset, long rowBytes, Activation x, int cols, float[] out, int at,
                              int outStride) {
        float[] xs = x.scaled;
        FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
        int blocks = cols / 32;
        long o1 = offset + rowBytes, o2 = o1 + rowBytes, o3 = o2 + rowBytes;
        for (int blk = 0; blk < blocks; blk++) {
            long q = 34L * blk;
            FloatVector xa = FloatVector.fromArray(F, xs, 32 * blk);
            FloatVector xb = FloatVector.fromArray(F, xs, 32 * blk + 16);
            FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(w.get(Numbers.LE_SHORT, offset + q)));
            a0 = ((FloatVector) ByteVector.fromMemorySegment(B, w, offset + q + 2, LE).convertShape(VectorOperators.B2F, F, 0)).mul(d).fma(xa, a0);
            b0 = ((FloatVector) ByteVector.fromMemorySegment(B, w, offset + q + 18, LE).convertShape(VectorOperators.B2F, F, 0)).mul(d).fma(xb, b0);
            d = FloatVector.broadcast(F, Float.float16ToFloat(w.get(Numbers.LE_SHORT, o1 + q)));
            a1 = ((FloatVector) ByteVector.fromMemorySegment(B, w, o1 + q + 2, LE).convertShape(VectorOperators.B2F, F, 0)).mul(d).fma(xa, a1);
            b1 = ((FloatVector) ByteVector.fromMemorySegment(B, w, o1 + q + 18, LE).convertShape(VectorOperators.B2F, F, 0)).mul(d).fma(xb, b1);
            d = FloatVector.broadcast(F, Float.float16ToFloat(w.get(Numbers.LE_SHORT, o2 + q)));
            a2 = ((FloatVector) ByteVector.fromMemorySegment(B, w, o2 + q + 2, LE).convertShape(VectorOperators.B2F, F, 0)).mul(d).fma(xa, a2);
            b2 = ((FloatVector) ByteVector.fromMemorySegment(B, w, o2 + q + 18, LE).convertShape(VectorOperators.B2F, F, 0)).mul(d).fma(xb, b2);
            d = FloatVector.broadcast(F, Float.float16ToFloat(w.get(Numbers.LE_SHORT, o3 + q)));
            a3 = ((FloatVector) ByteVector.fromMemorySegment(B, w, o3 + q + 2, LE).convertShape(VectorOperators.B2F, F, 0)).mul(d).fma(xa, a3);
            b3 = ((FloatVector) ByteVector.fromMemorySegment(B, w, o3 + q + 18, LE).convertShape(VectorOperators.B2F, F, 0)).mul(d).fma(xb, b3);
        }
        FloatVector v0 = a0.add(b0), v1 = a1.add(b1), v2 = a2.add(b2), v3 = a3.add(b3);
        for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum of each, written out (see Lanes.FOLDS)
            v0 = v0.add(v0.rearrange(fold));
            v1 = v1.add(v1.rearrange(fold));
            v2 = v2.add(v2.rearrange(fold));
            v3 = v3.add(v3.rearrange(fold));
        }
        out[at] = v0.lane(0);
        out[at + outStride] = v1.lane(0);
        out[at + 2 * outStride] = v2.lane(0);
        out[at + 3 * outStride] = v3.lane(0);
    }

    /**
     * Pairs of weight rows with groups of four activations: each activation vector is loaded once for
     * both rows (four activations alone would spend more time loading activations than decoding
     * weights). Per row and activation the operations are those of {@link #dot}.
     */
    @Override
    public void dotRows(MemorySegment w, long offset, long rowBytes, int count, Activation[] xs, int n, int cols,
                        float[] out, int outOffset, int outStride, float[] scratch) {
        if (L != 16 || n < 4) {
            super.dotRows(w, offset, rowBytes, count, xs, n, cols, out, outOffset, outStride, scratch);
            return;
        }
        float[] two = new float[8]; // the first row's four results, then the second's
        int k = 0;
        for (; k + 2 <= count; k += 2) {
            long o = offset + k * rowBytes;
            int i = 0;
            for (; i + 4 <= n; i += 4) {
                dot2x4(w, o, rowBytes, xs[i], xs[i + 1], xs[i + 2], xs[i + 3], cols, two);
                for (int j = 0; j < 4; j++) {
                    out[outOffset + k + (i + j) * outStride] = two[j];
                    out[outOffset + k + 1 + (i + j) * outStride] = two[4 + j];
                }
            }
            for (; i < n; i++) {
                out[outOffset + k + i * outStride] = dot(w, o, xs[i], cols);
                out[outOffset + k + 1 + i * outStride] = dot(w, o + rowBytes, xs[i], cols);
            }
        }
        if (k < count) {
            dotMany(w, offset + k * rowBytes, xs, n, cols, out, outOffset + k, outStride, scratch);
        }
    }

    /** Rows at offset and offset + rowBytes with four activations: out[0..3] for the first, out[4..7]. */
    private static void dot2x4(MemorySegment w, long offset, long rowBytes, Activation x0, Activation x1, Activation x2,
                               Activation x3, int cols, float[] out) {
        float[] y0 = x0.scaled, y1 = x1.scaled, y2 = x2.scaled, y3 = x3.scaled;
        FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
        FloatVector c0 = a0, d0 = a0, c1 = a0, d1 = a0, c2 = a0, d2 = a0, c3 = a0, d3 = a0;
        int blocks = cols / 32;
        for (int b = 0; b < blocks; b++) {
            long p = offset + 34L * b;
            long q = p + rowBytes;
            FloatVector dw = FloatVector.broadcast(F, Float.float16ToFloat(w.get(Numbers.LE_SHORT, p)));
            FloatVector wa = ((FloatVector) ByteVector.fromMemorySegment(B, w, p + 2, LE).convertShape(VectorOperators.B2F, F, 0)).mul(dw);
            FloatVector wb = ((FloatVector) ByteVector.fromMemorySegment(B, w, p + 18, LE).convertShape(VectorOperators.B2F, F, 0)).mul(dw);
            FloatVector dv = FloatVector.broadcast(F, Float.float16ToFloat(w.get(Numbers.LE_SHORT, q)));
            FloatVector va = ((FloatVector) ByteVector.fromMemorySegment(B, w, q + 2, LE).convertShape(VectorOperators.B2F, F, 0)).mul(dv);
            FloatVector vb = ((FloatVector) ByteVector.fromMemorySegment(B, w, q + 18, LE).convertShape(VectorOperators.B2F, F, 0)).mul(dv);
            int xi = 32 * b;
            FloatVector x = FloatVector.fromArray(F, y0, xi);
            a0 = wa.fma(x, a0);
            c0 = va.fma(x, c0);
            x = FloatVector.fromArray(F, y0, xi + 16);
            b0 = wb.fma(x, b0);
            d0 = vb.fma(x, d0);
            x = FloatVector.fromArray(F, y1, xi);
            a1 = wa.fma(x, a1);
            c1 = va.fma(x, c1);
            x = FloatVector.fromArray(F, y1, xi + 16);
            b1 = wb.fma(x, b1);
            d1 = vb.fma(x, d1);
            x = FloatVector.fromArray(F, y2, xi);
            a2 = wa.fma(x, a2);
            c2 = va.fma(x, c2);
            x = FloatVector.fromArray(F, y2, xi + 16);
            b2 = wb.fma(x, b2);
            d2 = vb.fma(x, d2);
            x = FloatVector.fromArray(F, y3, xi);
            a3 = wa.fma(x, a3);
            c3 = va.fma(x, c3);
            x = FloatVector.fromArray(F, y3, xi + 16);
            b3 = wb.fma(x, b3);
            d3 = vb.fma(x, d3);
        }
        FloatVector v0 = a0.add(b0), v1 = a1.add(b1), v2 = a2.add(b2), v3 = a3.add(b3);
        FloatVector u0 = c0.add(d0), u1 = c1.add(d1), u2 = c2.add(d2), u3 = c3.add(d3);
        for (VectorShuffle<Float> fold : Lanes.FOLDS) {
            v0 = v0.add(v0.rearrange(fold));
            v1 = v1.add(v1.rearrange(fold));
            v2 = v2.add(v2.rearrange(fold));
            v3 = v3.add(v3.rearrange(fold));
            u0 = u0.add(u0.rearrange(fold));
            u1 = u1.add(u1.rearrange(fold));
            u2 = u2.add(u2.rearrange(fold));
            u3 = u3.add(u3.rearrange(fold));
        }
        out[0] = v0.lane(0);
        out[1] = v1.lane(0);
        out[2] = v2.lane(0);
        out[3] = v3.lane(0);
        out[4] = u0.lane(0);
        out[5] = u1.lane(0);
        out[6] = u2.lane(0);
        out[7] = u3.lane(0);
    }

    @Override
    public float quantsBlock(float[] dst, int dstOffset, MemorySegment src, long offset) {
        for (int j = 0; j < 32; j += L) { // Lanes.bytes written out: a vector returned from a call C2 does not inline is boxed
            ((FloatVector) ByteVector.fromMemorySegment(B, src, offset + 2 + j, LE).convertShape(VectorOperators.B2F, F, 0)).intoArray(dst, dstOffset + j);
        }
        return Float.float16ToFloat(src.get(Numbers.LE_SHORT, offset));
    }
}

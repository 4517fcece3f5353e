package jllm.kernel.vector;

import static jllm.kernel.vector.Lanes.F;
import static jllm.kernel.vector.Lanes.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jllm.kernel.scalar.DenseOps;
import jllm.kernel.scalar.Exp;

/**
 * The Vector API {@link DenseOps}: register tiles of 4 or 8 rows by 2 vectors of c (8 or 16
 * accumulators), each step broadcasting one value of a per row (at any strides, so a transposed a costs
 * nothing; or side by side for a packed a) and loading one row segment of b. Columns that do not fill a
 * vector are done with a lane mask; each lane computes exactly the reference's fma chain.
 */
public final class VectorDenseOps implements DenseOps {

    @Override
    public void multiply(float[] c, int cOff, float[] a, int aOff, int aRowStride, int aColStride, float[] b, int bOff,
                         int m, int k, int n, boolean accumulate) {
        int i = 0;
        if (n % (2 * L) == 0) {
            for (; i + 8 <= m; i += 8) {
                rows8(c, cOff + i * n, a, aOff + i * aRowStride, aRowStride, aColStride, b, bOff, k, n, accumulate);
            }
        }
        for (; i + 4 <= m; i += 4) {
            rows4(c, cOff + i * n, a, aOff + i * aRowStride, aRowStride, aColStride, b, bOff, k, n, accumulate);
        }
        for (; i < m; i++) {
            row1(c, cOff + i * n, a, aOff + i * aRowStride, aColStride, b, bOff, k, n, accumulate);
        }
    }

    /**
     * Eight rows of c at c[co] by two vectors at a time (n a multiple of 2L): sixteen accumulators, two
     * loads of b and eight broadcasts of a per step. Each element is the same fma chain as in {@link #rows4}.
     */
    private static void rows8(float[] c, int co, float[] a, int ao, int rs, int cs, float[] b, int bo, int k, int n,
                              boolean acc) {
        for (int j = 0; j < n; j += 2 * L) {
            FloatVector c00 = load(c, co + 0 * n + j, acc), c01 = load(c, co + 0 * n + j + L, acc);
            FloatVector c10 = load(c, co + 1 * n + j, acc), c11 = load(c, co + 1 * n + j + L, acc);
            FloatVector c20 = load(c, co + 2 * n + j, acc), c21 = load(c, co + 2 * n + j + L, acc);
            FloatVector c30 = load(c, co + 3 * n + j, acc), c31 = load(c, co + 3 * n + j + L, acc);
            FloatVector c40 = load(c, co + 4 * n + j, acc), c41 = load(c, co + 4 * n + j + L, acc);
            FloatVector c50 = load(c, co + 5 * n + j, acc), c51 = load(c, co + 5 * n + j + L, acc);
            FloatVector c60 = load(c, co + 6 * n + j, acc), c61 = load(c, co + 6 * n + j + L, acc);
            FloatVector c70 = load(c, co + 7 * n + j, acc), c71 = load(c, co + 7 * n + j + L, acc);
            for (int p = 0; p < k; p++) {
                FloatVector b0 = FloatVector.fromArray(F, b, bo + p * n + j);
                FloatVector b1 = FloatVector.fromArray(F, b, bo + p * n + j + L);
                int ap = ao + p * cs;
                FloatVector x0 = FloatVector.broadcast(F, a[ap]);
                c00 = x0.fma(b0, c00);
                c01 = x0.fma(b1, c01);
                FloatVector x1 = FloatVector.broadcast(F, a[ap + 1 * rs]);
                c10 = x1.fma(b0, c10);
                c11 = x1.fma(b1, c11);
                FloatVector x2 = FloatVector.broadcast(F, a[ap + 2 * rs]);
                c20 = x2.fma(b0, c20);
                c21 = x2.fma(b1, c21);
                FloatVector x3 = FloatVector.broadcast(F, a[ap + 3 * rs]);
                c30 = x3.fma(b0, c30);
                c31 = x3.fma(b1, c31);
                FloatVector x4 = FloatVector.broadcast(F, a[ap + 4 * rs]);
                c40 = x4.fma(b0, c40);
                c41 = x4.fma(b1, c41);
                FloatVector x5 = FloatVector.broadcast(F, a[ap + 5 * rs]);
                c50 = x5.fma(b0, c50);
                c51 = x5.fma(b1, c51);
                FloatVector x6 = FloatVector.broadcast(F, a[ap + 6 * rs]);
                c60 = x6.fma(b0, c60);
                c61 = x6.fma(b1, c61);
                FloatVector x7 = FloatVector.broadcast(F, a[ap + 7 * rs]);
                c70 = x7.fma(b0, c70);
                c71 = x7.fma(b1, c71);
            }
            c00.intoArray(c, co + 0 * n + j);
            c01.intoArray(c, co + 0 * n + j + L);
            c10.intoArray(c, co + 1 * n + j);
            c11.intoArray(c, co + 1 * n + j + L);
            c20.intoArray(c, co + 2 * n + j);
            c21.intoArray(c, co + 2 * n + j + L);
            c30.intoArray(c, co + 3 * n + j);
            c31.intoArray(c, co + 3 * n + j + L);
            c40.intoArray(c, co + 4 * n + j);
            c41.intoArray(c, co + 4 * n + j + L);
            c50.intoArray(c, co + 5 * n + j);
            c51.intoArray(c, co + 5 * n + j + L);
            c60.intoArray(c, co + 6 * n + j);
            c61.intoArray(c, co + 6 * n + j + L);
            c70.intoArray(c, co + 7 * n + j);
            c71.intoArray(c, co + 7 * n + j + L);
        }
    }

    /** Four rows of c starting at c[co], from four rows of a at a[ao]. */
    private static void rows4(float[] c, int co, float[] a, int ao, int rs, int cs, float[] b, int bo, int k, int n,
                              boolean acc) {
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            FloatVector c00 = load(c, co + j, acc), c01 = load(c, co + j + L, acc);
            FloatVector c10 = load(c, co + n + j, acc), c11 = load(c, co + n + j + L, acc);
            FloatVector c20 = load(c, co + 2 * n + j, acc), c21 = load(c, co + 2 * n + j + L, acc);
            FloatVector c30 = load(c, co + 3 * n + j, acc), c31 = load(c, co + 3 * n + j + L, acc);
            for (int p = 0; p < k; p++) {
                FloatVector b0 = FloatVector.fromArray(F, b, bo + p * n + j);
                FloatVector b1 = FloatVector.fromArray(F, b, bo + p * n + j + L);
                int ap = ao + p * cs;
                FloatVector a0 = FloatVector.broadcast(F, a[ap]);
                FloatVector a1 = FloatVector.broadcast(F, a[ap + rs]);
                FloatVector a2 = FloatVector.broadcast(F, a[ap + 2 * rs]);
                FloatVector a3 = FloatVector.broadcast(F, a[ap + 3 * rs]);
                c00 = a0.fma(b0, c00);
                c01 = a0.fma(b1, c01);
                c10 = a1.fma(b0, c10);
                c11 = a1.fma(b1, c11);
                c20 = a2.fma(b0, c20);
                c21 = a2.fma(b1, c21);
                c30 = a3.fma(b0, c30);
                c31 = a3.fma(b1, c31);
            }
            c00.intoArray(c, co + j);
            c01.intoArray(c, co + j + L);
            c10.intoArray(c, co + n + j);
            c11.intoArray(c, co + n + j + L);
            c20.intoArray(c, co + 2 * n + j);
            c21.intoArray(c, co + 2 * n + j + L);
            c30.intoArray(c, co + 3 * n + j);
            c31.intoArray(c, co + 3 * n + j + L);
        }
        if (j < n) {
            rows4Tail(c, co, a, ao, rs, cs, b, bo, k, n, acc, j);
        }
    }

    /**
     * The columns of {@link #rows4} from j on: the last one or two column vectors, the final one masked
     * when n is not a multiple of L. Apart so that rows4 stays small: C1 gave up on the joined method
     * ("out of virtual registers"), and a prompt's GEMM then ran in unoptimized code for minutes.
     */
    private static void rows4Tail(float[] c, int co, float[] a, int ao, int rs, int cs, float[] b, int bo, int k, int n,
                                  boolean acc, int from) {
        for (int j = from; j < n; j += L) {
            VectorMask<Float> mask = F.indexInRange(j, n);
            FloatVector c0 = load(c, co + j, mask, acc);
            FloatVector c1 = load(c, co + n + j, mask, acc);
            FloatVector c2 = load(c, co + 2 * n + j, mask, acc);
            FloatVector c3 = load(c, co + 3 * n + j, mask, acc);
            for (int p = 0; p < k; p++) {
                FloatVector b0 = FloatVector.fromArray(F, b, bo + p * n + j, mask);
                int ap = ao + p * cs;
                c0 = FloatVector.broadcast(F, a[ap]).fma(b0, c0);
                c1 = FloatVector.broadcast(F, a[ap + rs]).fma(b0, c1);
                c2 = FloatVector.broadcast(F, a[ap + 2 * rs]).fma(b0, c2);
                c3 = FloatVector.broadcast(F, a[ap + 3 * rs]).fma(b0, c3);
            }
            c0.intoArray(c, co + j, mask);
            c1.intoArray(c, co + n + j, mask);
            c2.intoArray(c, co + 2 * n + j, mask);
            c3.intoArray(c, co + 3 * n + j, mask);
        }
    }

    /** One row of c at c[co] from one row of a at a[ao]. */
    private static void row1(float[] c, int co, float[] a, int ao, int cs, float[] b, int bo, int k, int n, boolean acc) {
        for (int j = 0; j < n; j += L) {
            VectorMask<Float> mask = F.indexInRange(j, n);
            FloatVector c0 = load(c, co + j, mask, acc);
            for (int p = 0; p < k; p++) {
                c0 = FloatVector.broadcast(F, a[ao + p * cs]).fma(FloatVector.fromArray(F, b, bo + p * n + j, mask), c0);
            }
            c0.intoArray(c, co + j, mask);
        }
    }

    @Override
    public void multiplyPacked(float[] c, float[] a, float[] b, int bOff, int m, int k, int n, boolean accumulate) {
        DenseOps.checkPacked(m, k);
        if (n % (2 * L) != 0 || PACK_ROWS != 8 || PACK_COLS != 32) {
            DenseOps.REFERENCE.multiplyPacked(c, a, b, bOff, m, k, n, accumulate);
            return;
        }
        for (int i = 0; i < m; i += 8) {
            for (int j = 0; j < n; j += 2 * L) {
                packed8(c, i * n + j, a, i * k, b, bOff + j, k, n, accumulate);
            }
        }
    }

    /**
     * A group of eight packed rows of a by two vectors of c at c[co]: sixteen accumulators, two loads of
     * b and eight broadcasts of a per step, a's eight values 32 floats apart within a 32-column chunk.
     * The same fma chain per element as the reference.
     */
    private static void packed8(float[] c, int co, float[] a, int ao, float[] b, int bo, int k, int n, boolean acc) {
        FloatVector c00 = load(c, co, acc), c01 = load(c, co + L, acc);
        FloatVector c10 = load(c, co + n, acc), c11 = load(c, co + n + L, acc);
        FloatVector c20 = load(c, co + 2 * n, acc), c21 = load(c, co + 2 * n + L, acc);
        FloatVector c30 = load(c, co + 3 * n, acc), c31 = load(c, co + 3 * n + L, acc);
        FloatVector c40 = load(c, co + 4 * n, acc), c41 = load(c, co + 4 * n + L, acc);
        FloatVector c50 = load(c, co + 5 * n, acc), c51 = load(c, co + 5 * n + L, acc);
        FloatVector c60 = load(c, co + 6 * n, acc), c61 = load(c, co + 6 * n + L, acc);
        FloatVector c70 = load(c, co + 7 * n, acc), c71 = load(c, co + 7 * n + L, acc);
        for (int chunk = 0; chunk < k; chunk += 32) {
            for (int p = chunk; p < chunk + 32; p++) {
                FloatVector b0 = FloatVector.fromArray(F, b, bo + p * n);
                FloatVector b1 = FloatVector.fromArray(F, b, bo + p * n + L);
                int q = ao + chunk * 7 + p; // chunk * 8 + (p - chunk)
                FloatVector x = FloatVector.broadcast(F, a[q]);
                c00 = x.fma(b0, c00);
                c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(F, a[q + 32]);
                c10 = x.fma(b0, c10);
                c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(F, a[q + 64]);
                c20 = x.fma(b0, c20);
                c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(F, a[q + 96]);
                c30 = x.fma(b0, c30);
                c31 = x.fma(b1, c31);
                x = FloatVector.broadcast(F, a[q + 128]);
                c40 = x.fma(b0, c40);
                c41 = x.fma(b1, c41);
                x = FloatVector.broadcast(F, a[q + 160]);
                c50 = x.fma(b0, c50);
                c51 = x.fma(b1, c51);
                x = FloatVector.broadcast(F, a[q + 192]);
                c60 = x.fma(b0, c60);
                c61 = x.fma(b1, c61);
                x = FloatVector.broadcast(F, a[q + 224]);
                c70 = x.fma(b0, c70);
                c71 = x.fma(b1, c71);
            }
        }
        c00.intoArray(c, co);
        c01.intoArray(c, co + L);
        c10.intoArray(c, co + n);
        c11.intoArray(c, co + n + L);
        c20.intoArray(c, co + 2 * n);
        c21.intoArray(c, co + 2 * n + L);
        c30.intoArray(c, co + 3 * n);
        c31.intoArray(c, co + 3 * n + L);
        c40.intoArray(c, co + 4 * n);
        c41.intoArray(c, co + 4 * n + L);
        c50.intoArray(c, co + 5 * n);
        c51.intoArray(c, co + 5 * n + L);
        c60.intoArray(c, co + 6 * n);
        c61.intoArray(c, co + 6 * n + L);
        c70.intoArray(c, co + 7 * n);
        c71.intoArray(c, co + 7 * n + L);
    }

    @Override
    public void multiplyBlockScaled(float[] c, float[] a, float[] aScale, float[] b, int bOff, float[] bScale, int bScaleOff,
                                    int m, int k, int n, boolean accumulate) {
        DenseOps.checkPacked(m, k);
        if (n % (2 * L) != 0 || PACK_ROWS != 8 || PACK_COLS != 32) {
            DenseOps.REFERENCE.multiplyBlockScaled(c, a, aScale, b, bOff, bScale, bScaleOff, m, k, n, accumulate);
            return;
        }
        for (int i = 0; i < m; i += 8) {
            for (int j = 0; j < n; j += 2 * L) {
                packed8BlockScaled(c, a, aScale, b, bOff, bScale, bScaleOff, k, n, accumulate, i, j);
            }
        }
    }

    /**
     * Eight packed rows by two vectors of c (i, j) for {@link #multiplyBlockScaled}: sixteen block sums
     * in registers, each block's scaled sums added to c in memory (sixteen more accumulators would not
     * fit in the registers). a's eight values of a step are 32 floats apart in their chunk.
     */
    private static void packed8BlockScaled(float[] c, float[] a, float[] aScale, float[] b, int bOff, float[] bScale,
                                           int bScaleOff, int k, int n, boolean accumulate, int i, int j) {
        int blocks = k / 32;
        int co = i * n + j;
        if (!accumulate) {
            for (int r = 0; r < 8; r++) {
                FloatVector.zero(F).intoArray(c, co + r * n);
                FloatVector.zero(F).intoArray(c, co + r * n + L);
            }
        }
        for (int q = 0; q < blocks; q++) {
            FloatVector s00 = FloatVector.zero(F), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
            FloatVector s40 = s00, s41 = s00, s50 = s00, s51 = s00, s60 = s00, s61 = s00, s70 = s00, s71 = s00;
            int ao = i * k + q * 256; // the group's chunk q: eight rows of 32
            // two steps per pass: C2 schedules the unrolled pair about 7% faster (87-88 -> 93-95 GFLOP/s
            // per core, m 64, k 512, n 128); each sum still adds its terms in ascending p
            for (int p = 0; p < 32; p += 2) {
                int bo = bOff + (q * 32 + p) * n + j;
                FloatVector b0 = FloatVector.fromArray(F, b, bo);
                FloatVector b1 = FloatVector.fromArray(F, b, bo + L);
                FloatVector x = FloatVector.broadcast(F, a[ao + p]);
                s00 = x.fma(b0, s00);
                s01 = x.fma(b1, s01);
                x = FloatVector.broadcast(F, a[ao + 32 + p]);
                s10 = x.fma(b0, s10);
                s11 = x.fma(b1, s11);
                x = FloatVector.broadcast(F, a[ao + 64 + p]);
                s20 = x.fma(b0, s20);
                s21 = x.fma(b1, s21);
                x = FloatVector.broadcast(F, a[ao + 96 + p]);
                s30 = x.fma(b0, s30);
                s31 = x.fma(b1, s31);
                x = FloatVector.broadcast(F, a[ao + 128 + p]);
                s40 = x.fma(b0, s40);
                s41 = x.fma(b1, s41);
                x = FloatVector.broadcast(F, a[ao + 160 + p]);
                s50 = x.fma(b0, s50);
                s51 = x.fma(b1, s51);
                x = FloatVector.broadcast(F, a[ao + 192 + p]);
                s60 = x.fma(b0, s60);
                s61 = x.fma(b1, s61);
                x = FloatVector.broadcast(F, a[ao + 224 + p]);
                s70 = x.fma(b0, s70);
                s71 = x.fma(b1, s71);
                bo += n; // step p + 1
                b0 = FloatVector.fromArray(F, b, bo);
                b1 = FloatVector.fromArray(F, b, bo + L);
                x = FloatVector.broadcast(F, a[ao + p + 1]);
                s00 = x.fma(b0, s00);
                s01 = x.fma(b1, s01);
                x = FloatVector.broadcast(F, a[ao + 32 + p + 1]);
                s10 = x.fma(b0, s10);
                s11 = x.fma(b1, s11);
                x = FloatVector.broadcast(F, a[ao + 64 + p + 1]);
                s20 = x.fma(b0, s20);
                s21 = x.fma(b1, s21);
                x = FloatVector.broadcast(F, a[ao + 96 + p + 1]);
                s30 = x.fma(b0, s30);
                s31 = x.fma(b1, s31);
                x = FloatVector.broadcast(F, a[ao + 128 + p + 1]);
                s40 = x.fma(b0, s40);
                s41 = x.fma(b1, s41);
                x = FloatVector.broadcast(F, a[ao + 160 + p + 1]);
                s50 = x.fma(b0, s50);
                s51 = x.fma(b1, s51);
                x = FloatVector.broadcast(F, a[ao + 192 + p + 1]);
                s60 = x.fma(b0, s60);
                s61 = x.fma(b1, s61);
                x = FloatVector.broadcast(F, a[ao + 224 + p + 1]);
                s70 = x.fma(b0, s70);
                s71 = x.fma(b1, s71);
            }
            FloatVector d0 = FloatVector.fromArray(F, bScale, bScaleOff + q * n + j);
            FloatVector d1 = FloatVector.fromArray(F, bScale, bScaleOff + q * n + j + L);
            int as = i * blocks + q;
            d0.mul(aScale[as]).fma(s00, FloatVector.fromArray(F, c, co)).intoArray(c, co);
            d1.mul(aScale[as]).fma(s01, FloatVector.fromArray(F, c, co + L)).intoArray(c, co + L);
            d0.mul(aScale[as + blocks]).fma(s10, FloatVector.fromArray(F, c, co + n)).intoArray(c, co + n);
            d1.mul(aScale[as + blocks]).fma(s11, FloatVector.fromArray(F, c, co + n + L)).intoArray(c, co + n + L);
            d0.mul(aScale[as + 2 * blocks]).fma(s20, FloatVector.fromArray(F, c, co + 2 * n)).intoArray(c, co + 2 * n);
            d1.mul(aScale[as + 2 * blocks]).fma(s21, FloatVector.fromArray(F, c, co + 2 * n + L)).intoArray(c, co + 2 * n + L);
            d0.mul(aScale[as + 3 * blocks]).fma(s30, FloatVector.fromArray(F, c, co + 3 * n)).intoArray(c, co + 3 * n);
            d1.mul(aScale[as + 3 * blocks]).fma(s31, FloatVector.fromArray(F, c, co + 3 * n + L)).intoArray(c, co + 3 * n + L);
            d0.mul(aScale[as + 4 * blocks]).fma(s40, FloatVector.fromArray(F, c, co + 4 * n)).intoArray(c, co + 4 * n);
            d1.mul(aScale[as + 4 * blocks]).fma(s41, FloatVector.fromArray(F, c, co + 4 * n + L)).intoArray(c, co + 4 * n + L);
            d0.mul(aScale[as + 5 * blocks]).fma(s50, FloatVector.fromArray(F, c, co + 5 * n)).intoArray(c, co + 5 * n);
            d1.mul(aScale[as + 5 * blocks]).fma(s51, FloatVector.fromArray(F, c, co + 5 * n + L)).intoArray(c, co + 5 * n + L);
            d0.mul(aScale[as + 6 * blocks]).fma(s60, FloatVector.fromArray(F, c, co + 6 * n)).intoArray(c, co + 6 * n);
            d1.mul(aScale[as + 6 * blocks]).fma(s61, FloatVector.fromArray(F, c, co + 6 * n + L)).intoArray(c, co + 6 * n + L);
            d0.mul(aScale[as + 7 * blocks]).fma(s70, FloatVector.fromArray(F, c, co + 7 * n)).intoArray(c, co + 7 * n);
            d1.mul(aScale[as + 7 * blocks]).fma(s71, FloatVector.fromArray(F, c, co + 7 * n + L)).intoArray(c, co + 7 * n + L);
        }
    }

    @Override
    public void dots(float[] out, int outOff, float[] q, int qOff, float[] k, int kOff, int stride, int count, int n) {
        int full = n - n % L;
        for (int t = 0; t < count; t++) {
            int row = kOff + t * stride;
            FloatVector acc = FloatVector.zero(F);
            for (int i = 0; i < full; i += L) {
                acc = FloatVector.fromArray(F, q, qOff + i).fma(FloatVector.fromArray(F, k, row + i), acc);
            }
            for (VectorShuffle<Float> fold : Lanes.FOLDS) { // Lanes.sum, written out (see Lanes.FOLDS)
                acc = acc.add(acc.rearrange(fold));
            }
            float dot = acc.lane(0);
            for (int i = full; i < n; i++) {
                dot = Math.fma(q[qOff + i], k[row + i], dot);
            }
            out[outOff + t] = dot;
        }
    }

    @Override
    public void weightedSum(float[] out, int outOff, float[] w, int wOff, float[] v, int vOff, int stride, int count,
                            int n) {
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0;
            for (int t = 0; t < count; t++) {
                FloatVector wt = FloatVector.broadcast(F, w[wOff + t]);
                int row = vOff + t * stride + i;
                a0 = wt.fma(FloatVector.fromArray(F, v, row), a0);
                a1 = wt.fma(FloatVector.fromArray(F, v, row + L), a1);
            }
            a0.intoArray(out, outOff + i);
            a1.intoArray(out, outOff + i + L);
        }
        for (; i + L <= n; i += L) {
            FloatVector a0 = FloatVector.zero(F);
            for (int t = 0; t < count; t++) {
                a0 = FloatVector.broadcast(F, w[wOff + t]).fma(FloatVector.fromArray(F, v, vOff + t * stride + i), a0);
            }
            a0.intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            float acc = 0f;
            for (int t = 0; t < count; t++) {
                acc = Math.fma(w[wOff + t], v[vOff + t * stride + i], acc);
            }
            out[outOff + i] = acc;
        }
    }

    @Override
    public void sigmoid(float[] dst, int dstOff, float[] x, int xOff, int n) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> mask = F.indexInRange(i, n);
            FloatVector e = exp(FloatVector.fromArray(F, x, xOff + i, mask).neg());
            one.div(one.add(e)).intoArray(dst, dstOff + i, mask);
        }
    }

    @Override
    public void exp(float[] dst, int dstOff, float[] x, int xOff, int n) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> mask = F.indexInRange(i, n);
            exp(FloatVector.fromArray(F, x, xOff + i, mask)).intoArray(dst, dstOff + i, mask);
        }
    }

    /** {@link Exp#exp} in every lane, operation for operation (so the same bits). */
    static FloatVector exp(FloatVector x) {
        x = x.max(Exp.MIN).min(Exp.MAX);
        FloatVector n = x.mul(Exp.LOG2E).add(Exp.ROUND).sub(Exp.ROUND);
        FloatVector negN = n.neg();
        FloatVector r = negN.fma(c(Exp.LN2_HI), x);
        r = negN.fma(c(Exp.LN2_LO), r);
        FloatVector p = c(Exp.P0).fma(r, c(Exp.P1));
        p = p.fma(r, c(Exp.P2));
        p = p.fma(r, c(Exp.P3));
        p = p.fma(r, c(Exp.P4));
        p = p.fma(r, c(Exp.P5));
        FloatVector er = p.fma(r.mul(r), r).add(1.0f);
        IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return er.mul(bits.reinterpretAsFloats());
    }

    private static FloatVector c(float v) {
        return FloatVector.broadcast(F, v);
    }

    private static FloatVector load(float[] c, int off, boolean accumulate) {
        return accumulate ? FloatVector.fromArray(F, c, off) : FloatVector.zero(F);
    }

    private static FloatVector load(float[] c, int off, VectorMask<Float> mask, boolean accumulate) {
        return accumulate ? FloatVector.fromArray(F, c, off, mask) : FloatVector.zero(F);
    }

    @Override
    public String toString() {
        return L + " lanes";
    }
}

package jllm.kernel.vector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import jllm.kernel.scalar.DenseOps;
import org.junit.jupiter.api.Test;

/** The Vector API {@link DenseOps} against the plain reference, at awkward sizes and offsets. */
class VectorDenseOpsTest {

    private static final DenseOps REF = DenseOps.REFERENCE;
    private static final DenseOps FAST = new VectorDenseOps();

    private static float[] gaussian(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** a (m, k) row-major, packed as multiplyPacked reads it. */
    private static float[] pack(float[] a, int m, int k) {
        float[] packed = new float[m * k];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                packed[DenseOps.packedIndex(i, p, k)] = a[i * k + p];
            }
        }
        return packed;
    }

    @Test
    void packedLayoutIsRowGroupsCutIntoChunks() {
        // row 9 is row 1 of the second group of 8; column 37 is column 5 of the second chunk of 32
        assertThat(DenseOps.packedIndex(9, 37, 64)).isEqualTo(8 * 64 + 32 * 8 + 1 * 32 + 5);
        int m = 24, k = 96;
        boolean[] seen = new boolean[m * k];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                int at = DenseOps.packedIndex(i, p, k);
                assertThat(seen[at]).as("(%d, %d) shares %d", i, p, at).isFalse();
                seen[at] = true;
            }
        }
    }

    @Test
    void packedProductIsBitIdenticalToTheReference() {
        Random r = new Random(11);
        // n a multiple of two vectors takes the vector tile; the others fall back to the reference
        for (int[] s : new int[][] {{8, 32, 32}, {8, 96, 64}, {64, 512, 128}, {16, 256, 32}, {24, 64, 96},
                {8, 32, 160}, {8, 64, 40}, {16, 32, 8}}) {
            int m = s[0], k = s[1], n = s[2];
            float[] a = gaussian(r, m * k);
            int bOff = 7;
            float[] b = new float[bOff + k * n];
            System.arraycopy(gaussian(r, k * n), 0, b, bOff, k * n);
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] want = gaussian(new Random(m * n), m * n);
                float[] got = want.clone();
                float[] plain = want.clone();
                REF.multiplyPacked(want, pack(a, m, k), b, bOff, m, k, n, accumulate);
                FAST.multiplyPacked(got, pack(a, m, k), b, bOff, m, k, n, accumulate);
                REF.multiply(plain, 0, a, 0, k, 1, b, bOff, m, k, n, accumulate);
                assertThat(got).as("%d x %d x %d, accumulate %s", m, k, n, accumulate).containsExactly(want);
                // the packed layout is only a layout: the same product as the row-major one
                assertThat(want).as("%d x %d x %d, accumulate %s", m, k, n, accumulate).containsExactly(plain);
            }
        }
    }

    /** Small integers, as quants are: sums of their products are exact in float. */
    private static float[] quants(Random r, int n, int range) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(2 * range + 1) - range;
        }
        return v;
    }

    @Test
    void blockScaledProductIsBitIdenticalToTheReference() {
        Random r = new Random(11);
        // n a multiple of two vectors takes the vector tile; the others fall back to the reference
        for (int[] s : new int[][] {{8, 32, 32}, {8, 96, 64}, {64, 512, 128}, {16, 64, 32}, {24, 64, 96},
                {8, 32, 160}, {8, 64, 40}}) {
            int m = s[0], k = s[1], n = s[2];
            float[] a = pack(quants(r, m * k, 15), m, k);
            float[] aScale = gaussian(r, m * (k / 32));
            int bOff = 7, sOff = 3;
            float[] b = new float[bOff + k * n];
            System.arraycopy(quants(r, k * n, 127), 0, b, bOff, k * n);
            float[] bScale = new float[sOff + k / 32 * n];
            System.arraycopy(gaussian(r, k / 32 * n), 0, bScale, sOff, k / 32 * n);
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] want = gaussian(new Random(m * n), m * n);
                float[] got = want.clone();
                REF.multiplyBlockScaled(want, a, aScale, b, bOff, bScale, sOff, m, k, n, accumulate);
                FAST.multiplyBlockScaled(got, a, aScale, b, bOff, bScale, sOff, m, k, n, accumulate);
                assertThat(got).as("%d x %d x %d, accumulate %s", m, k, n, accumulate).containsExactly(want);
            }
        }
    }

    @Test
    void blockScaledReferenceIsScaledBlockSums() {
        // eight rows (one packed group), one column, two blocks of 32; row 0 holds 1 at column 0 and 2 at
        // column 32, the others 0: (aScale 2 * bScale 3) * (1 * 5) + (aScale 0.5 * bScale 4) * (2 * 7)
        int m = 8, k = 64;
        float[] a = new float[m * k];
        a[DenseOps.packedIndex(0, 0, k)] = 1;
        a[DenseOps.packedIndex(0, 32, k)] = 2;
        float[] aScale = new float[m * 2];
        aScale[0] = 2;
        aScale[1] = 0.5f;
        float[] b = new float[k];
        b[0] = 5;
        b[32] = 7;
        float[] c = new float[m];
        DenseOps.REFERENCE.multiplyBlockScaled(c, a, aScale, b, 0, new float[] {3, 4}, 0, m, k, 1, false);
        assertThat(c[0]).isEqualTo(6f * 5 + 2f * 14);
        assertThat(c[1]).isZero();
    }

    @Test
    void packedProductNeedsWholeRowGroups() {
        for (DenseOps ops : new DenseOps[] {REF, FAST}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> ops.multiplyPacked(new float[12 * 32], new float[12 * 32], new float[32 * 32], 0, 12, 32, 32, false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not 12 x 32");
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> ops.multiplyPacked(new float[8 * 32], new float[8 * 40], new float[40 * 32], 0, 8, 40, 32, false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not 8 x 40");
        }
    }

    @Test
    void weightedSumIsBitIdenticalToTheReference() {
        Random r = new Random(12);
        for (int[] s : new int[][] {{1, 64}, {17, 64}, {300, 128}, {5, 37}, {9, 8}}) {
            int count = s[0], n = s[1], stride = n + 11;
            float[] w = gaussian(r, count + 2);
            float[] v = gaussian(r, 5 + count * stride);
            float[] want = new float[n + 3];
            float[] got = new float[n + 3];
            REF.weightedSum(want, 3, w, 2, v, 5, stride, count, n);
            FAST.weightedSum(got, 3, w, 2, v, 5, stride, count, n);
            assertThat(got).as("count %d, n %d", count, n).containsExactly(want);
        }
    }

    @Test
    void dotsAgreeWithTheReferenceWithinRounding() {
        Random r = new Random(13);
        for (int[] s : new int[][] {{1, 64}, {40, 64}, {7, 128}, {3, 37}, {2, 5}}) {
            int count = s[0], n = s[1], stride = n + 3;
            float[] q = gaussian(r, n + 1);
            float[] k = gaussian(r, 2 + count * stride);
            float[] want = new float[count];
            float[] got = new float[count];
            REF.dots(want, 0, q, 1, k, 2, stride, count, n);
            FAST.dots(got, 0, q, 1, k, 2, stride, count, n);
            for (int t = 0; t < count; t++) {
                double exact = 0;
                for (int i = 0; i < n; i++) {
                    exact += (double) q[1 + i] * k[2 + t * stride + i];
                }
                assertThat((double) got[t]).as("count %d, n %d, t %d", count, n, t).isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-5 * n));
                assertThat((double) want[t]).isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-5 * n));
            }
            float[] again = new float[count];
            FAST.dots(again, 0, q, 1, k, 2, stride, count, n);
            assertThat(again).as("the same order every time").containsExactly(got);
        }
    }
}

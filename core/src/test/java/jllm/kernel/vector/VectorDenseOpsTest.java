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
        // m a multiple of 4 and n of two vectors take the vector path (tiles of 8 rows by 2 vectors,
        // then of 4 rows); the others fall back to the reference
        for (int[] s : new int[][] {{4, 32, 32}, {8, 96, 64}, {64, 512, 128}, {8, 64, 32}, {12, 64, 96}, {20, 32, 160},
                {5, 64, 32}, {4, 64, 40}}) {
            int m = s[0], k = s[1], n = s[2];
            float[] a = quants(r, m * k, 15);
            float[] aScale = gaussian(r, m * (k / 32));
            int bOff = 7, sOff = 3;
            float[] b = new float[bOff + k * n];
            System.arraycopy(quants(r, k * n, 127), 0, b, bOff, k * n);
            float[] bScale = new float[sOff + k / 32 * n];
            System.arraycopy(gaussian(r, k / 32 * n), 0, bScale, sOff, k / 32 * n);
            for (boolean accumulate : new boolean[] {false, true}) {
                float[] want = gaussian(new Random(m * n), m * n);
                float[] got = want.clone();
                REF.multiplyBlockScaled(want, a, aScale, b, bOff, bScale, sOff, m, k, n, 32, accumulate);
                FAST.multiplyBlockScaled(got, a, aScale, b, bOff, bScale, sOff, m, k, n, 32, accumulate);
                assertThat(got).as("%d x %d x %d, accumulate %s", m, k, n, accumulate).containsExactly(want);
            }
        }
    }

    @Test
    void blockScaledReferenceIsScaledBlockSums() {
        // one row, one column, two blocks of 2: (2*3) * (1*1 + 2*2) + (0.5*4) * (3*5 + -1*1)
        float[] c = new float[1];
        DenseOps.REFERENCE.multiplyBlockScaled(c, new float[] {1, 2, 3, -1}, new float[] {2, 0.5f},
                new float[] {1, 2, 5, 1}, 0, new float[] {3, 4}, 0, 1, 4, 1, 2, false);
        assertThat(c[0]).isEqualTo(6f * 5 + 2f * 14);
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

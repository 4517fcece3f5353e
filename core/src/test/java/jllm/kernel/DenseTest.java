package jllm.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Reference vs fast for the dense training products: the vector path on 1, 2 and 3 threads must give
 * the scalar reference's bits exactly (both run the same fma chain per output), at awkward sizes
 * (one row, rows not a multiple of 4, columns below, at and above the lane count, k = 1), for every
 * product form, with and without accumulation, and at sub-array offsets.
 */
class DenseTest {
    private static final Dense SCALAR = Dense.scalar();
    private static final Dense[] FAST = {Dense.vector(1), Dense.vector(2), Dense.vector(3)};
    private static final int[][] SIZES = {
            {1, 1, 1}, {1, 7, 5}, {3, 1, 17}, {4, 16, 16}, {5, 9, 33}, {7, 31, 64}, {13, 64, 65}, {64, 128, 344},
            {129, 33, 100}, {200, 64, 65}, {19, 37, 96}, {8, 5, 32}}; // the last two: eight-row tiles (n a multiple of 32)

    @AfterAll
    static void close() {
        SCALAR.close();
        for (Dense d : FAST) {
            d.close();
        }
    }

    @Test
    void everyFormMatchesTheReferenceBitForBit() {
        Random rnd = new Random(42);
        for (int[] s : SIZES) {
            int m = s[0], k = s[1], n = s[2];
            float[] a = random(rnd, m * k);
            float[] b = random(rnd, k * n);
            float[] bt = random(rnd, n * k);
            float[] at = random(rnd, k * m);
            float[] c0 = random(rnd, m * n);
            for (boolean acc : new boolean[]{false, true}) {
                float[] ref1 = c0.clone(), ref2 = c0.clone(), ref3 = c0.clone();
                SCALAR.matmul(ref1, a, b, m, k, n, acc);
                SCALAR.matmulTransposedB(ref2, a, bt, m, k, n, acc);
                SCALAR.matmulTransposedA(ref3, at, b, m, k, n, acc);
                for (Dense d : FAST) {
                    float[] got1 = c0.clone(), got2 = c0.clone(), got3 = c0.clone();
                    d.matmul(got1, a, b, m, k, n, acc);
                    d.matmulTransposedB(got2, a, bt, m, k, n, acc);
                    d.matmulTransposedA(got3, at, b, m, k, n, acc);
                    String what = d.name() + " m=" + m + " k=" + k + " n=" + n + " accumulate=" + acc;
                    assertThat(got1).as("a·b " + what).containsExactly(ref1);
                    assertThat(got2).as("a·bᵀ " + what).containsExactly(ref2);
                    assertThat(got3).as("aᵀ·b " + what).containsExactly(ref3);
                }
            }
        }
    }

    @Test
    void referenceIsTheTextbookProduct() {
        // (2, 3) · (3, 2), small integers: exact in float
        float[] a = {1, 2, 3, 4, 5, 6};
        float[] b = {7, 8, 9, 10, 11, 12};
        float[] c = new float[4];
        SCALAR.matmul(c, a, b, 2, 3, 2, false);
        assertThat(c).containsExactly(58, 64, 139, 154);
        SCALAR.matmul(c, a, b, 2, 3, 2, true);
        assertThat(c).containsExactly(116, 128, 278, 308);
    }

    @Test
    void subArraysAtOffsetsOnThisThread() {
        Random rnd = new Random(7);
        int m = 6, k = 5, n = 19;
        float[] a = random(rnd, 3 + m * k);
        float[] b = random(rnd, 11 + k * n);
        float[] ref = new float[2 + m * n];
        SCALAR.matmulOnThisThread(ref, 2, a, 3, b, 11, m, k, n, false);
        for (Dense d : FAST) {
            float[] got = new float[2 + m * n];
            d.matmulOnThisThread(got, 2, a, 3, b, 11, m, k, n, false);
            assertThat(got).as(d.name()).containsExactly(ref);
        }
        assertThat(ref[0]).isZero();
        assertThat(ref[1]).isZero();
    }

    @Test
    void sigmoidMatchesTheReferenceBitForBit() {
        Random rnd = new Random(3);
        for (int n : new int[]{1, 15, 17, 100_003}) {
            float[] x = random(rnd, n);
            x[0] = n > 1 ? 80f : -80f; // saturates without NaN
            float[] ref = new float[n];
            SCALAR.sigmoid(ref, x, n);
            for (Dense d : FAST) {
                float[] got = new float[n];
                d.sigmoid(got, x, n);
                assertThat(got).as("%s n=%d", d.name(), n).containsExactly(ref);
            }
        }
    }

    @Test
    void expMatchesTheReferenceBitForBitInPlaceAndAtOffsets() {
        Random rnd = new Random(5);
        for (int n : new int[]{1, 15, 16, 17, 64, 1_001}) {
            float[] x = new float[n + 3];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rnd.nextDouble() * 200 - 100); // past both clamps
            }
            float[] ref = new float[n];
            SCALAR.expOnThisThread(ref, 0, x, 3, n);
            for (int i = 0; i < n; i++) {
                assertThat(ref[i]).isEqualTo(jllm.kernel.scalar.Exp.exp(x[3 + i]));
            }
            for (Dense d : FAST) {
                float[] got = x.clone();
                d.expOnThisThread(got, 3, got, 3, n); // in place
                assertThat(java.util.Arrays.copyOfRange(got, 3, 3 + n)).as("%s n=%d", d.name(), n).containsExactly(ref);
                assertThat(java.util.Arrays.copyOf(got, 3)).containsExactly(java.util.Arrays.copyOf(x, 3));
            }
        }
        assertThatThrownBy(() -> SCALAR.expOnThisThread(new float[4], 0, new float[4], 1, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x");
    }

    @Test
    void expIsWithinTwoUlpOfMathExp() {
        Random rnd = new Random(11);
        for (int i = 0; i < 200_000; i++) {
            float x = (float) (rnd.nextDouble() * 175 - 87);
            double exact = Math.exp(x);
            float got = jllm.kernel.scalar.Exp.exp(x);
            assertThat(Math.abs(got - exact)).as("exp(%s)", x).isLessThanOrEqualTo(2 * Math.ulp((float) exact));
        }
        assertThat(jllm.kernel.scalar.Exp.exp(0f)).isEqualTo(1f);
        assertThat(jllm.kernel.scalar.Exp.exp(-1000f)).isPositive();
        assertThat(jllm.kernel.scalar.Exp.exp(1000f)).isFinite();
    }

    @Test
    void sizesThatDoNotFitAreRejected() {
        assertThatThrownBy(() -> FAST[1].matmul(new float[4], new float[6], new float[5], 2, 3, 2, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("b: a (3, 2) matrix");
    }

    private static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }
}

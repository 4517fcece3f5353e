package jllm.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Random;

import jllm.kernel.scalar.Numbers;
import jllm.tensor.GgmlType;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Round trips through every quantizer: Gaussian rows come back within the type's error budget
 * (normalized MSE, about twice what each type measured on these rows: 3.0e-5 Q8_0, 7.6e-3 Q4_0,
 * 6.1e-3 Q4_1, 1.8e-3 Q5_0, 1.4e-3 Q5_1, 8.4e-2 Q2_K, 2.2e-2 Q3_K, 5.0e-3 Q4_K, 1.2e-3 Q5_K, 3.1e-4 Q6_K,
 * 1.3e-2 MXFP4), and awkward blocks (all zero, constant, one spike, tiny and huge magnitudes) decode
 * to finite values, zeros to zeros.
 */
class QuantizerTest {

    private static final Map<GgmlType, Double> BUDGET = Map.ofEntries(
            Map.entry(GgmlType.Q8_0, 6e-5), Map.entry(GgmlType.Q4_0, 1.5e-2), Map.entry(GgmlType.Q4_1, 1.2e-2),
            Map.entry(GgmlType.Q5_0, 4e-3), Map.entry(GgmlType.Q5_1, 3e-3), Map.entry(GgmlType.Q2_K, 1.7e-1),
            Map.entry(GgmlType.Q3_K, 4.5e-2), Map.entry(GgmlType.Q4_K, 1e-2), Map.entry(GgmlType.Q5_K, 2.5e-3),
            Map.entry(GgmlType.Q6_K, 6e-4), Map.entry(GgmlType.MXFP4, 2.7e-2));

    private static Tensor f32(float[] v, int rows) {
        MemorySegment s = MemorySegment.ofArray(new byte[4 * v.length]);
        for (int i = 0; i < v.length; i++) {
            s.set(Numbers.LE_FLOAT, 4L * i, v[i]);
        }
        return new Tensor("t", GgmlType.F32, Shape.matrix(rows, v.length / rows), s);
    }

    private static float[] roundTrip(Tensor t, GgmlType type, Arena arena) {
        return Kernels.scalar().dequantize(Quantizer.convert(t, type, arena));
    }

    @ParameterizedTest
    @EnumSource(names = {"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "MXFP4"})
    void gaussianRowsComeBackWithinTheBudget(GgmlType type) {
        Random random = new Random(5 + type.ordinal());
        float[] v = new float[4 * 512];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        try (Arena arena = Arena.ofConfined()) {
            float[] back = roundTrip(f32(v, 4), type, arena);
            double err = 0;
            double norm = 0;
            for (int i = 0; i < v.length; i++) {
                err += (back[i] - v[i]) * (double) (back[i] - v[i]);
                norm += v[i] * (double) v[i];
            }
            assertThat(err / norm).as(type.toString()).isLessThan(BUDGET.get(type));
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "MXFP4"})
    void awkwardBlocksStayFinite(GgmlType type) {
        int n = 256;
        float[][] rows = new float[6][n];
        java.util.Arrays.fill(rows[1], 0.75f);           // constant
        rows[2][17] = 1000f;                              // one spike among zeros
        for (int i = 0; i < n; i++) {
            rows[3][i] = (i % 7 - 3) * 1e-30f;            // tiny (F16 scales underflow)
            rows[4][i] = (i % 5 - 2) * 3e4f;              // near the F16 range
            rows[5][i] = -1f - i / 256f;                  // all negative
        }
        float[] v = new float[6 * n];
        for (int r = 0; r < 6; r++) {
            System.arraycopy(rows[r], 0, v, r * n, n);
        }
        try (Arena arena = Arena.ofConfined()) {
            float[] back = roundTrip(f32(v, 6), type, arena);
            for (int i = 0; i < back.length; i++) {
                assertThat(Float.isFinite(back[i])).as("%s value %d: %s", type, i, back[i]).isTrue();
            }
            for (int i = 0; i < n; i++) {
                assertThat(back[i]).as("%s: zeros stay zero", type).isZero();
            }
            assertThat(back[2 * n + 17]).as("%s: the spike survives", type).isGreaterThan(500f);
        }
    }

    /**
     * quantize_row_mxfp4_ref on blocks derived by hand, bytes checked against ggml's C function and
     * gguf-py (which agree): exact table points, ties (the lower index wins, so -0 and -0.125 at d = 0.25
     * become +0), a spike, a block below 2^-125 (ggml's exponent wraps to 254 and every value to 0) and
     * zeros. Block bytes: e, then 16 bytes of nibbles (value j low, value j + 16 high).
     */
    @org.junit.jupiter.api.Test
    void mxfp4MatchesGgmlOnHandDerivedBlocks() {
        float[] v = {
                // amax 3: e = floor(log2 3) - 2 + 127 = 126, d = 0.25
                0, 0.25f, 0.5f, 0.75f, 1, 1.5f, 2, 3, -0.25f, -0.5f, -0.75f, -1, -1.5f, -2, -3, -0.0f,
                0.125f, -0.125f, 0.375f, 2.5f, -2.5f, 2.6f, 1.25f, 0.1f, -0.2f, 1.74f, 1.76f, 0.6f, -1.3f, 0.874f, -0.9f, 2.9f,
                // amax 1000: e = 134, d = 64
                1000, 31.9f, 32, 33, -33, 100, -100, 500, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                // amax 1e-38 < 2^-125
                1e-38f, -5e-39f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                // zeros: e = 0
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        String want = "7e" + "00011263e4754607995a6b2cdd3ecf70"
                + "86" + "0700000109020a060000000000000000"
                + "fe" + "00000000000000000000000000000000"
                + "00" + "00000000000000000000000000000000";
        try (Arena arena = Arena.ofConfined()) {
            Tensor q = Quantizer.convert(f32(v, 1), GgmlType.MXFP4, arena);
            assertThat(java.util.HexFormat.of().formatHex(q.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)))
                    .isEqualTo(want);
        }
    }
}

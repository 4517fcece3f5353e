package jllm.kernel.scalar;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Random;
import jllm.tensor.GgmlType;
import jllm.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reference dot products with prepared activations, per type, against float64 arithmetic:
 * first against the dequantized weights times the dequantized activation (only the dot formula and
 * float rounding differ), then against the original activation (the activation quantization error,
 * within a budget that follows from its precision).
 */
class QuantizedDotTest {

    static GgmlType[] types() {
        return RandomTensors.supportedTypes();
    }

    /** Normalized MSE budgets against the dequantized activation. Q4_1/Q5_1: s is rounded to F16. */
    private static final Map<GgmlType, Double> FORMULA_BUDGET = Map.of(GgmlType.Q4_1, 1e-6, GgmlType.Q5_1, 1e-6);

    /**
     * Normalized MSE budgets against the original activation, by activation format. Q8_1 meets weights
     * with a min (an offset shared by the block), which amplifies the activation's rounding.
     */
    private static final Map<ActivationFormat, Double> QUANTIZATION_BUDGET = Map.of(
            ActivationFormat.F32, 1e-12,
            ActivationFormat.F16, 1e-6,
            ActivationFormat.BF16, 5e-5,
            ActivationFormat.Q8_0, 1e-4,
            ActivationFormat.Q8_1, 3e-4,
            ActivationFormat.Q8_K, 1e-4);

    @ParameterizedTest
    @MethodSource("types")
    void dotMatchesFloat64OfDequantizedOperands(GgmlType type) {
        Random random = new Random(type.ordinal() * 31L + 7);
        BlockCodec codec = Codecs.forType(type);
        int rows = 24;
        int cols = 512;
        Tensor w = RandomTensors.tensor(type, rows, cols, random, 3);
        float[] x = RandomTensors.gaussian(cols, random);
        Activation a = codec.activationFormat().quantize(x, 0, cols);
        double[] xq = new double[cols];
        for (int c = 0; c < cols; c++) {
            xq[c] = a.d == null ? a.values[c] : (double) a.values[c] * a.d[c / a.format.blockSize];
        }
        double errFormula = 0;
        double errQuant = 0;
        double norm = 0;
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            long offset = r * w.rowBytes();
            for (int b = 0; b < cols / type.blockSize; b++) {
                codec.dequantizeBlock(row, b * type.blockSize, w.data(), offset + (long) b * type.blockBytes);
            }
            double withQuantized = 0;
            double withOriginal = 0;
            for (int c = 0; c < cols; c++) {
                withQuantized += row[c] * xq[c];
                withOriginal += row[c] * (double) x[c];
            }
            float got = codec.dot(w.data(), offset, a, cols);
            errFormula += (got - withQuantized) * (got - withQuantized);
            errQuant += (got - withOriginal) * (got - withOriginal);
            norm += withOriginal * withOriginal;
        }
        assertThat(errFormula / norm).as("%s dot vs dequantized operands, normalized MSE", type)
                .isLessThan(FORMULA_BUDGET.getOrDefault(type, 1e-10));
        assertThat(errQuant / norm).as("%s dot vs original activation, normalized MSE", type)
                .isLessThan(QUANTIZATION_BUDGET.get(codec.activationFormat()));
    }
}

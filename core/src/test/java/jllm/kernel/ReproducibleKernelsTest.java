package jllm.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import jllm.kernel.scalar.RandomTensors;
import jllm.tensor.GgmlType;
import jllm.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reproducible kernels give the same bits with the scalar and the vector Dense backend on any
 * thread count (what lets a .jz file unzip on another CPU), and compute the same product as the
 * reference kernels up to their activation rounding.
 */
class ReproducibleKernelsTest {

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "Q8_0", "Q4_K"})
    void sameBitsOnEveryBackendAndCloseToTheReference(GgmlType type) {
        Random random = new Random(11);
        int rows = 37;
        int cols = 512;
        int n = 5;
        Tensor w = RandomTensors.tensor(type, rows, cols, random, 0);
        float[] x = RandomTensors.gaussian(n * cols, random);
        float[] want = new float[n * rows];
        try (Dense scalar = Dense.scalar(); Kernels k = Kernels.reproducible(scalar)) {
            k.matmul(want, w, x, n);
            assertThat(k.math()).isSameAs(Transcendentals.STRICT);
        }
        for (int threads : new int[] {1, 2}) {
            float[] got = new float[n * rows];
            try (Dense vector = Dense.vector(threads); Kernels k = Kernels.reproducible(vector)) {
                k.matmul(got, w, x, n);
                // one row alone: the same bits as inside the batch
                float[] one = new float[rows];
                k.matmul(one, w, java.util.Arrays.copyOfRange(x, 2 * cols, 3 * cols), 1);
                assertThat(one).containsExactly(java.util.Arrays.copyOfRange(want, 2 * rows, 3 * rows));
            }
            assertThat(got).as("%s on %d threads", type, threads).containsExactly(want);
        }
        float[] ref = new float[n * rows];
        try (Kernels k = Kernels.scalar()) {
            k.matmul(ref, w, x, n);
        }
        double err = 0;
        double norm = 0;
        for (int i = 0; i < ref.length; i++) {
            err += (want[i] - ref[i]) * (double) (want[i] - ref[i]);
            norm += ref[i] * (double) ref[i];
        }
        // the reference quantizes activations for quantized weights (Q8_0/Q8_K); these kernels do not
        assertThat(err / norm).as("normalized squared error against the reference").isLessThan(type == GgmlType.F32 ? 1e-12 : 1e-4);
    }
}

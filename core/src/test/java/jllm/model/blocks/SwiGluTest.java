package jllm.model.blocks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import jllm.kernel.Kernels;
import org.junit.jupiter.api.Test;

class SwiGluTest {

    /** Spread over two threads in parts, every value is the one the single-threaded loop computes. */
    @Test
    void threadedPartsGiveTheSameValuesAsOneLoop() {
        Random random = new Random(6);
        try (Kernels kernels = Kernels.vector(2)) {
            for (int n : new int[] {1, 31, SwiGlu.PART - 1, SwiGlu.PART, SwiGlu.PART + 1, 3 * SwiGlu.PART + 17, 8192}) {
                float[] gate = new float[n];
                float[] up = new float[n];
                for (int i = 0; i < n; i++) {
                    gate[i] = (float) (random.nextGaussian() * 4);
                    up[i] = (float) random.nextGaussian();
                }
                float[] want = gate.clone();
                SwiGlu.apply(want, up, n);
                float[] got = gate.clone();
                SwiGlu.apply(kernels, got, up, n);
                assertThat(got).as("n = %d", n).containsExactly(want);
                // silu(g) * u against the definition, on one value
                assertThat(want[0]).isCloseTo((float) (gate[0] / (1 + Math.exp(-gate[0])) * up[0]),
                        org.assertj.core.data.Offset.offset(1e-5f * (1 + Math.abs(want[0]))));
            }
        }
    }
}

package jllm.model.blocks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import jllm.kernel.Kernels;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GluTest {

    /** Spread over two threads in parts, every value is the one the single-threaded loop computes. */
    @ParameterizedTest
    @EnumSource(Glu.Activation.class)
    void threadedPartsGiveTheSameValuesAsOneLoop(Glu.Activation act) {
        Random random = new Random(6);
        try (Kernels kernels = Kernels.vector(2)) {
            for (int n : new int[] {1, 31, Glu.PART - 1, Glu.PART, Glu.PART + 1, 3 * Glu.PART + 17, 8192}) {
                float[] gate = new float[n];
                float[] up = new float[n];
                for (int i = 0; i < n; i++) {
                    gate[i] = (float) (random.nextGaussian() * 4);
                    up[i] = (float) random.nextGaussian();
                }
                float[] want = gate.clone();
                Glu.apply(act, want, up, n);
                float[] got = gate.clone();
                Glu.apply(kernels, act, got, up, n);
                assertThat(got).as("n = %d", n).containsExactly(want);
            }
        }
    }

    /** The activations against their definitions in double precision. */
    @Test
    void activationsFollowTheirDefinitions() {
        Random random = new Random(7);
        for (int i = 0; i < 1000; i++) {
            float g = (float) (random.nextGaussian() * 5);
            float u = (float) random.nextGaussian();
            float[] silu = {g};
            Glu.apply(Glu.Activation.SILU, silu, new float[] {u}, 1);
            assertThat(silu[0]).isCloseTo((float) (g / (1 + Math.exp(-g)) * u), Offset.offset(1e-5f * (1 + Math.abs(silu[0]))));
            float[] gelu = {g};
            Glu.apply(Glu.Activation.GELU_TANH, gelu, new float[] {u}, 1);
            double want = 0.5 * g * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (g + 0.044715 * g * g * g))) * u;
            assertThat(gelu[0]).isCloseTo((float) want, Offset.offset(1e-5f * (1 + Math.abs(gelu[0]))));
            // gpt-oss: gate clamped above at 7, up to [-7, 7] with 1 added (u spread wider to reach the clamp)
            float wide = u * 6;
            float[] oai = {g};
            Glu.apply(Glu.Activation.SWIGLU_OAI, oai, new float[] {wide}, 1);
            double gc = Math.min(g, 7.0);
            want = gc / (1 + Math.exp(-1.702 * gc)) * (Math.max(-7.0, Math.min(7.0, wide)) + 1);
            assertThat(oai[0]).isCloseTo((float) want, Offset.offset(1e-5f * (1 + Math.abs(oai[0]))));
        }
    }
}

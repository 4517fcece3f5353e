package jllm.kernel.vector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import jllm.kernel.scalar.Activation;
import jllm.kernel.scalar.ActivationFormat;
import org.junit.jupiter.api.Test;

/** The vector Q8_0 quantizer against the reference, field by field. */
class VectorQuantizerTest {

    private static void assertSame(Activation got, Activation want, String what) {
        assertThat(got.format).as(what).isEqualTo(want.format);
        assertThat(got.qs).as(what + ": quants").containsExactly(want.qs);
        assertThat(got.values).as(what + ": quants as floats").containsExactly(want.values);
        assertThat(got.d).as(what + ": scales").containsExactly(want.d);
        assertThat(got.scaled).as(what + ": d * q").containsExactly(want.scaled);
        float[] a = new float[got.length];
        float[] b = new float[want.length];
        got.dequantize(a, 0);
        want.dequantize(b, 0);
        assertThat(a).as(what + ": dequantized").containsExactly(b);
    }

    @Test
    void q8_0EqualsTheReferenceOnRandomRows() {
        Random r = new Random(31);
        for (int blocks : new int[] {1, 2, 7, 64}) {
            for (float magnitude : new float[] {1e-30f, 1e-3f, 1f, 300f, 6e4f}) {
                int offset = r.nextInt(5);
                float[] x = new float[offset + blocks * 32 + 3];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) r.nextGaussian() * magnitude;
                }
                for (int j = 0; j < 32 && blocks > 1; j++) {
                    x[offset + 32 + j] = 0f; // an all-zero block: d = 0, quants 0
                }
                String what = blocks + " blocks of magnitude " + magnitude;
                assertSame(VectorQuantizer.quantize(ActivationFormat.Q8_0, x, offset, blocks * 32),
                        ActivationFormat.Q8_0.quantize(x, offset, blocks * 32), what);
            }
        }
    }

    @Test
    void q8_0RoundsTiesToEvenAsTheReference() {
        // amax 127 makes the inverse scale 1, so x * inverse is x: halves are ties
        float[] x = new float[32];
        float[] halves = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 126.5f, -126.5f, 0.49999997f, -0.49999997f};
        System.arraycopy(halves, 0, x, 0, halves.length);
        x[31] = 127f;
        Activation got = VectorQuantizer.quantize(ActivationFormat.Q8_0, x, 0, 32);
        assertSame(got, ActivationFormat.Q8_0.quantize(x, 0, 32), "ties");
        assertThat(got.values).startsWith(0f, 2f, 2f, 0f, -2f, -2f, 126f, -126f, 0f, 0f);
    }

    @Test
    void otherFormatsAreTheReference() {
        float[] x = new float[512];
        Random r = new Random(32);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        for (ActivationFormat f : new ActivationFormat[] {ActivationFormat.F32, ActivationFormat.F16,
                ActivationFormat.Q8_1, ActivationFormat.Q8_K}) {
            Activation got = VectorQuantizer.quantize(f, x, 0, 512);
            Activation want = f.quantize(x, 0, 512);
            assertThat(got.format).isEqualTo(f);
            assertThat(got.values).as(f.toString()).containsExactly(want.values);
        }
    }
}

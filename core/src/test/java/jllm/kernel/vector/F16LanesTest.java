package jllm.kernel.vector;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jllm.kernel.scalar.Activation;
import jllm.kernel.scalar.ActivationFormat;
import jllm.kernel.scalar.Numbers;
import org.junit.jupiter.api.Test;

/** The lane-wise F16 and BF16 widening against the scalar conversions, for every 16-bit pattern. */
class F16LanesTest {

    @Test
    void everyHalfWidensLikeFloat16ToFloat() {
        MemorySegment all = MemorySegment.ofArray(new byte[2 * 65536 + 1]).asSlice(1);
        for (int h = 0; h < 65536; h++) {
            all.set(Numbers.LE_SHORT, 2L * h, (short) h);
        }
        float[] lanes = new float[Lanes.L];
        for (int h = 0; h < 65536; h += Lanes.L) {
            FloatVector v = Lanes.f16(all, 2L * h);
            v.intoArray(lanes, 0);
            for (int i = 0; i < Lanes.L; i++) {
                float want = Float.float16ToFloat((short) (h + i));
                assertThat(Float.floatToRawIntBits(lanes[i])).as("half 0x%04x", h + i)
                        .isEqualTo(Float.floatToRawIntBits(want));
            }
        }
    }

    /**
     * BF16Dot's widening, for every 16-bit pattern: a row holding the pattern in its first lane and +0
     * elsewhere, against a one-hot activation, gives the widened value (+0 for -0, added to the +0 lanes).
     */
    @Test
    void everyBf16PatternWidensInTheDot() {
        int cols = Lanes.L;
        MemorySegment row = MemorySegment.ofArray(new byte[2 * cols + 1]).asSlice(1); // unaligned, as in files
        float[] x = new float[cols];
        x[0] = 1;
        Activation one = ActivationFormat.BF16.quantize(x, 0, cols);
        BF16Dot dot = new BF16Dot();
        for (int h = 0; h < 65536; h++) {
            row.set(Numbers.LE_SHORT, 0, (short) h);
            float got = dot.dot(row, 0, one, cols);
            float want = Numbers.bf16ToFloat((short) h) + 0f;
            if (Float.isNaN(want)) {
                assertThat(got).as("bf16 0x%04x", h).isNaN();
            } else {
                assertThat(Float.floatToRawIntBits(got)).as("bf16 0x%04x", h).isEqualTo(Float.floatToRawIntBits(want));
            }
        }
    }
}

package jllm.kernel.vector;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jllm.kernel.scalar.Numbers;
import org.junit.jupiter.api.Test;

/** The lane-wise F16 and BF16 widening against the JDK's scalar conversion, for every 16-bit pattern. */
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
            FloatVector b = Lanes.bf16(all, 2L * h);
            b.intoArray(lanes, 0);
            for (int i = 0; i < Lanes.L; i++) {
                assertThat(Float.floatToRawIntBits(lanes[i]))
                        .isEqualTo(Float.floatToRawIntBits(Numbers.bf16ToFloat((short) (h + i))));
            }
        }
    }
}

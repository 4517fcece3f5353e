package jllm.kernel.scalar;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KScalesTest {

    /** The packed forms of the fast paths against the per-sub-block reference, over random scale bytes. */
    @Test
    void packedScalesAndMinsEqualThePerSubBlockOnes() {
        Random random = new Random(20261127);
        for (int trial = 0; trial < 2000; trial++) {
            byte[] bytes = new byte[12];
            random.nextBytes(bytes);
            if (trial == 0) {
                java.util.Arrays.fill(bytes, (byte) 0xFF); // every bit set: nothing may leak between bytes
            }
            MemorySegment s = MemorySegment.ofArray(bytes);
            long lo = s.get(Numbers.LE_LONG, 0);
            int hi = s.get(Numbers.LE_INT, 8);
            long scales = KScales.q4Scales(lo, hi);
            long mins = KScales.q4Mins(lo, hi);
            for (int j = 0; j < 8; j++) {
                assertThat((int) (scales >>> (8 * j)) & 0xFF).as("scale %d of %s", j, java.util.HexFormat.of().formatHex(bytes))
                        .isEqualTo(KScales.q4Scale(s, 0, j));
                assertThat((int) (mins >>> (8 * j)) & 0xFF).as("min %d of %s", j, java.util.HexFormat.of().formatHex(bytes))
                        .isEqualTo(KScales.q4Min(s, 0, j));
                assertThat(KScales.q4ScaleMin(lo, hi, j)).isEqualTo(KScales.q4Scale(s, 0, j) | KScales.q4Min(s, 0, j) << 8);
            }
        }
    }
}

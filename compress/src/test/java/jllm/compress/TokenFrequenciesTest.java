package jllm.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;

import jllm.compress.coder.FrequencyTable;
import org.junit.jupiter.api.Test;

class TokenFrequenciesTest {

    @Test
    void everyTokenKeepsAFrequencyAndTheTotalFits() {
        Random rnd = new Random(4);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + rnd.nextInt(5000);
            float[] logits = new float[n + 3];
            float spread = trial % 4 == 0 ? 1e4f : 10f; // some tables with one overwhelming token
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) rnd.nextGaussian() * spread;
            }
            FrequencyTable t = TokenFrequencies.from(logits, 3, n);
            assertThat(t.size()).isEqualTo(n);
            assertThat(t.total()).isLessThanOrEqualTo(TokenFrequencies.TOTAL);
            int best = 0;
            for (int s = 0; s < n; s++) {
                assertThat(t.freq(s)).isPositive();
                if (logits[3 + s] > logits[3 + best]) {
                    best = s;
                }
            }
            for (int s = 0; s < n; s++) {
                assertThat(t.freq(s)).isLessThanOrEqualTo(t.freq(best));
            }
        }
    }

    @Test
    void costsFollowTheSoftmax() {
        float[] logits = {2f, 1f, 0f, -1f, -30f};
        FrequencyTable t = TokenFrequencies.from(logits, 0, logits.length);
        double z = 0;
        for (float l : logits) {
            z += Math.exp(l);
        }
        for (int s = 0; s < 4; s++) {
            double ideal = -(logits[s] - Math.log(z)) / Math.log(2);
            assertThat(t.bits(s)).isCloseTo(ideal, org.assertj.core.data.Offset.offset(1e-4));
        }
        assertThat(t.bits(4)).as("a hopeless token still costs at most 24 bits").isLessThanOrEqualTo(24.0);
    }

    @Test
    void brokenLogitsAreReported() {
        assertThatThrownBy(() -> TokenFrequencies.from(new float[]{1f, Float.NaN}, 0, 2)).hasMessageContaining("non-finite");
    }
}

package jllm.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class SamplerChainTest {

    private static final float[] LOGITS = {1.0f, 3.0f, 2.0f, 3.0f, -1.0f};

    @Test
    void greedyPicksArgmaxWithLowestIdOnTies() {
        int t = SamplerChain.of(SamplerSettings.GREEDY).sample(LOGITS, new TokenHistory());
        assertThat(t).isEqualTo(1);
    }

    @Test
    void topKOneIsGreedyAtAnyTemperature() {
        SamplerChain chain = SamplerChain.of(SamplerSettings.DEFAULTS.withTopK(1).withTemperature(5f));
        for (int i = 0; i < 20; i++) {
            assertThat(chain.sample(LOGITS, new TokenHistory())).isEqualTo(1);
        }
    }

    @Test
    void sameSeedSameDraws() {
        SamplerSettings s = SamplerSettings.DEFAULTS.withSeed(7).withTopK(0).withMinP(0).withTopP(1);
        SamplerChain a = SamplerChain.of(s);
        SamplerChain b = SamplerChain.of(s);
        for (int i = 0; i < 50; i++) {
            assertThat(a.sample(LOGITS, new TokenHistory())).isEqualTo(b.sample(LOGITS, new TokenHistory()));
        }
    }

    @Test
    void samplingFollowsTheSoftmax() {
        // with temperature 1 and no truncation, frequencies approach softmax probabilities
        SamplerChain chain = SamplerChain.of(SamplerSettings.DEFAULTS.withTemperature(1f).withTopK(0).withTopP(1).withMinP(0).withSeed(3));
        int[] counts = new int[LOGITS.length];
        int n = 20000;
        for (int i = 0; i < n; i++) {
            counts[chain.sample(LOGITS, new TokenHistory())]++;
        }
        double z = 0;
        for (float l : LOGITS) {
            z += Math.exp(l);
        }
        for (int i = 0; i < LOGITS.length; i++) {
            double p = Math.exp(LOGITS[i]) / z;
            double sd = Math.sqrt(p * (1 - p) / n);
            assertThat((double) counts[i] / n).isCloseTo(p, org.assertj.core.data.Offset.offset(5 * sd + 1e-4));
        }
    }

    @Test
    void topPKeepsSmallestNucleus() {
        Candidates c = Candidates.of(new float[]{0f, (float) Math.log(3), (float) Math.log(6)}); // probs 0.1, 0.3, 0.6
        new TopP(0.85f).process(c, new TokenHistory());
        assertThat(c.size()).isEqualTo(2);
        assertThat(c.id(0)).isEqualTo(2);
        assertThat(c.id(1)).isEqualTo(1);
    }

    @Test
    void minPDropsUnlikelyTokens() {
        Candidates c = Candidates.of(new float[]{0f, (float) Math.log(3), (float) Math.log(6)}); // probs 0.1, 0.3, 0.6
        new MinP(0.4f).process(c, new TokenHistory()); // threshold 0.24
        assertThat(c.size()).isEqualTo(2);
    }

    @Test
    void repetitionPenaltyAsLlamaCpp() {
        Candidates c = Candidates.of(new float[]{2f, -2f, 2f});
        TokenHistory h = new TokenHistory();
        h.addAll(new int[]{0, 1, 1});
        new Penalties(64, 2f, 0.5f, 0.25f).process(c, h);
        assertThat(c.logit(0)).isEqualTo(2f / 2 - 0.5f - 0.25f);
        assertThat(c.logit(1)).isEqualTo(-2f * 2 - 2 * 0.5f - 0.25f);
        assertThat(c.logit(2)).isEqualTo(2f);
    }

    @Test
    void invalidSettingsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> SamplerSettings.DEFAULTS.withTopP(1.5f)).hasMessageContaining("top-p");
        assertThatThrownBy(() -> SamplerSettings.DEFAULTS.withTemperature(Float.NaN)).hasMessageContaining("temperature");
    }

    @Test
    void stopStringsAreNeverEmitted() {
        Random r = new Random(1);
        String text = "Hello there, user: how are you? END more text";
        for (int trial = 0; trial < 200; trial++) {
            StopStrings s = new StopStrings(List.of("END", "user:x"));
            StringBuilder out = new StringBuilder();
            int i = 0;
            while (i < text.length() && !s.stopped()) {
                int j = Math.min(text.length(), i + 1 + r.nextInt(4));
                out.append(s.add(text.substring(i, j)));
                i = j;
            }
            if (!s.stopped()) {
                out.append(s.flush());
            }
            assertThat(out.toString()).isEqualTo("Hello there, user: how are you? ");
        }
    }
}

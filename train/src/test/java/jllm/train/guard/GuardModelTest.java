package jllm.train.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import jllm.model.Classifier;
import jllm.format.ModelFormatException;
import jllm.kernel.Dense;
import jllm.tensor.GgmlType;
import jllm.train.CharVocabulary;
import jllm.train.GgufTokenizer;
import jllm.train.GradCheck;
import jllm.train.LlamaParams;
import jllm.train.Param;
import jllm.train.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The guard classifier: its gradients against finite differences (head alone, and through the
 * transformer over several windows), training to 100% on a separable set, the threshold, the GGUF round
 * trip, and the metrics.
 */
class GuardModelTest {
    private static final String CHARS = "abcdefghij ";

    private static GuardModel tiny(int dim, long seed) {
        return tiny(dim, Classifier.Pooling.MEAN, seed);
    }

    private static GuardModel tiny(int dim, Classifier.Pooling pooling, long seed) {
        LlamaParams params = new LlamaParams(TinyModels.config(dim, dim * 3 / 2, 2, 2, 1, CHARS.length(), 8), true).initialize(seed);
        return GuardModel.fromParams(params, GgufTokenizer.ofChars(new CharVocabulary(CHARS.toCharArray())), pooling, seed, Dense.vector(1));
    }

    @Test
    void headGradientMatchesFiniteDifferences() {
        Random rnd = new Random(1);
        GuardHead head = GuardHead.zeros(6);
        System.arraycopy(GradCheck.random(rnd, 12, 0.5), 0, head.weight().value(), 0, 12);
        head.bias().value()[0] = 0.3f;
        float[] pooled = GradCheck.random(rnd, 6, 1.0);
        for (boolean attack : new boolean[]{true, false}) {
            Arrays.fill(head.weight().grad(), 0f);
            Arrays.fill(head.bias().grad(), 0f);
            float[] dPooled = head.backward(pooled, attack, 1f, true);
            GradCheck.check("weight", head.weight().value(), head.weight().grad().clone(), () -> head.loss(pooled, attack), 12, rnd);
            GradCheck.check("bias", head.bias().value(), head.bias().grad().clone(), () -> head.loss(pooled, attack), 2, rnd);
            GradCheck.check("pooled", pooled, dPooled, () -> head.loss(pooled, attack), 6, rnd);
        }
    }

    @ParameterizedTest
    @EnumSource(Classifier.Pooling.class)
    void gradientThroughTheTransformerMatchesFiniteDifferencesOverSeveralWindows(Classifier.Pooling pooling) {
        try (GuardModel guard = tiny(8, pooling, 2)) {
            Random rnd = new Random(3);
            for (Param p : guard.params().all()) { // larger weights than the init, so every path carries gradient
                for (int i = 0; i < p.size(); i++) {
                    p.value()[i] = p.decay() ? (float) (rnd.nextGaussian() * 0.5) : 1f + (float) (rnd.nextGaussian() * 0.1);
                }
            }
            int width = guard.head().weight().size();
            System.arraycopy(GradCheck.random(rnd, width, 1.0), 0, guard.head().weight().value(), 0, width);
            GuardExample e = new GuardExample("abc defg hij aabb cc", true, "test"); // 20 tokens: windows of 8, 8, 4
            assertThat(guard.tokens(e.text()).length).isGreaterThan(2 * guard.window());
            guard.params().zeroGrad();
            GuardTrainer.fineTuneStep(guard, e, 1f);
            float eps = pooling == Classifier.Pooling.MEAN ? 1e-2f : 1e-3f; // a step across the max's kink would not measure its slope
            for (Param p : guard.params().all()) {
                GradCheck.check(p.name(), p.value(), p.grad().clone(),
                        () -> guard.head().loss(guard.features(e.text()), true), 16, rnd, eps);
            }
        }
    }

    @Test
    void fineTuningReachesFullTrainAccuracyOnASeparableSet() {
        Random rnd = new Random(4);
        List<GuardExample> examples = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            boolean attack = i % 2 == 0;
            String letters = attack ? "abcde" : "fghij"; // attacks and benign texts use different letters
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < 4 + rnd.nextInt(10); j++) {
                sb.append(j % 4 == 3 ? ' ' : letters.charAt(rnd.nextInt(5)));
            }
            examples.add(new GuardExample(sb.toString(), attack, attack ? "a" : "b"));
        }
        try (GuardModel guard = tiny(16, 5)) {
            GuardTrainer.Result r = GuardTrainer.train(guard, examples, new GuardTrainer.Settings(30, 1e-2f, 8, true, 6), null);
            assertThat(r.trainAccuracy()).isEqualTo(1.0);
            assertThat(r.epochLoss()[r.epochLoss().length - 1]).isLessThan(0.1f).isLessThan(r.epochLoss()[0]);
        }
    }

    @Test
    void thresholdFlagsAtMostOnePercentOfBenignValidation() {
        List<Float> benign = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            benign.add(i / 200f);
        }
        float t = GuardMetrics.thresholdAtFalsePositiveRate(benign, 0.01);
        assertThat(benign.stream().filter(s -> s > t).count()).isEqualTo(2);
        assertThat(GuardMetrics.thresholdAtFalsePositiveRate(List.of(0.1f, 0.9f), 0.01)).isEqualTo(0.9f);
    }

    @Test
    void metricsCountFlaggedAttacksAndBenignTexts() {
        List<GuardExample> ex = List.of(new GuardExample("a", true, "x"), new GuardExample("b", true, "x"),
                new GuardExample("c", true, "y"), new GuardExample("d", false, "z"), new GuardExample("e", false, "z"));
        GuardMetrics m = GuardMetrics.of(ex, new float[]{0.9f, 0.4f, 0.8f, 0.7f, 0.1f}, 0.5f);
        assertThat(m.recall()).isCloseTo(2 / 3.0, within(1e-9));
        assertThat(m.precision()).isCloseTo(2 / 3.0, within(1e-9));
        assertThat(m.falsePositiveRate()).isCloseTo(0.5, within(1e-9));
        // 1% of 2 benign texts allows none above: threshold 0.7, so only 0.9 and 0.8 count
        assertThat(m.recallAt1PercentFpr()).isCloseTo(2 / 3.0, within(1e-9));
        assertThat(m.recallBySource()).containsEntry("x", 0.5).containsEntry("y", 1.0);
    }

    @Test
    void poolingsReadTheMeanTheMaximumBothOrTheLastToken() {
        try (GuardModel mean = tiny(8, Classifier.Pooling.MEAN, 3); GuardModel max = tiny(8, Classifier.Pooling.MAX, 3);
             GuardModel both = tiny(8, Classifier.Pooling.MEAN_MAX, 3); GuardModel last = tiny(8, Classifier.Pooling.LAST, 3)) {
            String text = "abc defg hij aabb cc"; // three windows: the max and the mean span all of them
            int[] tokens = mean.tokens(text);
            float[] m = mean.features(text);
            float[] x = max.features(text);
            float[] expectedMean = new float[8];
            float[] expectedMax = new float[8];
            float[] expectedLast = new float[8];
            Arrays.fill(expectedMax, Float.NEGATIVE_INFINITY);
            for (int t = 0; t < tokens.length; t++) { // token t's state comes from its own window, run alone
                int from = t / mean.window() * mean.window();
                int to = Math.min(tokens.length, from + mean.window());
                float[] hidden = mean.llama().forwardHidden(Arrays.copyOfRange(tokens, from, to), 1, to - from);
                for (int i = 0; i < 8; i++) {
                    float h = hidden[(t - from) * 8 + i];
                    expectedMean[i] += h / tokens.length;
                    expectedMax[i] = Math.max(expectedMax[i], h);
                    if (t == tokens.length - 1) {
                        expectedLast[i] = h;
                    }
                }
            }
            for (int i = 0; i < 8; i++) {
                assertThat(m[i]).isCloseTo(expectedMean[i], within(1e-5f));
                assertThat(x[i]).isEqualTo(expectedMax[i]);
            }
            float[] b = both.features(text);
            assertThat(b).hasSize(16);
            assertThat(Arrays.copyOfRange(b, 0, 8)).containsExactly(m);
            assertThat(Arrays.copyOfRange(b, 8, 16)).containsExactly(x);
            assertThat(both.head().width()).isEqualTo(16);
            // the last token's state, from the last window alone (3 windows: not the first window's last)
            assertThat(last.features(text)).containsExactly(expectedLast);
            assertThat(last.head().width()).isEqualTo(8);
        }
        assertThat(Classifier.Pooling.parse("mean_max")).isEqualTo(Classifier.Pooling.MEAN_MAX);
        assertThatThrownBy(() -> Classifier.Pooling.parse("attention")).hasMessageContaining("attention").hasMessageContaining("mean, max, mean_max, last");
    }

    @ParameterizedTest
    @EnumSource(Classifier.Pooling.class)
    void savedGuardLoadsWithTheSameScoresThresholdAndPooling(Classifier.Pooling pooling, @TempDir Path dir) {
        Path file = dir.resolve("guard.gguf");
        float before;
        try (GuardModel guard = tiny(8, pooling, 7)) {
            guard.head().bias().value()[1] = 0.25f;
            guard.threshold(0.375f);
            before = guard.score("abc def");
            guard.save(file, "tiny-guard", GgmlType.F32);
        }
        try (GuardModel loaded = GuardModel.load(file, Dense.vector(1))) {
            assertThat(loaded.pooling()).isEqualTo(pooling);
            assertThat(loaded.threshold()).isEqualTo(0.375f);
            assertThat(loaded.score("abc def")).isCloseTo(before, within(1e-6f));
            assertThat(loaded.check("abc def").label()).isEqualTo(before > 0.375f ? "attack" : "benign");
        }
    }

    @Test
    void aLanguageModelIsNotAGuard(@TempDir Path dir) {
        Path file = dir.resolve("lm.gguf");
        try (GuardModel guard = tiny(8, 8)) {
            guard.params().writeGguf(file, GgufTokenizer.ofChars(new CharVocabulary(CHARS.toCharArray())), "lm", GgmlType.F32);
        }
        assertThatThrownBy(() -> GuardModel.load(file, Dense.vector(1))).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("not a guard classifier").hasMessageContaining("jllm guard train");
        try (GuardModel guard = tiny(8, 9)) {
            assertThatThrownBy(() -> guard.score("")).hasMessageContaining("empty text");
            assertThatThrownBy(() -> guard.threshold(1.5f)).hasMessageContaining("[0, 1]");
        }
    }
}

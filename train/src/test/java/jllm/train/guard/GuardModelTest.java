package jllm.train.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

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

/**
 * The guard classifier: its gradients against finite differences (head alone, and through the
 * transformer over several windows), training to 100% on a separable set, the threshold, the GGUF round
 * trip, and the metrics.
 */
class GuardModelTest {
    private static final String CHARS = "abcdefghij ";

    private static GuardModel tiny(int dim, long seed) {
        LlamaParams params = new LlamaParams(TinyModels.config(dim, dim * 3 / 2, 2, 2, 1, CHARS.length(), 8), true).initialize(seed);
        return GuardModel.fromParams(params, GgufTokenizer.ofChars(new CharVocabulary(CHARS.toCharArray())), seed, Dense.vector(1));
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

    @Test
    void gradientThroughTheTransformerMatchesFiniteDifferencesOverSeveralWindows() {
        try (GuardModel guard = tiny(8, 2)) {
            Random rnd = new Random(3);
            for (Param p : guard.params().all()) { // larger weights than the init, so every path carries gradient
                for (int i = 0; i < p.size(); i++) {
                    p.value()[i] = p.decay() ? (float) (rnd.nextGaussian() * 0.5) : 1f + (float) (rnd.nextGaussian() * 0.1);
                }
            }
            System.arraycopy(GradCheck.random(rnd, 16, 1.0), 0, guard.head().weight().value(), 0, 16);
            GuardExample e = new GuardExample("abc defg hij aabb cc", true, "test"); // 20 tokens: windows of 8, 8, 4
            assertThat(guard.tokens(e.text()).length).isGreaterThan(2 * guard.window());
            guard.params().zeroGrad();
            GuardTrainer.fineTuneStep(guard, e, 1f);
            for (Param p : guard.params().all()) {
                GradCheck.check(p.name(), p.value(), p.grad().clone(),
                        () -> guard.head().loss(guard.features(e.text()), true), 16, rnd);
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
    void savedGuardLoadsWithTheSameScoresAndThreshold(@TempDir Path dir) {
        Path file = dir.resolve("guard.gguf");
        float before;
        try (GuardModel guard = tiny(8, 7)) {
            guard.head().bias().value()[1] = 0.25f;
            guard.threshold(0.375f);
            before = guard.score("abc def");
            guard.save(file, "tiny-guard", GgmlType.F32);
        }
        try (GuardModel loaded = GuardModel.load(file, Dense.vector(1))) {
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

package jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import jllm.format.ModelFormatException;
import jllm.kernel.Dense;
import jllm.model.Classifier;
import jllm.model.llama.LlamaConfig;
import jllm.tensor.GgmlType;
import jllm.train.CharVocabulary;
import jllm.train.GgufTokenizer;
import jllm.train.LlamaParams;
import jllm.train.ModelShape;
import jllm.train.Param;
import jllm.train.TrainableLlama;
import jllm.train.guard.GuardModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's guard {@link Classifier} against the trainer's {@code GuardModel} (mean pooling, the
 * format {@code jllm guard train} writes) and against pooling written out here over the trainer's
 * hidden states (max, mean_max), on texts of one and of several context windows; and the errors for a
 * language model, an unknown pooling and a head of the wrong width.
 */
class ClassifierTest {
    private static final String CHARS = "abcdefghij ";
    private static final List<String> TEXTS = List.of("a", "abc defg", "hij aabb cc dd", "abc defg hij aabb cc jjj iii hhh gg");
    private static final int CONTEXT = 8; // the longer texts span 2 to 5 windows
    /**
     * The two forward passes sum in different orders (the engine's kernels in vector lanes, the
     * trainer's row by row). With the F16 KV cache generation uses, features differed by up to 3e-3
     * relative; the classifier's F32 cache brings them to float rounding. A wrong norm, rope or pooling
     * moves them by 1e-2 and more.
     */
    private static final float TOLERANCE = 5e-4f;

    private static LlamaParams params(long seed) {
        LlamaConfig c = new ModelShape(16, 24, 2, 2, 1, CONTEXT, 10000f, true).config(CHARS.length());
        LlamaParams p = new LlamaParams(c, true).initialize(seed);
        Random rnd = new Random(seed);
        for (Param w : p.all()) { // larger weights than the init, so texts differ in their hidden states
            for (int i = 0; i < w.size(); i++) {
                w.value()[i] = w.decay() ? (float) (rnd.nextGaussian() * 0.3) : 1f + (float) (rnd.nextGaussian() * 0.1);
            }
        }
        return p;
    }

    private static GgufTokenizer tokenizer() {
        return GgufTokenizer.ofChars(new CharVocabulary(CHARS.toCharArray()));
    }

    @Test
    void meanPoolingScoresEqualTheTrainersOverOneAndSeveralWindows(@TempDir Path tmp) {
        Path file = tmp.resolve("guard.gguf");
        float[] expected = new float[TEXTS.size()];
        try (GuardModel trainer = GuardModel.fromParams(params(1), tokenizer(), Classifier.Pooling.MEAN, 2, Dense.vector(1))) {
            Random rnd = new Random(5);
            float[] w = trainer.head().weight().value();
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) rnd.nextGaussian();
            }
            trainer.head().bias().value()[1] = 0.2f;
            trainer.threshold(0.4f);
            for (int i = 0; i < TEXTS.size(); i++) {
                expected[i] = trainer.score(TEXTS.get(i));
            }
            trainer.save(file, "tiny-guard", GgmlType.F32);
        }
        try (Classifier engine = Classifier.open(file, 1)) {
            assertThat(engine.pooling()).isEqualTo(Classifier.Pooling.MEAN);
            assertThat(engine.threshold()).isEqualTo(0.4f);
            assertThat(engine.tokens(TEXTS.getLast()).length).isGreaterThan(4 * CONTEXT);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(engine.score(TEXTS.get(i))).as(TEXTS.get(i)).isCloseTo(expected[i], within(TOLERANCE));
                assertThat(engine.check(TEXTS.get(i)).attack()).isEqualTo(expected[i] > 0.4f);
            }
            assertThat(Math.abs(expected[0] - expected[3])).as("the scores differ between texts, so equality says something")
                    .isGreaterThan(1e-3f);
        }
    }

    @Test
    void maxMeanMaxAndLastPoolingEqualThePoolingOfTheTrainersHiddenStates(@TempDir Path tmp) {
        LlamaParams params = params(3);
        int dim = params.config.dim();
        Dense dense = Dense.vector(1);
        TrainableLlama llama = new TrainableLlama(params, dense);
        var tok = tokenizer().toTokenizer();
        for (Classifier.Pooling pooling : List.of(Classifier.Pooling.MAX, Classifier.Pooling.MEAN_MAX, Classifier.Pooling.LAST)) {
            int width = pooling.width(dim);
            Param weight = Param.of(Classifier.WEIGHT, 2, width, true);
            Param bias = Param.of(Classifier.BIAS, 1, 2, false);
            Random rnd = new Random(7);
            for (int i = 0; i < weight.size(); i++) {
                weight.value()[i] = (float) rnd.nextGaussian() * 0.5f;
            }
            bias.value()[0] = 0.1f;
            Path file = tmp.resolve(pooling.key() + ".gguf");
            params.writeGguf(file, tokenizer(), "tiny-guard", GgmlType.F32, b -> b.putString("general.type", "classifier")
                    .putFloat32(Classifier.THRESHOLD_KEY, 0.5f).putString(Classifier.POOLING_KEY, pooling.key())
                    .putStringArray(Classifier.LABELS_KEY, List.of("benign", "attack")), List.of(weight, bias));
            try (Classifier engine = Classifier.open(file, 1)) {
                assertThat(engine.pooling()).isEqualTo(pooling);
                for (String text : TEXTS) {
                    int[] ids = tok.encode(text);
                    // reference: every window's hidden states from the trainer, pooled here
                    double[] sum = new double[dim];
                    float[] max = new float[dim];
                    float[] last = new float[dim];
                    Arrays.fill(max, Float.NEGATIVE_INFINITY);
                    for (int from = 0; from < ids.length; from += CONTEXT) {
                        int n = Math.min(ids.length, from + CONTEXT) - from;
                        float[] h = llama.forwardHidden(Arrays.copyOfRange(ids, from, from + n), 1, n);
                        for (int t = 0; t < n; t++) {
                            for (int i = 0; i < dim; i++) {
                                sum[i] += h[t * dim + i];
                                max[i] = Math.max(max[i], h[t * dim + i]);
                            }
                        }
                        System.arraycopy(h, (n - 1) * dim, last, 0, dim);
                    }
                    float[] x = new float[width];
                    if (pooling == Classifier.Pooling.MAX) {
                        System.arraycopy(max, 0, x, 0, dim);
                    } else if (pooling == Classifier.Pooling.LAST) {
                        System.arraycopy(last, 0, x, 0, dim);
                    } else {
                        for (int i = 0; i < dim; i++) {
                            x[i] = (float) (sum[i] / ids.length);
                            x[dim + i] = max[i];
                        }
                    }
                    float[] got = engine.features(ids);
                    for (int i = 0; i < width; i++) {
                        assertThat(got[i]).as("%s %s feature %d", pooling, text, i).isCloseTo(x[i], within(TOLERANCE * Math.max(1f, Math.abs(x[i]))));
                    }
                    double z = bias.value()[1] - bias.value()[0];
                    for (int i = 0; i < width; i++) {
                        z += (weight.value()[width + i] - weight.value()[i]) * (double) x[i];
                    }
                    assertThat(engine.score(text)).isCloseTo((float) (1 / (1 + Math.exp(-z))), within(TOLERANCE));
                }
            }
        }
        dense.close();
    }

    @Test
    void aLanguageModelAnUnknownPoolingAndAWrongHeadAreClearErrors(@TempDir Path tmp) {
        LlamaParams params = params(4);
        Path lm = tmp.resolve("lm.gguf");
        params.writeGguf(lm, tokenizer(), "tiny", GgmlType.F32);
        assertThatThrownBy(() -> Classifier.open(lm, 1)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("is a language model, not a guard classifier");

        Param weight = Param.of(Classifier.WEIGHT, 2, params.config.dim(), true);
        Param bias = Param.of(Classifier.BIAS, 1, 2, false);
        Path odd = tmp.resolve("odd.gguf");
        params.writeGguf(odd, tokenizer(), "tiny", GgmlType.F32, b -> b.putFloat32(Classifier.THRESHOLD_KEY, 0.5f)
                .putString(Classifier.POOLING_KEY, "median"), List.of(weight, bias));
        assertThatThrownBy(() -> Classifier.open(odd, 1)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(Classifier.POOLING_KEY).hasMessageContaining("'median', not one of mean, max, mean_max");

        Path narrow = tmp.resolve("narrow.gguf"); // a mean-wide head under mean_max
        params.writeGguf(narrow, tokenizer(), "tiny", GgmlType.F32, b -> b.putFloat32(Classifier.THRESHOLD_KEY, 0.5f)
                .putString(Classifier.POOLING_KEY, "mean_max"), List.of(weight, bias));
        assertThatThrownBy(() -> Classifier.open(narrow, 1)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(Classifier.WEIGHT).hasMessageContaining("expected (2, 32) for mean_max pooling");
    }
}

package jllm.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import jllm.kernel.Dense;
import jllm.train.ops.CrossEntropy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The whole llama block's gradient against finite differences (every parameter tensor, tied and untied
 * classifier), gradient accumulation, AdamW's update, the schedule and clipping.
 */
class TrainableLlamaTest {
    private static final Dense DENSE = Dense.vector(2);

    @AfterAll
    static void close() {
        DENSE.close();
    }

    @Test
    void everyParameterGradientMatchesFiniteDifferences() {
        for (boolean tied : new boolean[]{false, true}) {
            Random rnd = new Random(tied ? 11 : 12);
            LlamaParams params = new LlamaParams(TinyModels.tiny(), tied).initialize(3);
            // larger weights than the 0.02 init so every path carries a visible gradient
            for (Param p : params.all()) {
                for (int i = 0; i < p.size(); i++) {
                    p.value()[i] = p.decay() ? (float) (rnd.nextGaussian() * 0.5) : 1f + (float) (rnd.nextGaussian() * 0.1);
                }
            }
            TrainableLlama model = new TrainableLlama(params, DENSE);
            int batch = 2, seqLen = 5, n = batch * seqLen, vocab = 11;
            int[] tokens = new int[n], targets = new int[n];
            for (int i = 0; i < n; i++) {
                tokens[i] = rnd.nextInt(vocab);
                targets[i] = rnd.nextInt(vocab);
            }
            float[] weight = new float[n];
            java.util.Arrays.fill(weight, 1f / n);
            params.zeroGrad();
            float[] logits = model.forward(tokens, batch, seqLen);
            float[] dlogits = new float[logits.length];
            CrossEntropy.backward(dlogits, logits, targets, weight, n, vocab);
            model.backward(dlogits);
            for (Param p : params.all()) {
                GradCheck.check((tied ? "tied " : "") + p.name(), p.value(), p.grad().clone(),
                        () -> CrossEntropy.forward(model.forward(tokens, batch, seqLen), targets, weight, n, vocab), 24, rnd);
            }
        }
    }

    @Test
    void twoHalfBatchesAccumulateTheFullBatchGradient() {
        Random rnd = new Random(13);
        LlamaParams params = new LlamaParams(TinyModels.tiny(), false).initialize(5);
        TrainableLlama model = new TrainableLlama(params, DENSE);
        int seqLen = 6, vocab = 11;
        int[] tokens = new int[4 * seqLen], targets = new int[4 * seqLen];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rnd.nextInt(vocab);
            targets[i] = rnd.nextInt(vocab);
        }
        params.zeroGrad();
        step(model, tokens, targets, 4, seqLen, 1f / tokens.length);
        List<float[]> full = params.all().stream().map(p -> p.grad().clone()).toList();
        params.zeroGrad();
        int half = 2 * seqLen;
        step(model, java.util.Arrays.copyOf(tokens, half), java.util.Arrays.copyOf(targets, half), 2, seqLen, 1f / tokens.length);
        step(model, java.util.Arrays.copyOfRange(tokens, half, 2 * half), java.util.Arrays.copyOfRange(targets, half, 2 * half), 2, seqLen, 1f / tokens.length);
        for (int i = 0; i < full.size(); i++) {
            float[] g = params.all().get(i).grad();
            for (int j = 0; j < g.length; j++) {
                assertThat(g[j]).as(params.all().get(i).name()).isCloseTo(full.get(i)[j], within(1e-6f + 1e-4f * Math.abs(full.get(i)[j])));
            }
        }
    }

    private static void step(TrainableLlama model, int[] tokens, int[] targets, int batch, int seqLen, float w) {
        int n = batch * seqLen, vocab = 11;
        float[] weight = new float[n];
        java.util.Arrays.fill(weight, w);
        float[] logits = model.forward(tokens, batch, seqLen);
        float[] dlogits = new float[logits.length];
        CrossEntropy.backward(dlogits, logits, targets, weight, n, vocab);
        model.backward(dlogits);
    }

    @Test
    void adamWStepIsPyTorchs() {
        // p=1, g=0.5, lr=0.1, wd=0.1: m̂=0.5, v̂=0.25, p = 1·(1 − 0.01) − 0.1·0.5/0.5 = 0.89
        Param p = Param.of("w", 1, 1, true);
        p.value()[0] = 1f;
        p.grad()[0] = 0.5f;
        Param norm = Param.of("n", 1, 1, false);
        norm.value()[0] = 1f;
        norm.grad()[0] = 0.5f;
        AdamW opt = new AdamW(List.of(p, norm), new AdamW.Settings(0.9f, 0.99f, 1e-8f, 0.1f));
        opt.step(0.1f);
        assertThat(p.value()[0]).isCloseTo(0.89f, within(1e-6f));
        assertThat(norm.value()[0]).as("no decay on norm gains").isCloseTo(0.9f, within(1e-6f));
    }

    @Test
    void warmupThenCosine() {
        LrSchedule s = new LrSchedule(1e-3f, 1e-4f, 100, 2000);
        assertThat(s.rate(0)).isCloseTo(1e-3f / 101, within(1e-9f));
        assertThat(s.rate(100)).isCloseTo(1e-3f, within(1e-9f));
        assertThat(s.rate(1050)).isCloseTo(5.5e-4f, within(1e-8f));
        assertThat(s.rate(2000)).isCloseTo(1e-4f, within(1e-9f));
        assertThat(s.rate(5000)).isEqualTo(1e-4f);
    }

    @Test
    void clippingScalesToTheMaximumNorm() {
        Param a = Param.of("a", 1, 2, true);
        a.grad()[0] = 3f;
        a.grad()[1] = 4f;
        assertThat(AdamW.clipGradNorm(List.of(a), 1f)).isEqualTo(5f);
        assertThat(a.grad()[0]).isCloseTo(0.6f, within(1e-6f));
        assertThat(a.grad()[1]).isCloseTo(0.8f, within(1e-6f));
        assertThat(AdamW.clipGradNorm(List.of(a), 10f)).isCloseTo(1f, within(1e-6f));
        assertThat(a.grad()[1]).as("below the maximum: unchanged").isCloseTo(0.8f, within(1e-6f));
    }
}

package jllm.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import jllm.kernel.Dense;
import jllm.tensor.GgmlType;
import jllm.train.task.Arithmetic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GRPO: advantages and the loss against hand-computed cases, the loss's token weights against finite
 * differences, one update raising the rewarded reply's log-probability on a tiny model, and a
 * seconds-long run end to end (files written, curves drawn).
 */
class GrpoTest {
    @TempDir
    Path dir;

    @Test
    void advantagesAreGroupRelative() {
        // rewards 1,0,0,1: mean 0.5, population std 0.5 -> ±1
        assertThat(Grpo.advantages(new double[]{1, 0, 0, 1})).containsExactly(1, -1, -1, 1);
        // rewards 1,0,0,0: mean 0.25, std sqrt(0.25·0.75) = 0.4330127 -> 0.75/0.4330127 = 1.7320508, -0.25/0.4330127 = -0.5773503
        double[] a = Grpo.advantages(new double[]{1, 0, 0, 0});
        assertThat(a[0]).isCloseTo(Math.sqrt(3), within(1e-12));
        assertThat(a[1]).isCloseTo(-1 / Math.sqrt(3), within(1e-12));
        // all equal: std 0 -> advantages 0 (no signal), not NaN
        assertThat(Grpo.advantages(new double[]{1, 1, 1})).containsExactly(0, 0, 0);
        assertThat(Grpo.advantages(new double[]{0, 0})).containsExactly(0, 0);
    }

    @Test
    void lossMatchesAHandComputedCase() {
        // two replies (N = 2) in a batch of 2 sequences of 3 positions; reply 0 trains positions 1-2,
        // reply 1 trains position 2 only. ε = 0.2, β = 0.1.
        boolean[] trained = {false, true, true, false, false, true};
        double ln = 0;
        double[] logp = {ln, Math.log(0.5), Math.log(0.3), ln, ln, Math.log(0.2)};
        double[] old = {ln, Math.log(0.4), Math.log(0.3), ln, ln, Math.log(0.4)};
        double[] ref = {ln, Math.log(0.25), Math.log(0.3), ln, ln, Math.log(0.2)};
        double[] adv = {1, -1};
        float[] weight = new float[6];
        double loss = Grpo.loss(logp, old, ref, trained, 2, 3, adv, 0.2, 0.1, 2, weight);
        // reply 0, A = 1, w = 1/(2 tokens · 2 replies) = 0.25:
        //   t1: ρ = 0.5/0.4 = 1.25 -> clipped to 1.2; min(1.25, 1.2) = 1.2 (clipped: no surrogate gradient)
        //       π_ref/π = 0.5: D = 0.5 − ln 0.5 − 1 = 0.1931472; term = 1.2 − 0.1·0.1931472 = 1.1806853
        //       dJ/dlogp = 0 − 0.1·(1 − 0.5) = −0.05; weight = 0.25 · −0.05 = −0.0125
        //   t2: ρ = 1, D = 0; term = 1; dJ/dlogp = 1; weight = 0.25
        // reply 1, A = −1, w = 1/(1 · 2) = 0.5:
        //   t2: ρ = 0.2/0.4 = 0.5 -> clipped 0.8; min(−0.5, −0.8) = −0.8 (clipped: no surrogate gradient)
        //       D = 0; term = −0.8; dJ/dlogp = 0; weight 0
        // J = 0.25·(1.1806853 + 1) + 0.5·(−0.8) = 0.5451713 − 0.4 = 0.1451713; loss = −J
        assertThat(loss).isCloseTo(-0.1451713, within(1e-7));
        assertThat(weight[1]).isCloseTo(-0.0125f, within(1e-7f));
        assertThat(weight[2]).isCloseTo(0.25f, within(1e-7f));
        assertThat(weight[5]).isZero();
        assertThat(weight[0]).isZero();
        assertThat(weight[3]).isZero();
    }

    @Test
    void tokenWeightsAreTheNegativeLossGradient() {
        // −∂loss/∂logp by central differences, over random ratios inside and outside the clip range
        Random rnd = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int batch = 2, seqLen = 4, n = batch * seqLen;
            boolean[] trained = new boolean[n];
            double[] logp = new double[n], old = new double[n], ref = new double[n];
            for (int i = 0; i < n; i++) {
                trained[i] = rnd.nextInt(4) != 0;
                logp[i] = -3 * rnd.nextDouble();
                old[i] = logp[i] + 0.6 * (rnd.nextDouble() - 0.5);
                ref[i] = logp[i] + 0.6 * (rnd.nextDouble() - 0.5);
            }
            double[] adv = {rnd.nextGaussian(), rnd.nextGaussian()};
            float[] weight = new float[n];
            Grpo.loss(logp, old, ref, trained, batch, seqLen, adv, 0.2, 0.05, 3, weight);
            for (int i = 0; i < n; i++) {
                if (!trained[i]) {
                    continue;
                }
                double r = Math.exp(logp[i] - old[i]);
                if (Math.abs(r - 1.2) < 1e-4 || Math.abs(r - 0.8) < 1e-4) {
                    continue; // a kink of the clip
                }
                double h = 1e-6;
                double[] up = logp.clone(), down = logp.clone();
                up[i] += h;
                down[i] -= h;
                float[] scratch = new float[n];
                double numeric = -(Grpo.loss(up, old, ref, trained, batch, seqLen, adv, 0.2, 0.05, 3, scratch)
                        - Grpo.loss(down, old, ref, trained, batch, seqLen, adv, 0.2, 0.05, 3, scratch)) / (2 * h);
                assertThat((double) weight[i]).as("trial %d position %d", trial, i).isCloseTo(numeric, within(1e-6));
            }
        }
    }

    @Test
    void oneUpdateRaisesTheRewardedReply() {
        // a tiny model, one prompt [1, 2] and two replies: [3, 4, 5] rewarded, [6, 7, 8] not
        LlamaParams params = new LlamaParams(TinyModels.tiny(), false).initialize(5);
        try (Dense dense = Dense.scalar()) {
            TrainableLlama model = new TrainableLlama(params, dense);
            ChatTokenizer.Example good = new ChatTokenizer.Example(new int[]{1, 2, 3, 4, 5}, new boolean[]{false, false, true, true, true});
            ChatTokenizer.Example bad = new ChatTokenizer.Example(new int[]{1, 2, 6, 7, 8}, new boolean[]{false, false, true, true, true});
            Batch b = Batch.of(List.of(good, bad), 8, 0);
            int vocab = params.config.vocabSize();
            double[] before = Dpo.sequenceLogProbs(model.forward(b.tokens(), b.batch(), b.seqLen()), b, vocab);
            double[] lp = Dpo.tokenLogProbs(model.forward(b.tokens(), b.batch(), b.seqLen()), b, vocab);
            double[] adv = Grpo.advantages(new double[]{1, 0});
            params.zeroGrad();
            double loss = Grpo.backward(model, List.of(b), List.of(adv), List.of(lp), List.of(lp.clone()), 0.2, 0.04, 2);
            // at π = π_old = π_ref: ratio 1, KL 0, so J = mean of A over replies = 0
            assertThat(loss).isCloseTo(0, within(1e-9));
            new AdamW(params.all(), new AdamW.Settings(0.9f, 0.99f, 1e-8f, 0f)).step(1e-2f);
            double[] after = Dpo.sequenceLogProbs(model.forward(b.tokens(), b.batch(), b.seqLen()), b, vocab);
            System.out.printf("GRPO toy: log p(rewarded) %.4f -> %.4f, log p(other) %.4f -> %.4f%n", before[0], after[0], before[1], after[1]);
            assertThat(after[0]).as("rewarded reply").isGreaterThan(before[0] + 0.01);
            assertThat(after[1]).as("unrewarded reply").isLessThan(before[1] - 0.01);
        }
    }

    static GrpoConfig config(Path model, Path out, int steps) {
        return new GrpoConfig(model, out, List.of(Arithmetic.Op.ADD), 2, 2, steps, 2, 4, 2, 0.2, 0.04, 1.0f, 12,
                new LrSchedule(1e-3f, 1e-4f, 0, 0), new AdamW.Settings(0.9f, 0.99f, 1e-8f, 0f), 1.0f, 0, 3, 1, false, 7, 1,
                "<|im_end|>", GgmlType.F32, "grpo-test");
    }

    @Test
    void aShortRunWritesTheModelCheckpointAndCurves() throws Exception {
        Path base = TinyModels.arithmeticChatModel(dir, 64);
        GrpoResult r = Grpo.run(config(base, dir.resolve("grpo"), 2), ProgressListener.NONE);
        assertThat(r.steps()).isEqualTo(2);
        assertThat(r.meanRewards()).hasSize(2).allMatch(x -> x >= 0 && x <= 1);
        assertThat(r.sampledTokens()).isBetween(2L * 2 * 4, 2L * 2 * 4 * 12);
        assertThat(r.before()).singleElement().satisfies(c -> assertThat(c.questions()).isEqualTo(3));
        assertThat(r.after()).singleElement().satisfies(c -> assertThat(c.questions()).isEqualTo(3));
        Path out = dir.resolve("grpo");
        assertThat(out.resolve("model.gguf")).exists();
        assertThat(out.resolve("checkpoint.bin")).exists();
        assertThat(out.resolve("policy.gguf")).doesNotExist();
        assertThat(Files.readString(out.resolve("reward.svg"))).contains("mean reward").contains("held-out accuracy");
        assertThat(Files.readAllLines(out.resolve("reward.csv"))).first().isEqualTo("step,mean_reward,heldout_accuracy");
        assertThat(Files.readAllLines(out.resolve("reward.csv"))).hasSize(1 + 3); // step 0 (accuracy before), 1, 2
        assertThat(Files.readAllLines(out.resolve("reward.csv")).get(1)).isEqualTo("0,,0.00000");
        assertThat(Files.readAllLines(out.resolve("loss.csv"))).hasSize(1 + 2);
        // a random model never answers right: every group's rewards are equal, so every advantage is 0, the
        // KL term's gradient is 0 at π = π_ref, and the weights stay exactly as they were
        assertThat(r.meanRewards()).containsOnly(0.0);
        LlamaParams a = GgufImport.load(base).params(), b = GgufImport.load(r.gguf()).params();
        for (int i = 0; i < a.all().size(); i++) {
            assertThat(java.util.Arrays.equals(a.all().get(i).value(), b.all().get(i).value())).as(a.all().get(i).name()).isTrue();
        }
    }

    @Test
    void aResumedRunContinuesTheCurves() throws Exception {
        Path base = TinyModels.arithmeticChatModel(dir, 64);
        GrpoConfig one = config(base, dir.resolve("r"), 1);
        Grpo.run(one, ProgressListener.NONE);
        List<String> firstLoss = Files.readAllLines(dir.resolve("r/loss.csv"));
        GrpoConfig two = new GrpoConfig(base, one.outDir(), one.ops(), 2, 2, 2, one.prompts(), one.group(), one.updates(), one.clip(),
                one.beta(), one.temperature(), one.maxTokens(), one.schedule(), one.adamW(), one.gradClip(), 0, one.evalPerCell(), 1,
                true, one.seed(), 1, one.endOfTurn(), GgmlType.F32, "grpo-test");
        GrpoResult r = Grpo.run(two, ProgressListener.NONE);
        assertThat(r.steps()).as("steps left after the checkpoint").isEqualTo(1);
        assertThat(r.meanRewards()).hasSize(2);
        List<String> loss = Files.readAllLines(dir.resolve("r/loss.csv"));
        assertThat(loss).hasSize(1 + 2);
        assertThat(loss.get(1)).isEqualTo(firstLoss.get(1));
        assertThat(loss.get(2)).startsWith("2,");
        List<String> reward = Files.readAllLines(dir.resolve("r/reward.csv"));
        assertThat(reward).extracting(l -> l.split(",")[0]).containsExactly("step", "0", "1", "2");
        // the optimizer state went on: the checkpoint holds 2 steps × 2 updates
        LlamaParams p = GgufImport.load(base).params();
        assertThat(Checkpoint.load(dir.resolve("r/checkpoint.bin"), p, new AdamW(p.all(), one.adamW()))).isEqualTo(4);
    }

    @Test
    void badSettingsAreClearErrors() {
        GrpoConfig ok = config(dir.resolve("m.gguf"), dir, 1);
        assertThatThrownBy(() -> new GrpoConfig(ok.policyModel(), ok.outDir(), ok.ops(), 2, 2, 1, 1, 1, 1, 0.2, 0.04, 1f, 8,
                ok.schedule(), ok.adamW(), 1f, 0, 0, 0, false, 1, 1, "<|im_end|>", GgmlType.F32, "x"))
                .hasMessageContaining("at least 2 samples");
        assertThatThrownBy(() -> new GrpoConfig(ok.policyModel(), ok.outDir(), ok.ops(), 2, 5, 1, 1, 4, 1, 0.2, 0.04, 1f, 8,
                ok.schedule(), ok.adamW(), 1f, 0, 0, 0, false, 1, 1, "<|im_end|>", GgmlType.F32, "x"))
                .hasMessageContaining("within 2-4");
        assertThatThrownBy(() -> new GrpoConfig(ok.policyModel(), ok.outDir(), ok.ops(), 2, 2, 1, 1, 4, 1, 0.2, 0.04, 0f, 8,
                ok.schedule(), ok.adamW(), 1f, 0, 0, 0, false, 1, 1, "<|im_end|>", GgmlType.F32, "x"))
                .hasMessageContaining("temperature must be positive");
    }
}

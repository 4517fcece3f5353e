package jllm.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

import jllm.generate.SamplerSettings;
import jllm.generate.Session;
import jllm.generate.search.ModelSampler;
import jllm.kernel.Dense;
import jllm.model.LoadedModel;
import jllm.tensor.GgmlType;
import jllm.train.ops.CrossEntropy;
import jllm.train.task.Arithmetic;
import jllm.train.task.ArithmeticEval;

/**
 * Group Relative Policy Optimization (Shao et al. 2024, DeepSeekMath, eq. 3) with the arithmetic task's
 * exact checker as reward. Each step draws {@code prompts} training questions and samples G replies to
 * each from the current policy with the inference engine (the weights written to a GGUF and loaded, so
 * sampling is exactly what {@code jllm run} would do); rewards are 1 for a right final answer, else 0;
 * advantages are group-relative, {@code A_i = (r_i − mean(r)) / std(r)} (population std; a group whose
 * rewards are all equal has advantages 0 and teaches nothing). The objective, maximized, is
 * <pre>
 * J = 1/N Σ_i 1/|o_i| Σ_t [ min(ρ_t A_i, clip(ρ_t, 1−ε, 1+ε) A_i) − β D_t ]
 * ρ_t = π_θ(o_t)/π_old(o_t),   D_t = π_ref(o_t)/π_θ(o_t) − log(π_ref(o_t)/π_θ(o_t)) − 1   (the k3 estimator of KL)
 * </pre>
 * over the N replies of the step: each reply's tokens averaged, then the replies, as the paper writes it.
 * π_old is the policy that sampled (its log-probabilities are taken before the step's first update, by
 * the training forward pass, whose logits equal the engine's); π_ref is the starting model, frozen. The
 * gradient reaches the logits as a per-token cross-entropy weight, {@code −∂loss/∂log π_θ(o_t)}, the
 * same route as {@link Dpo}'s, through the same token log-probabilities.
 *
 * <pre>{@code
 * GrpoResult r = Grpo.run(config, new ConsoleProgress(System.err));
 * }</pre>
 */
public final class Grpo {
    private Grpo() {
    }

    /** Group-relative advantages: (r − mean) / std with the population std; all 0 when std is 0. */
    public static double[] advantages(double[] rewards) {
        double mean = 0;
        for (double r : rewards) {
            mean += r / rewards.length;
        }
        double var = 0;
        for (double r : rewards) {
            var += (r - mean) * (r - mean) / rewards.length;
        }
        double std = Math.sqrt(var);
        double[] a = new double[rewards.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = std == 0 ? 0 : (rewards[i] - mean) / std;
        }
        return a;
    }

    /**
     * The GRPO loss (−J) of a batch of replies and, into {@code weight}, each token's cross-entropy weight
     * {@code −∂loss/∂log π_θ} (so that {@link CrossEntropy#backward} with it gives ∂loss/∂logits).
     *
     * @param logp      log π_θ per position (batch, seqLen)
     * @param oldLogp   log π_old per position
     * @param refLogp   log π_ref per position
     * @param trained   which positions are reply tokens
     * @param advantage A per sequence of the batch
     * @param replies   N: the replies the loss averages over (this batch may be a part of them)
     */
    public static double loss(double[] logp, double[] oldLogp, double[] refLogp, boolean[] trained, int batch, int seqLen,
                              double[] advantage, double clip, double beta, int replies, float[] weight) {
        double loss = 0;
        for (int s = 0; s < batch; s++) {
            int length = 0;
            for (int t = 0; t < seqLen; t++) {
                length += trained[s * seqLen + t] ? 1 : 0;
            }
            if (length == 0) {
                continue;
            }
            double w = 1.0 / ((double) length * replies);
            double a = advantage[s];
            for (int t = 0; t < seqLen; t++) {
                int i = s * seqLen + t;
                if (!trained[i]) {
                    weight[i] = 0;
                    continue;
                }
                double ratio = Math.exp(logp[i] - oldLogp[i]);
                double clipped = Math.max(1 - clip, Math.min(1 + clip, ratio));
                // the min picks the unclipped term when it is the smaller: only then does it depend on θ
                boolean unclipped = ratio * a <= clipped * a;
                double surrogate = unclipped ? ratio * a : clipped * a;
                double refRatio = Math.exp(refLogp[i] - logp[i]);
                double kl = refRatio - (refLogp[i] - logp[i]) - 1;
                loss -= w * (surrogate - beta * kl);
                // dJ/dlogp: ρA from the surrogate (ρ' = ρ), and −β(1 − π_ref/π_θ) from the KL term
                double dJ = (unclipped ? ratio * a : 0) - beta * (1 - refRatio);
                weight[i] = (float) (w * dJ);
            }
        }
        return loss;
    }

    /** One sampled reply, as a training sequence, with its reward. */
    record Reply(ChatTokenizer.Example example, double reward) {
    }

    /**
     * Tunes {@code c.policyModel()} and writes {@code c.outDir()/model.gguf}. The listener's steps carry the
     * GRPO loss; its evaluations carry the step's mean reward (as trainLoss) and the held-out accuracy (as valLoss).
     */
    public static GrpoResult run(GrpoConfig c, ProgressListener listener) {
        GgufImport.Loaded policy = GgufImport.load(c.policyModel());
        ChatTokenizer chat = ChatTokenizer.of(policy, c.policyModel(), c.endOfTurn());
        String template = chat.templateSource();
        int eot = chat.endOfTurnId();
        GgufTokenizer tokenizer = policy.tokenizer().with(eot, Optional.of(template));
        int context = policy.params().config.contextLength();
        List<Arithmetic.Problem> heldOut = Arithmetic.heldOut(c.ops(), c.minDigits(), c.maxDigits(), c.evalPerCell());
        long t0 = System.nanoTime();
        try (Dense dense = Dense.vector(c.threads())) {
            Files.createDirectories(c.outDir());
            Path samplerFile = c.outDir().resolve("policy.gguf");
            LlamaParams refParams = GgufImport.load(c.policyModel()).params();
            TrainableLlama ref = new TrainableLlama(refParams, dense);
            LlamaParams params = policy.params();
            TrainableLlama model = new TrainableLlama(params, dense);
            AdamW opt = new AdamW(params.all(), c.adamW());
            LrSchedule schedule = c.schedule().resolve(c.steps() * c.updates());
            // accuracy before training is the reference's (the starting weights), also when resuming
            List<ArithmeticEval.Cell> before = evaluate(refParams, tokenizer, chat, samplerFile, heldOut, c);
            Path checkpoint = c.outDir().resolve("checkpoint.bin");
            int first = 0;
            LossLog losses = new LossLog();
            LossLog rewards = new LossLog();
            if (c.resume() && Files.exists(checkpoint)) {
                int taken = Checkpoint.load(checkpoint, params, opt);
                if (taken % c.updates() != 0) {
                    throw new IllegalArgumentException(checkpoint + " was written after " + taken + " optimizer steps, not a whole "
                            + "number of steps of " + c.updates() + " updates: resume with the --updates it was written with");
                }
                first = taken / c.updates();
                losses = LossLog.readCsv(c.outDir().resolve("loss.csv"), first);
                rewards = readRewards(c.outDir().resolve("reward.csv"), first);
            } else if (!before.isEmpty()) {
                rewards.onEval(new ProgressListener.Eval(0, Double.NaN, accuracy(before)));
            }
            List<Double> meanRewards = new ArrayList<>();
            for (LossLog.Row r : rewards.rows()) {
                if (!Double.isNaN(r.trainLoss())) {
                    meanRewards.add(r.trainLoss());
                }
            }
            long sampledTokens = 0;
            List<ArithmeticEval.Cell> after = first == 0 ? before : evaluate(params, tokenizer, chat, samplerFile, heldOut, c);
            int optimizerStep = first * c.updates();
            for (int step = first; step < c.steps(); step++) {
                long s0 = System.nanoTime();
                // sample G replies to each question from the current policy, with the inference engine
                Random rnd = new Random(c.seed() * 1_000_003L + step);
                List<List<Reply>> groups = new ArrayList<>();
                params.writeGguf(samplerFile, tokenizer, c.name(), GgmlType.F32);
                try (LoadedModel m = LoadedModel.open(samplerFile, new LoadedModel.Options(Optional.empty(), c.threads()).withoutWarmUp())) {
                    Session session = Session.of(m.model(), context);
                    SamplerSettings settings = new SamplerSettings(c.temperature(), 0, 1f, 0f, 1f, 64, 0f, 0f, rnd.nextLong());
                    for (int q = 0; q < c.prompts(); q++) {
                        Arithmetic.Problem p = Arithmetic.training(rnd, c.ops(), c.minDigits(), c.maxDigits());
                        int[] prompt = chat.prompt(p.prompt());
                        int budget = Math.min(c.maxTokens(), context - prompt.length);
                        if (budget < 1) {
                            throw new IllegalArgumentException("the question '" + p.question() + "' takes " + prompt.length
                                    + " tokens, the whole context of " + context + ": use a model with a longer context");
                        }
                        ModelSampler sampler = new ModelSampler(session, m.tokenizer(), prompt,
                                settings.withSeed(settings.seed() + (long) q * c.group()), budget);
                        List<Reply> group = new ArrayList<>();
                        for (ModelSampler.Sample s : sampler.sample(c.group())) {
                            group.add(reply(prompt, s, eot, p.check(s.text()) ? 1 : 0));
                            sampledTokens += s.tokens();
                        }
                        groups.add(group);
                    }
                }
                double meanReward = 0;
                int replies = c.prompts() * c.group();
                for (List<Reply> g : groups) {
                    for (Reply r : g) {
                        meanReward += r.reward() / replies;
                    }
                }
                meanRewards.add(meanReward);
                // π_old and π_ref log-probabilities, once per batch of samples
                List<Batch> batches = new ArrayList<>();
                List<double[]> adv = new ArrayList<>();
                List<double[]> old = new ArrayList<>();
                List<double[]> refLp = new ArrayList<>();
                int vocab = params.config.vocabSize();
                for (List<Reply> g : groups) {
                    Batch b = Batch.of(g.stream().map(Reply::example).toList(), context + 1, eot);
                    batches.add(b);
                    adv.add(advantages(g.stream().mapToDouble(Reply::reward).toArray()));
                    old.add(Dpo.tokenLogProbs(model.forward(b.tokens(), b.batch(), b.seqLen()), b, vocab));
                    refLp.add(Dpo.tokenLogProbs(ref.forward(b.tokens(), b.batch(), b.seqLen()), b, vocab));
                }
                double stepLoss = Double.NaN;
                float norm = Float.NaN, lr = Float.NaN;
                for (int u = 0; u < c.updates(); u++) {
                    params.zeroGrad();
                    double loss = backward(model, batches, adv, old, refLp, c.clip(), c.beta(), replies);
                    if (u == 0) {
                        stepLoss = loss;
                    }
                    norm = AdamW.clipGradNorm(params.all(), c.gradClip());
                    lr = schedule.rate(optimizerStep++);
                    opt.step(lr);
                }
                long s1 = System.nanoTime();
                long tokens = 0;
                for (Batch b : batches) {
                    tokens += b.trainedCount();
                }
                ProgressListener.Step st = ProgressListener.Step.timed(step + 1, c.steps(), stepLoss, lr, norm, tokens,
                        step + 1 - first, t0, s0, s1);
                losses.onStep(st);
                listener.onStep(st);
                rewards.onStep(new ProgressListener.Step(step + 1, c.steps(), meanReward, lr, norm, st.tokensPerSecond(), st.etaSeconds()));
                boolean last = step + 1 == c.steps();
                if (!heldOut.isEmpty() && (last || (c.evalEvery() > 0 && (step + 1) % c.evalEvery() == 0))) {
                    after = evaluate(params, tokenizer, chat, samplerFile, heldOut, c);
                    ProgressListener.Eval e = new ProgressListener.Eval(step + 1, meanReward, accuracy(after));
                    rewards.onEval(e);
                    listener.onEval(e);
                }
                if (last || (c.checkpointEvery() > 0 && (step + 1) % c.checkpointEvery() == 0)) {
                    Checkpoint.save(checkpoint, params, opt);
                    // the curves up to the checkpoint, so that a resumed run continues them
                    losses.writeCsv(c.outDir().resolve("loss.csv"));
                    writeRewards(c.outDir().resolve("reward.csv"), rewards);
                }
            }
            Files.deleteIfExists(samplerFile);
            losses.writeCsv(c.outDir().resolve("loss.csv"));
            losses.writeSvg(c.outDir().resolve("loss.svg"), c.name() + ": GRPO loss");
            writeRewards(c.outDir().resolve("reward.csv"), rewards);
            rewards.writeSvg(c.outDir().resolve("reward.svg"), c.name() + ": GRPO reward and held-out accuracy",
                    "mean reward", "held-out accuracy");
            Path gguf = c.outDir().resolve("model.gguf");
            params.writeGguf(gguf, tokenizer, c.name(), c.outputType());
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new GrpoResult(gguf, params, before, after, meanRewards, c.steps() - first, sampledTokens, seconds);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * Adds the gradient of the GRPO loss over {@code batches} (one per group: its advantages, π_old and π_ref
     * log-probabilities) into the parameters and returns the loss; {@code replies} is N of the average.
     */
    static double backward(TrainableLlama model, List<Batch> batches, List<double[]> advantages, List<double[]> oldLogp,
                           List<double[]> refLogp, double clip, double beta, int replies) {
        int vocab = model.params().config.vocabSize();
        double loss = 0;
        for (int k = 0; k < batches.size(); k++) {
            Batch b = batches.get(k);
            float[] logits = model.forward(b.tokens(), b.batch(), b.seqLen());
            double[] lp = Dpo.tokenLogProbs(logits, b, vocab);
            float[] weight = new float[b.tokens().length];
            loss += loss(lp, oldLogp.get(k), refLogp.get(k), b.trained(), b.batch(), b.seqLen(), advantages.get(k), clip, beta,
                    replies, weight);
            float[] dlogits = new float[logits.length];
            CrossEntropy.backward(dlogits, logits, b.targets(), weight, b.tokens().length, vocab);
            model.backward(dlogits);
        }
        return loss;
    }

    /** A sampled reply as a sequence: the prompt untrained, then the reply and, if it ended so, the end of turn. */
    static Reply reply(int[] prompt, ModelSampler.Sample s, int eot, double reward) {
        int n = prompt.length + s.tokens() + (s.finished() ? 1 : 0);
        int[] tokens = new int[n];
        boolean[] trained = new boolean[n];
        System.arraycopy(prompt, 0, tokens, 0, prompt.length);
        System.arraycopy(s.ids(), 0, tokens, prompt.length, s.tokens());
        if (s.finished()) {
            tokens[n - 1] = eot;
        }
        for (int i = prompt.length; i < n; i++) {
            trained[i] = true;
        }
        return new Reply(new ChatTokenizer.Example(tokens, trained), reward);
    }

    /** Held-out greedy accuracy per cell of the current weights, through the inference engine. */
    private static List<ArithmeticEval.Cell> evaluate(LlamaParams params, GgufTokenizer tokenizer, ChatTokenizer chat, Path file,
                                                      List<Arithmetic.Problem> heldOut, GrpoConfig c) {
        if (heldOut.isEmpty()) {
            return List.of();
        }
        params.writeGguf(file, tokenizer, c.name(), GgmlType.F32);
        try (LoadedModel m = LoadedModel.open(file, new LoadedModel.Options(Optional.empty(), c.threads()).withoutWarmUp())) {
            return ArithmeticEval.run(m.model(), m.tokenizer(), chat, params.config.contextLength(), heldOut,
                    new ArithmeticEval.Settings(ArithmeticEval.Method.SAMPLE, 1, SamplerSettings.GREEDY, c.maxTokens(), 0, 0));
        }
    }

    /** Fraction right over all cells. */
    public static double accuracy(List<ArithmeticEval.Cell> cells) {
        int right = 0, all = 0;
        for (ArithmeticEval.Cell cell : cells) {
            right += cell.correct();
            all += cell.questions();
        }
        return all == 0 ? Double.NaN : (double) right / all;
    }

    /** Reads reward.csv back, rows up to {@code lastStep}. */
    private static LossLog readRewards(Path path, int lastStep) {
        LossLog log = new LossLog();
        if (!Files.exists(path)) {
            return log;
        }
        try {
            for (String line : Files.readAllLines(path)) {
                String[] f = line.split(",", -1);
                if (line.startsWith("step") || line.isBlank() || Integer.parseInt(f[0]) > lastStep) {
                    continue;
                }
                int step = Integer.parseInt(f[0]);
                if (!f[1].isEmpty()) {
                    log.onStep(new ProgressListener.Step(step, 0, Double.parseDouble(f[1]), Float.NaN, Float.NaN, Double.NaN, Double.NaN));
                }
                if (!f[2].isEmpty()) {
                    log.onEval(new ProgressListener.Eval(step, Double.NaN, Double.parseDouble(f[2])));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + ": " + e.getMessage(), e);
        }
        return log;
    }

    private static void writeRewards(Path path, LossLog rewards) {
        StringBuilder sb = new StringBuilder("step,mean_reward,heldout_accuracy\n");
        for (LossLog.Row r : rewards.rows()) {
            sb.append(r.step()).append(',').append(Double.isNaN(r.trainLoss()) ? "" : String.format(Locale.ROOT, "%.6g", r.trainLoss()))
                    .append(',').append(Double.isNaN(r.valLoss()) ? "" : String.format(Locale.ROOT, "%.6g", r.valLoss())).append('\n');
        }
        try {
            Files.writeString(path, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + path + ": " + e.getMessage(), e);
        }
    }
}

package jllm.train;

import java.util.Arrays;
import java.util.Random;

import jllm.kernel.Dense;
import jllm.train.ops.CrossEntropy;

/**
 * The next-token training loop of nanoGPT's train.py: random windows of the training tokens, mean
 * cross-entropy, gradient accumulation, clipping, AdamW on a warmup + cosine schedule, and periodic
 * validation losses. The batches of step s depend only on the seed and s, so a run resumed from a
 * checkpoint takes exactly the steps the uninterrupted run would have.
 *
 * <pre>{@code
 * Trainer t = new Trainer(params, dense, TrainSettings.nanoGptShakespeareCpu());
 * t.run(train, val, listener);
 * double val = t.evaluateAll(val);
 * }</pre>
 */
public final class Trainer {
    private final LlamaParams params;
    private final Dense dense;
    private final TrainSettings s;
    private final TrainableLlama model;
    private final AdamW optimizer;

    public Trainer(LlamaParams params, Dense dense, TrainSettings settings) {
        if (settings.seqLen() > params.config.contextLength()) {
            throw new IllegalArgumentException("sequence length " + settings.seqLen() + " exceeds the model's context "
                    + params.config.contextLength());
        }
        this.params = params;
        this.dense = dense;
        this.s = settings;
        this.model = new TrainableLlama(params, dense);
        this.optimizer = new AdamW(params.all(), settings.adamW());
    }

    /** The optimizer (its moments and step count belong in checkpoints). */
    public AdamW optimizer() {
        return optimizer;
    }

    /** The model. */
    public TrainableLlama model() {
        return model;
    }

    /** Steps taken so far. */
    public int step() {
        return optimizer.steps();
    }

    /**
     * Runs steps until {@code settings.steps()}, with losses every {@code evalEvery} steps and at the end: the
     * training loss estimated on {@code evalBatches} random batches, the {@link #validationLoss validation loss}.
     */
    public void run(TokenSequence train, TokenSequence val, ProgressListener listener) {
        if (train.length() <= s.seqLen()) {
            throw new IllegalArgumentException("the training split has " + train.length() + " tokens, fewer than a window of "
                    + (s.seqLen() + 1) + ": use more text, a smaller validation fraction, or a shorter context");
        }
        if (val.length() <= s.seqLen()) {
            throw new IllegalArgumentException("the validation split has " + val.length() + " tokens, fewer than a window of "
                    + (s.seqLen() + 1) + ": use more text, a larger validation fraction, or a shorter context");
        }
        long tokensPerStep = (long) s.batch() * s.seqLen() * s.accumSteps();
        long start = System.nanoTime();
        int first = step();
        while (step() < s.steps()) {
            long t0 = System.nanoTime();
            double loss = trainStep(train);
            long t1 = System.nanoTime();
            int done = step();
            listener.onStep(ProgressListener.Step.timed(done, s.steps(), loss, lastLr, lastNorm, tokensPerStep,
                    done - first, start, t0, t1));
            if ((s.evalEvery() > 0 && done % s.evalEvery() == 0) || done == s.steps()) {
                listener.onEval(new ProgressListener.Eval(done, evaluate(train, s.evalBatches(), s.seed() + 1),
                        validationLoss(val)));
            }
        }
    }

    private float lastLr;
    private float lastNorm;

    /** One optimizer step on the batches of the current step number; returns their mean loss. */
    public double trainStep(TokenSequence train) {
        int stepIndex = step();
        int n = s.batch() * s.seqLen();
        int[] tokens = new int[n];
        int[] targets = new int[n];
        float[] weight = new float[n];
        Arrays.fill(weight, 1f / (n * s.accumSteps()));
        float[] dlogits = null;
        double loss = 0;
        params.zeroGrad();
        for (int micro = 0; micro < s.accumSteps(); micro++) {
            sample(train, new Random(mix(s.seed(), stepIndex, micro)), tokens, targets);
            float[] logits = model.forward(tokens, s.batch(), s.seqLen());
            if (dlogits == null) {
                dlogits = new float[logits.length];
            }
            int vocab = params.config.vocabSize();
            loss += CrossEntropy.forwardBackward(dense, dlogits, logits, targets, weight, n, vocab);
            model.backward(dlogits);
        }
        lastNorm = s.gradClip() > 0 ? AdamW.clipGradNorm(params.all(), s.gradClip()) : Float.NaN;
        lastLr = s.schedule().rate(stepIndex);
        optimizer.step(dense, lastLr);
        return loss;
    }

    /** Mean loss over {@code batches} random windows chosen by {@code seed}. */
    public double evaluate(TokenSequence data, int batches, long seed) {
        int n = s.batch() * s.seqLen();
        int[] tokens = new int[n];
        int[] targets = new int[n];
        float[] weight = new float[n];
        Arrays.fill(weight, 1f / n);
        Random rnd = new Random(seed);
        double sum = 0;
        for (int b = 0; b < batches; b++) {
            sample(data, rnd, tokens, targets);
            sum += CrossEntropy.forward(model.forward(tokens, s.batch(), s.seqLen()), targets, weight, n,
                    params.config.vocabSize());
        }
        return sum / batches;
    }

    /** Mean loss over every non-overlapping window of seqLen + 1 tokens of {@code data} (all positions scored). */
    public double evaluateAll(TokenSequence data) {
        return evaluateWindows(data, Long.MAX_VALUE);
    }

    /**
     * The validation loss, one definition for the step lines and the summary: the mean loss over every
     * position of {@link #validationWindows} non-overlapping windows of seqLen + 1 tokens of {@code data},
     * spread evenly over it: every window when there are at most {@code evalBatches x batch} of them.
     * The same windows at every evaluation, so successive values differ only by what the model learned.
     */
    public double validationLoss(TokenSequence data) {
        return evaluateWindows(data, validationWindows(data));
    }

    /** How many windows {@link #validationLoss} scores in {@code data}. */
    public long validationWindows(TokenSequence data) {
        return Math.min((data.length() - 1) / s.seqLen(), (long) s.evalBatches() * s.batch());
    }

    /** Mean loss over {@code n} of the non-overlapping windows of {@code data}, evenly spaced (all when n covers them). */
    private double evaluateWindows(TokenSequence data, long n) {
        int T = s.seqLen();
        long all = (data.length() - 1) / T;
        long windows = Math.min(all, n);
        int vocab = params.config.vocabSize();
        double sum = 0;
        long count = 0;
        for (long w0 = 0; w0 < windows; w0 += s.batch()) {
            int b = (int) Math.min(s.batch(), windows - w0);
            int[] tokens = new int[b * T];
            int[] targets = new int[b * T];
            for (int i = 0; i < b; i++) {
                // window k of n is window floor(k * all / n) of all: each of them when n == all
                long k = w0 + i;
                long start = (windows == all ? k : k * all / windows) * T;
                data.copy(start, tokens, i * T, T);
                data.copy(start + 1, targets, i * T, T);
            }
            float[] logits = model.forward(tokens, b, T);
            for (int i = 0; i < b * T; i++) {
                sum += CrossEntropy.nll(logits, i, vocab, targets[i]);
            }
            count += (long) b * T;
        }
        return sum / count;
    }

    /**
     * The mean NLL that llama-perplexity (and jllm's eval Perplexity) scores, computed with the training
     * forward pass: chunks of {@code ctx} tokens, the first replaced by {@code bos} (when {@code bos >= 0}),
     * only the second half of each chunk scored. exp of this is the perplexity.
     */
    public double evaluateChunks(TokenSequence data, int ctx, int bos) {
        long chunks = data.length() / ctx;
        int vocab = params.config.vocabSize();
        double sum = 0;
        long count = 0;
        int[] tokens = new int[ctx];
        for (long i = 0; i < chunks; i++) {
            data.copy(i * ctx, tokens, 0, ctx);
            int[] input = tokens.clone();
            if (bos >= 0) {
                input[0] = bos;
            }
            float[] logits = model.forward(input, 1, ctx);
            for (int j = ctx / 2; j < ctx - 1; j++) {
                sum += CrossEntropy.nll(logits, j, vocab, tokens[j + 1]);
                count++;
            }
        }
        return sum / count;
    }

    /** Fills (batch, seqLen) inputs and their next tokens from random offsets, as nanoGPT's get_batch. */
    private void sample(TokenSequence data, Random rnd, int[] tokens, int[] targets) {
        int T = s.seqLen();
        long range = data.length() - T;
        if (range < 1) {
            throw new IllegalArgumentException("the data has " + data.length() + " tokens, fewer than a window of " + (T + 1));
        }
        for (int b = 0; b < s.batch(); b++) {
            long o = (long) (rnd.nextDouble() * range);
            data.copy(o, tokens, b * T, T);
            data.copy(o + 1, targets, b * T, T);
        }
    }

    private static long mix(long seed, int step, int micro) {
        long z = seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + micro * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        return z ^ (z >>> 31);
    }
}

package jllm.train.guard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import jllm.model.Classifier;
import jllm.train.AdamW;
import jllm.train.Param;

/**
 * Fine-tunes a {@link GuardModel} on labelled texts with AdamW and cross-entropy, then sets its
 * threshold from benign validation texts. With {@code fineTune} off only the head learns, on hidden
 * states computed once per text (fast: one forward per text); with it on, the transformer learns too
 * (a forward and backward per text per epoch).
 *
 * <pre>{@code
 * GuardTrainer.Result r = GuardTrainer.train(guard, split.train(), new GuardTrainer.Settings(20, 3e-3f, 16, false, 1), null);
 * GuardTrainer.calibrate(guard, split.validation(), 0.01);
 * }</pre>
 */
public final class GuardTrainer {
    private GuardTrainer() {
    }

    /**
     * Training options.
     *
     * @param epochs       passes over the training texts
     * @param learningRate AdamW's learning rate (constant)
     * @param batchSize    texts per optimizer step
     * @param fineTune     whether the transformer learns too, not only the head
     * @param seed         the shuffling seed
     */
    public record Settings(int epochs, float learningRate, int batchSize, boolean fineTune, long seed) {
        public Settings {
            if (epochs < 1 || batchSize < 1 || !(learningRate > 0f)) {
                throw new IllegalArgumentException("guard training needs epochs >= 1, batch size >= 1 and a positive "
                        + "learning rate, not " + epochs + ", " + batchSize + ", " + learningRate);
            }
        }
    }

    /** Mean training loss per epoch and the accuracy on the training texts at threshold 0.5 after the last. */
    public record Result(float[] epochLoss, double trainAccuracy) {
    }

    /** Receives the mean loss after each epoch (for progress output); may be null. */
    public interface Listener {
        void epoch(int epoch, float meanLoss);
    }

    /** Trains {@code guard} on {@code examples}. */
    public static Result train(GuardModel guard, List<GuardExample> examples, Settings s, Listener listener) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no training texts for the guard");
        }
        GuardHead head = guard.head();
        List<Param> trained = new ArrayList<>(List.of(head.weight(), head.bias()));
        if (s.fineTune()) {
            for (Param p : guard.params().all()) {
                if (p != guard.params().output) { // the unused vocabulary classifier of an untied model
                    trained.add(p);
                }
            }
        }
        AdamW opt = new AdamW(trained, new AdamW.Settings(0.9f, 0.99f, 1e-8f, s.fineTune() ? 0.01f : 0f));
        float[][] cached = s.fineTune() ? null : new float[examples.size()][];
        if (cached != null) {
            for (int i = 0; i < examples.size(); i++) {
                cached[i] = guard.features(examples.get(i).text());
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            order.add(i);
        }
        Random rnd = new Random(s.seed());
        float[] epochLoss = new float[s.epochs()];
        for (int epoch = 0; epoch < s.epochs(); epoch++) {
            Collections.shuffle(order, rnd);
            double total = 0;
            for (int from = 0; from < order.size(); from += s.batchSize()) {
                int to = Math.min(order.size(), from + s.batchSize());
                for (Param p : trained) {
                    Arrays.fill(p.grad(), 0f);
                }
                float scale = 1f / (to - from);
                for (int b = from; b < to; b++) {
                    GuardExample e = examples.get(order.get(b));
                    if (cached != null) {
                        float[] pooled = cached[order.get(b)];
                        total += head.loss(pooled, e.attack());
                        head.backward(pooled, e.attack(), scale, false);
                    } else {
                        total += fineTuneStep(guard, e, scale);
                    }
                }
                AdamW.clipGradNorm(trained, 1f);
                opt.step(s.learningRate());
            }
            epochLoss[epoch] = (float) (total / examples.size());
            if (listener != null) {
                listener.epoch(epoch + 1, epochLoss[epoch]);
            }
        }
        int correct = 0;
        for (int i = 0; i < examples.size(); i++) {
            float[] pooled = cached != null ? cached[i] : guard.features(examples.get(i).text());
            if ((head.score(pooled) > 0.5f) == examples.get(i).attack()) {
                correct++;
            }
        }
        return new Result(epochLoss, (double) correct / examples.size());
    }

    /** Forward and backward of one text through head and transformer; returns its loss. */
    static float fineTuneStep(GuardModel guard, GuardExample e, float scale) {
        int[] tokens = guard.tokens(e.text());
        GuardModel.Pooled pooled = guard.pool(tokens);
        float loss = guard.head().loss(pooled.features(), e.attack());
        float[] dPooled = guard.head().backward(pooled.features(), e.attack(), scale, true);
        int dim = guard.params().config.dim();
        float[] dMean = switch (guard.pooling()) {
            case MEAN -> dPooled;
            case MAX, LAST -> null;
            case MEAN_MAX -> Arrays.copyOfRange(dPooled, 0, dim);
        };
        float[] dMax = switch (guard.pooling()) {
            case MEAN, LAST -> null;
            case MAX -> dPooled;
            case MEAN_MAX -> Arrays.copyOfRange(dPooled, dim, 2 * dim);
        };
        float[] dLast = guard.pooling() == Classifier.Pooling.LAST ? dPooled : null;
        int window = guard.window();
        for (int w = 0, from = 0; from < tokens.length; w++, from += window) {
            int to = Math.min(tokens.length, from + window);
            int n = to - from;
            if (tokens.length > window) { // the kept activations are the last window's: run this one again
                guard.llama().forwardHidden(Arrays.copyOfRange(tokens, from, to), 1, n);
            }
            float[] dHidden = new float[n * dim];
            if (dMean != null) { // the mean spreads its gradient evenly over every token of every window
                for (int t = 0; t < n; t++) {
                    for (int i = 0; i < dim; i++) {
                        dHidden[t * dim + i] = dMean[i] / tokens.length;
                    }
                }
            }
            if (dMax != null) { // the max sends each dimension's gradient to the one token that holds it
                for (int i = 0; i < dim; i++) {
                    if (pooled.maxWindow()[i] == w) {
                        dHidden[pooled.maxToken()[i] * dim + i] += dMax[i];
                    }
                }
            }
            if (dLast != null && to == tokens.length) { // the last token of the last window takes it all
                for (int i = 0; i < dim; i++) {
                    dHidden[(n - 1) * dim + i] += dLast[i];
                }
            }
            guard.llama().backwardHidden(dHidden);
        }
        return loss;
    }

    /**
     * Sets the guard's threshold to the lowest value at which at most {@code maxFalsePositiveRate} of the
     * benign texts in {@code validation} score above it, and returns it.
     */
    public static float calibrate(GuardModel guard, List<GuardExample> validation, double maxFalsePositiveRate) {
        List<Float> benign = new ArrayList<>();
        for (GuardExample e : validation) {
            if (!e.attack()) {
                benign.add(guard.score(e.text()));
            }
        }
        if (benign.isEmpty()) {
            throw new IllegalArgumentException("the threshold is chosen on benign validation texts, and there are none");
        }
        float t = GuardMetrics.thresholdAtFalsePositiveRate(benign, maxFalsePositiveRate);
        guard.threshold(t);
        return t;
    }
}

package jllm.train.task;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import jllm.model.Classifier;
import jllm.generate.SamplerSettings;
import jllm.generate.Session;
import jllm.generate.search.ModelSampler;
import jllm.generate.search.Verifier;
import jllm.kernel.Dense;
import jllm.model.LanguageModel;
import jllm.tensor.GgmlType;
import jllm.tokenizer.Tokenizer;
import jllm.train.ChatTokenizer;
import jllm.train.guard.GuardExample;
import jllm.train.guard.GuardModel;
import jllm.train.guard.GuardTrainer;

/**
 * A scorer model for arithmetic replies (an outcome reward model): P(the reply's final answer is right),
 * read from a question and a reply, complete or partial. It is a two-way classifier on a jllm model's
 * hidden states (a {@link GuardModel}: the transformer, the mean of its normed hidden states, a linear
 * head; class 1 here means "right"), trained on replies sampled from the chat model and labelled by the
 * exact checker. Unlike the checker it does not know the answer, so it can serve as the verifier of
 * best-of-n and, on partial replies, as the step scorer of a beam search.
 *
 * <p>The classifier reads {@link #text}: the question, a newline, the reply. With {@code prefixes} the
 * training set also holds every line prefix of each reply with the whole reply's label (the chance that
 * a reply begun this way ends right), which is what a step scorer is asked.
 *
 * <pre>{@code
 * List<OutcomeScorer.Labelled> data = OutcomeScorer.sample(model, tokenizer, chat, 256, problems, 8, settings, 160);
 * try (OutcomeScorer scorer = OutcomeScorer.fromBase(Path.of("sft/model.gguf"), 1, Dense.vector(1))) {
 *     scorer.train(data, true, new GuardTrainer.Settings(2, 1e-3f, 16, true, 1));
 *     double p = scorer.score(problem, "47*6=282\n...");
 * }
 * }</pre>
 */
public final class OutcomeScorer implements AutoCloseable {
    private final GuardModel classifier;

    /** A reply labelled by the exact checker. */
    public record Labelled(Arithmetic.Problem problem, String reply, boolean right) {
    }

    private OutcomeScorer(GuardModel classifier) {
        this.classifier = classifier;
    }

    /** A new scorer on the transformer of the llama GGUF {@code base} (e.g. the SFT model), its head seeded. */
    public static OutcomeScorer fromBase(Path base, long seed, Dense dense) {
        return fromBase(base, Classifier.Pooling.MEAN, seed, dense);
    }

    /** {@link #fromBase(Path, long, Dense)} with the head reading {@code pooling} of the hidden states. */
    public static OutcomeScorer fromBase(Path base, Classifier.Pooling pooling, long seed, Dense dense) {
        return new OutcomeScorer(GuardModel.fromBase(base, pooling, seed, dense));
    }

    /** A scorer over a classifier (class 1 = right). */
    public static OutcomeScorer of(GuardModel classifier) {
        return new OutcomeScorer(classifier);
    }

    /** Loads a scorer written by {@link #save}. */
    public static OutcomeScorer load(Path path, Dense dense) {
        return new OutcomeScorer(GuardModel.load(path, dense));
    }

    /** What the classifier reads: the question, a newline, and the reply. */
    public static String text(Arithmetic.Problem p, String reply) {
        return p.question() + "\n" + reply;
    }

    /**
     * {@code samples} replies to each problem from a chat model (question q's first sample uses seed
     * {@code settings.seed() + q * samples}), each labelled by the exact checker.
     */
    public static List<Labelled> sample(LanguageModel model, Tokenizer tokenizer, ChatTokenizer chat, int context,
                                        List<Arithmetic.Problem> problems, int samples, SamplerSettings settings, int maxTokens) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples per problem must be at least 1, got " + samples);
        }
        Session session = Session.of(model, context);
        List<Labelled> out = new ArrayList<>();
        for (int q = 0; q < problems.size(); q++) {
            Arithmetic.Problem p = problems.get(q);
            ModelSampler sampler = new ModelSampler(session, tokenizer, chat.prompt(p.prompt()),
                    settings.withSeed(settings.seed() + (long) q * samples), maxTokens);
            for (ModelSampler.Sample s : sampler.sample(samples)) {
                out.add(new Labelled(p, s.text(), p.check(s.text())));
            }
        }
        return out;
    }

    /**
     * The classifier's training texts: each labelled reply, and with {@code prefixes} each of its proper
     * line prefixes (ending in '\n') with the reply's label. Duplicate (text, label) pairs are kept: a
     * reply sampled often weighs more, as it does in the model's answers.
     */
    public static List<GuardExample> examples(List<Labelled> data, boolean prefixes) {
        List<GuardExample> out = new ArrayList<>();
        for (Labelled l : data) {
            if (prefixes) {
                for (int i = l.reply().indexOf('\n'); i >= 0 && i < l.reply().length() - 1; i = l.reply().indexOf('\n', i + 1)) {
                    out.add(new GuardExample(text(l.problem(), l.reply().substring(0, i + 1)), l.right(), "arithmetic-prefix"));
                }
            }
            out.add(new GuardExample(text(l.problem(), l.reply()), l.right(), "arithmetic"));
        }
        return out;
    }

    /**
     * The replies of the problems that have both a right and a wrong reply in {@code data}, in their order.
     * Best-of-n asks a scorer to rank replies to one question; trained on every problem, a scorer learns
     * which questions are easy (their replies are all right) rather than which reply is, and then prefers
     * wrong replies that look like easy ones.
     */
    public static List<Labelled> contrasting(List<Labelled> data) {
        Map<Arithmetic.Problem, int[]> counts = new HashMap<>(); // problem -> {right, wrong}
        for (Labelled l : data) {
            counts.computeIfAbsent(l.problem(), k -> new int[2])[l.right() ? 0 : 1]++;
        }
        List<Labelled> out = new ArrayList<>();
        for (Labelled l : data) {
            int[] c = counts.get(l.problem());
            if (c[0] > 0 && c[1] > 0) {
                out.add(l);
            }
        }
        return out;
    }

    /**
     * Over the (right, wrong) pairs of replies to the same problem, the fraction that {@code score} puts in
     * the right order (a tie counts half): how well best-of-n under that score can pick. NaN when no problem
     * has both.
     */
    public static double pairwiseAccuracy(List<Labelled> data, ToDoubleFunction<Labelled> score) {
        Map<Arithmetic.Problem, List<double[]>> byProblem = new HashMap<>(); // problem -> {score, right ? 1 : 0}
        for (Labelled l : data) {
            byProblem.computeIfAbsent(l.problem(), k -> new ArrayList<>()).add(new double[] {score.applyAsDouble(l), l.right() ? 1 : 0});
        }
        double ordered = 0;
        long pairs = 0;
        for (List<double[]> replies : byProblem.values()) {
            for (double[] r : replies) {
                for (double[] w : replies) {
                    if (r[1] == 1 && w[1] == 0) {
                        pairs++;
                        ordered += r[0] > w[0] ? 1 : r[0] == w[0] ? 0.5 : 0;
                    }
                }
            }
        }
        return pairs == 0 ? Double.NaN : ordered / pairs;
    }

    /** Trains the classifier on the labelled replies (see {@link #examples}). */
    public GuardTrainer.Result train(List<Labelled> data, boolean prefixes, GuardTrainer.Settings settings, GuardTrainer.Listener listener) {
        if (data.isEmpty()) {
            throw new IllegalArgumentException("no labelled replies to train the scorer on");
        }
        return GuardTrainer.train(classifier, examples(data, prefixes), settings, listener);
    }

    /** P(right) of {@code reply} (complete or partial) to {@code p}. */
    public double score(Arithmetic.Problem p, String reply) {
        return classifier.score(text(p, reply));
    }

    /** The scorer as a verifier of replies to {@code p}; equal texts are scored once. */
    public Verifier verifier(Arithmetic.Problem p) {
        Map<String, Double> seen = new HashMap<>();
        return reply -> seen.computeIfAbsent(reply, r -> score(p, r));
    }

    /**
     * The fraction of {@code data} on which P(right) > 0.5 agrees with the label, the mean score of right and
     * wrong replies, and the {@link #pairwiseAccuracy} of the scores.
     */
    public Agreement agreement(List<Labelled> data) {
        int agree = 0, right = 0;
        double sumRight = 0, sumWrong = 0;
        Map<Labelled, Double> scores = new IdentityHashMap<>();
        for (Labelled l : data) {
            double s = score(l.problem(), l.reply());
            scores.put(l, s);
            agree += (s > 0.5) == l.right() ? 1 : 0;
            if (l.right()) {
                right++;
                sumRight += s;
            } else {
                sumWrong += s;
            }
        }
        int wrong = data.size() - right;
        return new Agreement(data.size(), (double) agree / Math.max(1, data.size()),
                right == 0 ? Double.NaN : sumRight / right, wrong == 0 ? Double.NaN : sumWrong / wrong,
                pairwiseAccuracy(data, scores::get));
    }

    /**
     * How a scorer agrees with the checker on labelled replies.
     *
     * @param replies        how many
     * @param accuracy       fraction where P(right) > 0.5 matches the label
     * @param meanRightScore mean P(right) of the right replies (NaN when none)
     * @param meanWrongScore mean P(right) of the wrong replies (NaN when none)
     * @param pairwise       fraction of (right, wrong) pairs of replies to one problem scored in the right
     *                       order, ties half (NaN when no problem has both): what best-of-n needs
     */
    public record Agreement(int replies, double accuracy, double meanRightScore, double meanWrongScore, double pairwise) {
    }

    /** Writes the scorer as a GGUF (the classifier's format; its class names read benign/attack, class 1 being "right"). */
    public void save(Path path, String name) {
        classifier.save(path, name, GgmlType.F32);
    }

    @Override
    public void close() {
        classifier.close();
    }
}

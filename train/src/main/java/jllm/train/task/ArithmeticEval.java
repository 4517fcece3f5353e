package jllm.train.task;

import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

import jllm.generate.SamplerSettings;
import jllm.generate.Session;
import jllm.generate.search.BeamSearch;
import jllm.generate.search.BestOfN;
import jllm.generate.search.ModelSampler;
import jllm.generate.search.Verifier;
import jllm.generate.search.Vote;
import jllm.model.LanguageModel;
import jllm.tokenizer.Tokenizer;
import jllm.train.ChatTokenizer;

/**
 * Accuracy of a chat model on arithmetic problems, per operation and digit count, answering with one
 * sample, a majority vote over n samples, best-of-n under the exact checker, or a step-level beam
 * search under the process verifier ({@link Arithmetic.Problem#stepsCorrect}). Counts the tokens each
 * method generates, the compute it spends.
 *
 * <pre>{@code
 * List<ArithmeticEval.Cell> cells = ArithmeticEval.run(model, tokenizer, chat, 512, problems,
 *         new ArithmeticEval.Settings(ArithmeticEval.Method.VOTE, 16, settings, 96, 0, 0));
 * }</pre>
 */
public final class ArithmeticEval {
    private ArithmeticEval() {
    }

    /** How a question is answered. */
    public enum Method {
        /** The first sample's answer (greedy with temperature 0). */
        SAMPLE,
        /** Self-consistency: the majority answer of n samples. */
        VOTE,
        /** Best-of-n with the exact checker as verifier (pass@n). */
        BEST_OF,
        /** Best-of-n with the settings' scorer (e.g. an {@link OutcomeScorer}) as verifier. */
        BEST_OF_SCORER,
        /** Step-level beam search with the process verifier, or the settings' scorer when it has one. */
        BEAM;

        /** Whether the method combines n samples (and so reports accuracy at 1, 2, 4, ... samples). */
        public boolean combinesSamples() {
            return this == VOTE || this == BEST_OF || this == BEST_OF_SCORER;
        }
    }

    /**
     * @param method     how a question is answered
     * @param samples    samples per question (SAMPLE, VOTE, BEST_OF)
     * @param sampler    sampler settings (the seed of question q's first sample is seed + q * samples)
     * @param maxTokens  most tokens per reply
     * @param beamWidth  BEAM: replies kept per step
     * @param expansions BEAM: steps sampled from each
     * @param scorer     a verifier per problem that does not know the answer (a scorer model), for
     *                   BEST_OF_SCORER and, when present, BEAM
     */
    public record Settings(Method method, int samples, SamplerSettings sampler, int maxTokens, int beamWidth, int expansions,
                           Optional<Function<Arithmetic.Problem, Verifier>> scorer) {
        public Settings {
            if (samples < 1 || maxTokens < 1) {
                throw new IllegalArgumentException("samples and max tokens must be at least 1, got " + samples + " and " + maxTokens);
            }
            if (method == Method.BEAM && (beamWidth < 1 || expansions < 1)) {
                throw new IllegalArgumentException("beam search needs a width and expansions of at least 1");
            }
            if (method == Method.BEST_OF_SCORER && scorer.isEmpty()) {
                throw new IllegalArgumentException("best-of-n with a scorer needs a scorer");
            }
        }

        /** Settings without a scorer. */
        public Settings(Method method, int samples, SamplerSettings sampler, int maxTokens, int beamWidth, int expansions) {
            this(method, samples, sampler, maxTokens, beamWidth, expansions, Optional.empty());
        }
    }

    /**
     * Results for one operation and digit count.
     *
     * @param correctAt for VOTE and BEST_OF, questions answered right using the first 1, 2, 4, ... samples
     *                  (the last entry uses all); for the others one entry
     * @param tokens    tokens generated in all
     */
    public record Cell(Arithmetic.Op op, int digits, int questions, int correct, int[] correctAt, long tokens) {
        /** Fraction answered right. */
        public double accuracy() {
            return questions == 0 ? Double.NaN : (double) correct / questions;
        }

        /** Sample counts of {@link #correctAt}. */
        public static int[] sampleCounts(int samples) {
            List<Integer> ks = new ArrayList<>();
            for (int k = 1; k < samples; k *= 2) {
                ks.add(k);
            }
            ks.add(samples);
            return ks.stream().mapToInt(Integer::intValue).toArray();
        }

        /** The standard error of {@link #accuracy}, sqrt(p (1 - p) / questions). */
        public double standardError() {
            double p = accuracy();
            return questions == 0 ? Double.NaN : Math.sqrt(p * (1 - p) / questions);
        }

        /** e.g. {@code add 3 digits: 41/50 = 0.820 ± 0.054 (37.2 tokens per question)}. */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s %d digits: %d/%d = %.3f ± %.3f (%.1f tokens per question)",
                    op.name().toLowerCase(Locale.ROOT), digits, correct, questions, accuracy(), standardError(),
                    (double) tokens / Math.max(1, questions));
        }
    }

    /** Answers every problem ({@code context}: KV-cache positions) and tallies each (op, digits) cell in the order met. */
    public static List<Cell> run(LanguageModel model, Tokenizer tokenizer, ChatTokenizer chat, int context,
                                 List<Arithmetic.Problem> problems, Settings s) {
        return compare(model, tokenizer, chat, context, problems, s, List.of(s.method())).get(s.method());
    }

    /**
     * Answers every problem once per method in {@code methods}, all from the same samples ({@code
     * s.samples()} per question; the settings' own method is ignored), so the methods' curves differ only
     * in how they combine them. BEAM, which samples its own steps, runs on its own. Each method's cells
     * count the tokens its samples took.
     */
    public static Map<Method, List<Cell>> compare(LanguageModel model, Tokenizer tokenizer, ChatTokenizer chat, int context,
                                                  List<Arithmetic.Problem> problems, Settings s, List<Method> methods) {
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("no method to run");
        }
        if (methods.contains(Method.BEST_OF_SCORER) && s.scorer().isEmpty()) {
            throw new IllegalArgumentException("best-of-n with a scorer needs a scorer");
        }
        Map<Method, List<Cell>> cells = new LinkedHashMap<>();
        for (Method m : methods) {
            cells.put(m, new ArrayList<>());
        }
        Session session = Session.of(model, context);
        int samplesNeeded = methods.stream().anyMatch(Method::combinesSamples) ? s.samples() : 1;
        for (int q = 0; q < problems.size(); q++) {
            Arithmetic.Problem p = problems.get(q);
            int[] prompt = chat.prompt(p.prompt());
            SamplerSettings seeded = s.sampler().withSeed(s.sampler().seed() + (long) q * s.samples());
            ModelSampler sampler = new ModelSampler(session, tokenizer, prompt, seeded, s.maxTokens());
            List<String> texts = List.of();
            long[] tokensOf = new long[0];
            if (methods.stream().anyMatch(m -> m != Method.BEAM)) {
                List<ModelSampler.Sample> samples = sampler.sample(samplesNeeded);
                texts = samples.stream().map(ModelSampler.Sample::text).toList();
                tokensOf = samples.stream().mapToLong(ModelSampler.Sample::tokens).toArray();
            }
            Verifier scorer = s.scorer().map(f -> f.apply(p)).orElse(null);
            for (Method m : methods) {
                int[] ks = m.combinesSamples() ? Cell.sampleCounts(s.samples()) : new int[]{1};
                boolean[] right;
                long tokens = 0;
                if (m == Method.BEAM) {
                    ModelSampler steps = new ModelSampler(session, tokenizer, prompt, seeded, s.maxTokens());
                    BeamSearch.Result r = BeamSearch.search(steps, scorer != null ? scorer : processVerifier(p),
                            new BeamSearch.Settings(s.beamWidth(), s.expansions(), s.maxTokens()));
                    right = new boolean[]{p.check(r.best().text())};
                    tokens = r.tokens();
                } else {
                    int used = m == Method.SAMPLE ? 1 : texts.size();
                    for (int i = 0; i < used; i++) {
                        tokens += tokensOf[i];
                    }
                    right = rightAt(p, texts.subList(0, used), m, ks, scorer);
                }
                add(cells.get(m), p, ks.length, right, tokens);
            }
        }
        return cells;
    }

    private static void add(List<Cell> cells, Arithmetic.Problem p, int entries, boolean[] right, long tokens) {
        Cell c = find(cells, p, entries);
        int[] at = c.correctAt().clone();
        for (int i = 0; i < entries; i++) {
            at[i] += right[i] ? 1 : 0;
        }
        cells.set(cells.indexOf(c), new Cell(c.op(), c.digits(), c.questions() + 1, c.correct() + (right[entries - 1] ? 1 : 0),
                at, c.tokens() + tokens));
    }

    /** {@link #rightAt(Arithmetic.Problem, List, Method, int[], Verifier)} without a scorer. */
    static boolean[] rightAt(Arithmetic.Problem p, List<String> texts, Method method, int[] ks) {
        return rightAt(p, texts, method, ks, null);
    }

    /**
     * Whether the method answers {@code p} right from the first ks[i] of {@code texts}, for each i: the
     * vote's answer, best-of-n's pick under the exact checker or under {@code scorer} (BEST_OF_SCORER),
     * or (SAMPLE, BEAM) the first text.
     */
    static boolean[] rightAt(Arithmetic.Problem p, List<String> texts, Method method, int[] ks, Verifier scorer) {
        boolean[] right = new boolean[ks.length];
        for (int i = 0; i < ks.length; i++) {
            List<String> first = texts.subList(0, Math.min(ks[i], texts.size()));
            right[i] = switch (method) {
                case VOTE -> Vote.majority(first, ArithmeticEval::answer).answer()
                        .map(a -> a.equals(Long.toString(p.answer()))).orElse(false);
                case BEST_OF -> p.check(first.get(BestOfN.best(first, exactVerifier(p))));
                case BEST_OF_SCORER -> p.check(first.get(BestOfN.best(first, scorer)));
                case SAMPLE, BEAM -> p.check(first.getFirst());
            };
        }
        return right;
    }

    /** The final answer of a reply as text, for voting. */
    public static Optional<String> answer(String reply) {
        OptionalLong a = Arithmetic.finalAnswer(reply);
        return a.isPresent() ? Optional.of(Long.toString(a.getAsLong())) : Optional.empty();
    }

    /** The exact checker as a verifier: 1 when the final answer is right, else 0. */
    public static Verifier exactVerifier(Arithmetic.Problem p) {
        return reply -> p.check(reply) ? 1 : 0;
    }

    /**
     * The process verifier: the number of steps that follow the worked solution, plus one when the final
     * answer is right; -1 once a step is wrong.
     */
    public static Verifier processVerifier(Arithmetic.Problem p) {
        return reply -> {
            int ok = p.stepsCorrect(reply);
            return ok < 0 ? -1 : ok + (p.check(reply) ? 1 : 0);
        };
    }

    private static Cell find(List<Cell> cells, Arithmetic.Problem p, int entries) {
        for (Cell c : cells) {
            if (c.op() == p.op() && c.digits() == p.digits()) {
                return c;
            }
        }
        Cell c = new Cell(p.op(), p.digits(), 0, 0, new int[entries], 0);
        cells.add(c);
        return c;
    }
}

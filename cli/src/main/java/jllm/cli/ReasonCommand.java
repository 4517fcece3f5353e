package jllm.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;

import jllm.generate.SamplerSettings;
import jllm.generate.search.Verifier;
import jllm.kernel.Dense;
import jllm.model.LoadedModel;
import jllm.train.ChatTokenizer;
import jllm.train.task.AccuracyCurve;
import jllm.train.task.Arithmetic;
import jllm.train.task.ArithmeticEval;
import jllm.train.task.OutcomeScorer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jllm reason MODEL --samples 16 --vote}: held-out accuracy per difficulty, with test-time compute. */
@Command(name = "reason", description = "Answer the task's fixed held-out problems and print accuracy per operation and "
        + "digits: one sample, a majority vote (--vote), best-of-n under the exact checker or a scorer model (--best-of "
        + "[--scorer FILE]), a step-level beam search under the process verifier or a scorer (--beam W), or all of them on "
        + "the same samples (--compare).")
final class ReasonCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A chat model answering with worked solutions.")
    Path model;

    @Option(names = "--per-cell", paramLabel = "N", description = "Held-out questions per operation and digit count (default: ${DEFAULT-VALUE}).")
    int perCell = 50;

    @Option(names = {"-n", "--samples"}, paramLabel = "N", description = "Samples per question (default: ${DEFAULT-VALUE}).")
    int samples = 1;

    static final class Method {
        @Option(names = "--vote", description = "Majority vote on the final answers of the samples (self-consistency).")
        boolean vote;

        @Option(names = "--best-of", description = "Best of the samples under the exact checker (pass@n).")
        boolean bestOf;

        @Option(names = "--beam", paramLabel = "W", description = "Step-level beam search keeping W partial solutions.")
        int beam;

        @Option(names = "--compare", description = "Greedy decoding, then on the same samples: the vote, best-of-n under the exact "
                + "checker and, with --scorer, best-of-n under the scorer; accuracy at 1, 2, 4, ... samples for each.")
        boolean compare;
    }

    @ArgGroup(exclusive = true)
    Method method = new Method();

    @Option(names = "--expansions", paramLabel = "E", description = "Beam search: steps sampled from each partial solution (default: ${DEFAULT-VALUE}).")
    int expansions = 4;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature (default: 0, greedy, for one sample; 0.8 otherwise).")
    Float temperature;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Most tokens per reply (default: ${DEFAULT-VALUE}).")
    int maxTokens = 160;

    @Option(names = "--seed", paramLabel = "N", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--svg", paramLabel = "FILE", description = "With --vote or --best-of: draw accuracy against samples per question (and tokens) to FILE; "
            + "with --compare: each method's accuracy against tokens generated per question.")
    Path svg;

    @Option(names = "--scorer", paramLabel = "FILE", description = "A scorer model (from `jllm scorer`): the verifier of --best-of and "
            + "the step scorer of --beam, in place of the exact checker and the process verifier.")
    Path scorer;

    @Mixin
    EndOfTurnOption turn;

    @Mixin
    ArithmeticOptions task;

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() throws Exception {
        ArithmeticEval.Method m = method.vote ? ArithmeticEval.Method.VOTE
                : method.bestOf ? (scorer != null ? ArithmeticEval.Method.BEST_OF_SCORER : ArithmeticEval.Method.BEST_OF)
                : method.beam > 0 ? ArithmeticEval.Method.BEAM : ArithmeticEval.Method.SAMPLE;
        if (method.beam < 0) {
            throw new IllegalArgumentException("--beam takes a width of at least 1, got " + method.beam);
        }
        if (perCell < 1) {
            throw new IllegalArgumentException("--per-cell must be at least 1, got " + perCell);
        }
        if (svg != null && !m.combinesSamples() && !method.compare) {
            throw new IllegalArgumentException("--svg draws accuracy against samples: give it with --vote, --best-of or --compare");
        }
        if (m == ArithmeticEval.Method.SAMPLE && samples != 1 && !method.compare) {
            throw new IllegalArgumentException("--samples " + samples + " needs --vote, --best-of or --compare to combine the samples");
        }
        if (scorer != null && (m == ArithmeticEval.Method.VOTE || (m == ArithmeticEval.Method.SAMPLE && !method.compare))) {
            throw new IllegalArgumentException("--scorer is the verifier of --best-of, --beam or --compare; the vote and one sample do not use one");
        }
        if (scorer != null) {
            InputFiles.checkAll(List.of(scorer), "a scorer model");
        }
        float t = temperature != null ? temperature : (samples > 1 || m == ArithmeticEval.Method.BEAM ? 0.8f : 0f);
        SamplerSettings settings = SamplerSettings.DEFAULTS.withTemperature(t).withSeed(seed);
        List<Arithmetic.Problem> problems = Arithmetic.heldOut(task.ops(), task.minDigits(), task.maxDigits(), perCell);
        int threads = modelOptions.threads > 0 ? modelOptions.threads : Runtime.getRuntime().availableProcessors();
        try (LoadedModel lm = modelOptions.load(model, false);
             OutcomeScorer sc = scorer == null ? null : OutcomeScorer.load(scorer, Dense.vector(threads))) {
            ChatTokenizer chat = ChatTokenizer.of(lm, model, turn.endOfTurn);
            int context = lm.model().info().contextLength();
            Optional<Function<Arithmetic.Problem, Verifier>> scoring = sc == null ? Optional.empty() : Optional.of(sc::verifier);
            if (method.compare) {
                return compare(lm, chat, context, problems, settings, t, scoring);
            }
            long t0 = System.nanoTime();
            List<ArithmeticEval.Cell> cells = ArithmeticEval.run(lm.model(), lm.tokenizer(), chat, context, problems,
                    new ArithmeticEval.Settings(m, samples, settings, maxTokens, method.beam, expansions, scoring));
            double seconds = (System.nanoTime() - t0) / 1e9;
            String how = switch (m) {
                case SAMPLE -> t == 0 ? "greedy" : "one sample at temperature " + t;
                case VOTE -> "majority vote of " + samples + " samples at temperature " + t;
                case BEST_OF -> "best of " + samples + " samples (exact checker) at temperature " + t;
                case BEST_OF_SCORER -> "best of " + samples + " samples (scorer " + scorer.getFileName() + ") at temperature " + t;
                case BEAM -> "beam search, width " + method.beam + ", " + expansions + " expansions, "
                        + (scorer != null ? "scorer " + scorer.getFileName() : "process verifier") + ", temperature " + t;
            };
            print(cells, m.combinesSamples() ? ArithmeticEval.Cell.sampleCounts(samples) : new int[0], how, seconds);
            if (svg != null) {
                AccuracyCurve.writeSvg(svg, model.getFileName() + ": " + how, cells, samples);
                Console.out().println("accuracy against samples: " + svg);
            }
            Console.out().flush();
        }
        return 0;
    }

    private int compare(LoadedModel lm, ChatTokenizer chat, int context, List<Arithmetic.Problem> problems, SamplerSettings settings,
                        float t, Optional<Function<Arithmetic.Problem, Verifier>> scoring) {
        List<AccuracyCurve.Series> series = new ArrayList<>();
        long t0 = System.nanoTime();
        List<ArithmeticEval.Cell> greedy = ArithmeticEval.run(lm.model(), lm.tokenizer(), chat, context, problems,
                new ArithmeticEval.Settings(ArithmeticEval.Method.SAMPLE, 1, SamplerSettings.GREEDY, maxTokens, 0, 0));
        print(greedy, new int[0], "greedy", (System.nanoTime() - t0) / 1e9);
        series.add(AccuracyCurve.Series.of("greedy", greedy, 1));
        List<ArithmeticEval.Method> methods = new ArrayList<>(List.of(ArithmeticEval.Method.VOTE, ArithmeticEval.Method.BEST_OF));
        if (scoring.isPresent()) {
            methods.add(ArithmeticEval.Method.BEST_OF_SCORER);
        }
        t0 = System.nanoTime();
        Map<ArithmeticEval.Method, List<ArithmeticEval.Cell>> all = ArithmeticEval.compare(lm.model(), lm.tokenizer(), chat, context, problems,
                new ArithmeticEval.Settings(ArithmeticEval.Method.VOTE, samples, settings, maxTokens, 0, 0, scoring), methods);
        double seconds = (System.nanoTime() - t0) / 1e9;
        int[] ks = ArithmeticEval.Cell.sampleCounts(samples);
        for (var e : all.entrySet()) {
            String name = switch (e.getKey()) {
                case VOTE -> "vote";
                case BEST_OF -> "best-of (checker)";
                case BEST_OF_SCORER -> "best-of (scorer)";
                default -> throw new IllegalStateException(e.getKey().toString());
            };
            print(e.getValue(), ks, name + " of " + samples + " samples at temperature " + t + ", the same samples for each method", seconds);
            series.add(AccuracyCurve.Series.of(name, e.getValue(), samples));
        }
        if (svg != null) {
            AccuracyCurve.writeTokensSvg(svg, model.getFileName() + ": accuracy against tokens (temperature " + t + ")", series);
            Console.out().println("accuracy against tokens: " + svg);
        }
        Console.out().flush();
        return 0;
    }

    /** One line per cell (with accuracy at each sample count when there are several) and a total. */
    private static void print(List<ArithmeticEval.Cell> cells, int[] ks, String how, double seconds) {
        int right = 0, all = 0;
        long tokens = 0;
        for (ArithmeticEval.Cell c : cells) {
            StringBuilder line = new StringBuilder(c.toString());
            if (ks.length > 1) {
                line.append("; by samples");
                for (int i = 0; i < ks.length; i++) {
                    line.append(String.format(Locale.ROOT, " %d:%.3f", ks[i], (double) c.correctAt()[i] / c.questions()));
                }
            }
            Console.out().println(line);
            right += c.correct();
            all += c.questions();
            tokens += c.tokens();
        }
        double p = (double) right / all;
        Console.out().printf(Locale.ROOT, "all: %d/%d = %.3f ± %.3f (%s; %d tokens generated, %.1f per question; %.1f s)%n",
                right, all, p, Math.sqrt(p * (1 - p) / all), how, tokens, (double) tokens / all, seconds);
        if (ks.length > 1) {
            StringBuilder line = new StringBuilder("all by samples");
            for (int i = 0; i < ks.length; i++) {
                int r = 0;
                for (ArithmeticEval.Cell c : cells) {
                    r += c.correctAt()[i];
                }
                line.append(String.format(Locale.ROOT, " %d:%.3f", ks[i], (double) r / all));
            }
            Console.out().println(line);
        }
    }
}

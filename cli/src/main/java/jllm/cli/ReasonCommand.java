package jllm.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import jllm.generate.SamplerSettings;
import jllm.model.LoadedModel;
import jllm.tokenizer.Vocabulary;
import jllm.train.ChatTokenizer;
import jllm.train.task.AccuracyCurve;
import jllm.train.task.Arithmetic;
import jllm.train.task.ArithmeticEval;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jllm reason MODEL --samples 16 --vote}: held-out accuracy per difficulty, with test-time compute. */
@Command(name = "reason", description = "Answer the task's fixed held-out problems and print accuracy per operation and "
        + "digits: one sample, a majority vote (--vote), best-of-n under the exact checker (--best-of) or a step-level "
        + "beam search under the process verifier (--beam W).")
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

    @Option(names = "--svg", paramLabel = "FILE", description = "With --vote or --best-of: draw accuracy against samples per question (and tokens) to FILE.")
    Path svg;

    @Option(names = "--end-of-turn", paramLabel = "TEXT", description = "The token ending a reply (default: ${DEFAULT-VALUE}).")
    String endOfTurn = "<|im_end|>";

    @Mixin
    ArithmeticOptions task;

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() {
        ArithmeticEval.Method m = method.vote ? ArithmeticEval.Method.VOTE : method.bestOf ? ArithmeticEval.Method.BEST_OF
                : method.beam > 0 ? ArithmeticEval.Method.BEAM : ArithmeticEval.Method.SAMPLE;
        if (method.beam < 0) {
            throw new IllegalArgumentException("--beam takes a width of at least 1, got " + method.beam);
        }
        if (perCell < 1) {
            throw new IllegalArgumentException("--per-cell must be at least 1, got " + perCell);
        }
        if (svg != null && m != ArithmeticEval.Method.VOTE && m != ArithmeticEval.Method.BEST_OF) {
            throw new IllegalArgumentException("--svg draws accuracy against samples: give it with --vote or --best-of");
        }
        if (m == ArithmeticEval.Method.SAMPLE && samples != 1) {
            throw new IllegalArgumentException("--samples " + samples + " needs --vote or --best-of to combine the samples");
        }
        float t = temperature != null ? temperature : (samples > 1 || m == ArithmeticEval.Method.BEAM ? 0.8f : 0f);
        SamplerSettings settings = SamplerSettings.DEFAULTS.withTemperature(t).withSeed(seed);
        List<Arithmetic.Problem> problems = Arithmetic.heldOut(task.ops(), task.minDigits(), task.maxDigits(), perCell);
        try (LoadedModel lm = modelOptions.load(model, false)) {
            String template = lm.chatTemplate().orElseThrow(() -> new IllegalArgumentException(model + " has no chat template"));
            Vocabulary v = lm.tokenizer().vocabulary();
            ChatTokenizer chat = new ChatTokenizer(template, lm.tokenizer(), endOfTurn, v.addBos() ? v.bos() : -1);
            int context = lm.model().info().contextLength();
            long t0 = System.nanoTime();
            List<ArithmeticEval.Cell> cells = ArithmeticEval.run(lm.model(), lm.tokenizer(), chat, context, problems,
                    new ArithmeticEval.Settings(m, samples, settings, maxTokens, method.beam, expansions));
            double seconds = (System.nanoTime() - t0) / 1e9;
            int[] ks = m == ArithmeticEval.Method.VOTE || m == ArithmeticEval.Method.BEST_OF
                    ? ArithmeticEval.Cell.sampleCounts(samples) : new int[0];
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
            String how = switch (m) {
                case SAMPLE -> t == 0 ? "greedy" : "one sample at temperature " + t;
                case VOTE -> "majority vote of " + samples + " samples at temperature " + t;
                case BEST_OF -> "best of " + samples + " samples (exact checker) at temperature " + t;
                case BEAM -> "beam search, width " + method.beam + ", " + expansions + " expansions, temperature " + t;
            };
            Console.out().printf(Locale.ROOT, "all: %d/%d = %.3f (%s; %d tokens generated, %.1f per question; %.1f s)%n",
                    right, all, (double) right / all, how, tokens, (double) tokens / all, seconds);
            if (svg != null) {
                AccuracyCurve.writeSvg(svg, model.getFileName() + ": " + how, cells, samples);
                Console.out().println("accuracy against samples: " + svg);
            }
            Console.out().flush();
        }
        return 0;
    }
}

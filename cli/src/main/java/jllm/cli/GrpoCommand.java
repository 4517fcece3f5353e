package jllm.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import jllm.hub.HfCache;
import jllm.tensor.GgmlType;
import jllm.train.ConsoleProgress;
import jllm.train.Grpo;
import jllm.train.GrpoConfig;
import jllm.train.GrpoResult;
import jllm.train.ProgressListener;
import jllm.train.task.ArithmeticEval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jllm grpo MODEL --task arithmetic -o DIR}: reinforcement learning with the exact checker's reward. */
@Command(name = "grpo", description = "Tune a chat model with GRPO on a verifiable task (arithmetic): G samples per "
        + "question, the exact checker's reward, group-relative advantages, clipped ratio, KL to the start. Writes "
        + "DIR/model.gguf, checkpoint.bin, loss.csv/svg and reward.csv/svg (mean reward, held-out accuracy).")
final class GrpoCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The GGUF to tune (an SFT model); also the frozen reference.")
    Path model;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--steps", paramLabel = "N", description = "Steps, each on freshly sampled groups (default: ${DEFAULT-VALUE}).")
    int steps = 100;

    @Option(names = "--prompts", paramLabel = "N", description = "Questions per step (default: ${DEFAULT-VALUE}).")
    int prompts = 8;

    @Option(names = {"-G", "--group"}, paramLabel = "G", description = "Samples per question (default: ${DEFAULT-VALUE}).")
    int group = 8;

    @Option(names = "--updates", paramLabel = "N", description = "Optimizer steps per batch of samples, μ (default: ${DEFAULT-VALUE}).")
    int updates = 1;

    @Option(names = "--epsilon", paramLabel = "E", description = "Clip range of the policy ratio (default: ${DEFAULT-VALUE}).")
    double epsilon = 0.2;

    @Option(names = "--beta", paramLabel = "B", description = "KL penalty weight (default: ${DEFAULT-VALUE}).")
    double beta = 0.04;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
    float temperature = 1.0f;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Most tokens per sampled reply (default: ${DEFAULT-VALUE}).")
    int maxTokens = 160;

    @Option(names = "--eval-every", paramLabel = "N", description = "Steps between held-out accuracies (default: ${DEFAULT-VALUE}; 0 = before and after).")
    int evalEvery = 25;

    @Option(names = "--per-cell", paramLabel = "N", description = "Held-out questions per operation and digit count, answered greedily (default: ${DEFAULT-VALUE}; 0 = none).")
    int perCell = 20;

    @Option(names = "--checkpoint-every", paramLabel = "N", description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
    int checkpointEvery = 25;

    @Option(names = "--resume", description = "Continue from DIR/checkpoint.bin when it exists.")
    boolean resume;

    @Mixin
    EndOfTurnOption turn;

    @Option(names = "--type", paramLabel = "TYPE", description = "Matrices in the GGUF: F32, F16 or Q8_0 (default: ${DEFAULT-VALUE}).")
    GgmlType type = GgmlType.F32;

    @Option(names = "--name", paramLabel = "NAME", description = "general.name (default: ${DEFAULT-VALUE}).")
    String name = "jllm-grpo";

    @Mixin
    ArithmeticOptions task;

    @Mixin
    TrainOptions opt;

    @Override
    public Integer call() throws Exception {
        InputFiles.checkAll(List.of(model), "a GGUF model");
        GrpoConfig c = new GrpoConfig(HfCache.pulledOrSame(model), out, task.ops(), task.minDigits(), task.maxDigits(), steps,
                prompts, group, updates, epsilon, beta, temperature, maxTokens, opt.scheduleShape(), opt.adamW(), opt.clip,
                evalEvery, perCell, checkpointEvery, resume, opt.seed, opt.threads, turn.endOfTurn, type, name);
        GrpoResult r = Grpo.run(c, new ProgressListener() {
            private ConsoleProgress bar = new ConsoleProgress(System.err);

            @Override
            public void onStep(Step s) {
                bar.onStep(s);
            }

            @Override
            public void onEval(Eval e) {
                // GRPO's evaluations carry the step's mean reward and the held-out accuracy, not losses
                System.err.printf(Locale.ROOT, "step %d: mean reward %.3f, held-out accuracy %.3f%n", e.step(), e.trainLoss(), e.valLoss());
                bar = new ConsoleProgress(System.err); // a fresh bar below this line, not redrawn over it
            }
        });
        for (int i = 0; i < r.after().size(); i++) {
            ArithmeticEval.Cell b = r.before().get(i), a = r.after().get(i);
            Console.out().printf(Locale.ROOT, "%s %d digits: held-out accuracy %.3f -> %.3f (%d questions, greedy)%n",
                    a.op().name().toLowerCase(Locale.ROOT), a.digits(), b.accuracy(), a.accuracy(), a.questions());
        }
        double first = r.meanRewards().getFirst(), last = r.meanRewards().getLast();
        String held = r.after().isEmpty() ? "no held-out questions (--per-cell 0)"
                : String.format(Locale.ROOT, "held-out accuracy %.3f -> %.3f", Grpo.accuracy(r.before()), Grpo.accuracy(r.after()));
        Console.out().printf(Locale.ROOT, "%s: %d steps of %d x %d samples (%d tokens sampled); mean reward %.3f at the first step, "
                        + "%.3f at the last; %s; %.1f s%n", r.gguf(), r.steps(), prompts, group, r.sampledTokens(), first, last, held,
                r.seconds());
        Console.out().flush();
        return 0;
    }
}

package jllm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import jllm.generate.SamplerSettings;
import jllm.kernel.Dense;
import jllm.model.Classifier;
import jllm.model.LoadedModel;
import jllm.train.ChatTokenizer;
import jllm.train.guard.GuardTrainer;
import jllm.train.task.Arithmetic;
import jllm.train.task.OutcomeScorer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jllm scorer MODEL -o scorer.gguf}: an outcome reward model on replies sampled from MODEL, labelled by the checker. */
@Command(name = "scorer", description = "Train a scorer model (outcome reward model) for `jllm reason --scorer`: sample replies to "
        + "training problems from MODEL, label them with the exact checker, and fine-tune MODEL's transformer with a 2-way head "
        + "to predict whether a reply (or its first lines) ends right. Reports agreement with the checker on replies to other "
        + "training problems.")
final class ScorerCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The chat model whose replies are scored; its transformer starts the scorer.")
    Path model;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "The scorer GGUF to write.")
    Path out;

    @Option(names = "--problems", paramLabel = "N", description = "Training problems to sample replies to (default: ${DEFAULT-VALUE}).")
    int problems = 200;

    @Option(names = "--validation", paramLabel = "N", description = "Other training problems to measure agreement on (default: ${DEFAULT-VALUE}).")
    int validation = 50;

    @Option(names = {"-n", "--samples"}, paramLabel = "N", description = "Replies sampled per problem (default: ${DEFAULT-VALUE}).")
    int samples = 8;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
    float temperature = 0.8f;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Most tokens per reply (default: ${DEFAULT-VALUE}).")
    int maxTokens = 160;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the labelled texts (default: ${DEFAULT-VALUE}).")
    int epochs = 2;

    @Option(names = "--lr", paramLabel = "LR", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    float lr = 1e-3f;

    @Option(names = "--batch", paramLabel = "N", description = "Texts per optimizer step (default: ${DEFAULT-VALUE}).")
    int batch = 16;

    @Option(names = "--head-only", description = "Train only the head, on frozen hidden states (fast, weaker).")
    boolean headOnly;

    @Option(names = "--prefixes", description = "Also train on each reply's line prefixes, labelled by the reply's outcome (for beam search).")
    boolean prefixes;

    @Option(names = "--pooling", paramLabel = "P", description = "What the head reads of the hidden states: mean, max, "
            + "mean_max or last (the last token's, as reward models read) (default: ${DEFAULT-VALUE}).")
    String pooling = Classifier.Pooling.MEAN.key();

    @Option(names = "--contrasting", description = "Train only on problems with both a right and a wrong reply, so that the "
            + "scorer learns to rank replies to one question (what best-of-n asks) rather than to tell easy questions from hard ones.")
    boolean contrasting;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of problems, samples and shuffling (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Mixin
    EndOfTurnOption turn;

    @Mixin
    ArithmeticOptions task;

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() throws Exception {
        InputFiles.checkAll(List.of(model), "a GGUF model");
        if (problems < 1 || validation < 0 || samples < 1) {
            throw new IllegalArgumentException("--problems and --samples must be at least 1 and --validation at least 0, got "
                    + problems + ", " + samples + " and " + validation);
        }
        Classifier.Pooling pool = Classifier.Pooling.parse(pooling); // before the sampling, which takes a while
        int threads = modelOptions.threads > 0 ? modelOptions.threads : Runtime.getRuntime().availableProcessors();
        long t0 = System.nanoTime();
        List<OutcomeScorer.Labelled> train, val;
        try (LoadedModel lm = modelOptions.load(model, false)) {
            ChatTokenizer chat = ChatTokenizer.of(lm, model, turn.endOfTurn);
            int context = lm.model().info().contextLength();
            SamplerSettings settings = SamplerSettings.DEFAULTS.withTemperature(temperature).withSeed(seed);
            // training problems only (never held out); validation problems from another seed
            train = OutcomeScorer.sample(lm.model(), lm.tokenizer(), chat, context,
                    Arithmetic.trainingSet(seed, task.ops(), task.minDigits(), task.maxDigits(), problems), samples, settings, maxTokens);
            val = OutcomeScorer.sample(lm.model(), lm.tokenizer(), chat, context,
                    Arithmetic.trainingSet(seed + 1_000_003L, task.ops(), task.minDigits(), task.maxDigits(), validation), samples,
                    settings.withSeed(seed + 1_000_003L), maxTokens);
        }
        long tokens = 0;
        long right = train.stream().filter(OutcomeScorer.Labelled::right).count();
        Console.out().printf(Locale.ROOT, "sampled %d replies to %d problems: %d right (%.3f); %.1f s%n", train.size(), problems, right,
                (double) right / train.size(), (System.nanoTime() - t0) / 1e9);
        if (contrasting) {
            List<OutcomeScorer.Labelled> kept = OutcomeScorer.contrasting(train);
            Console.out().printf(Locale.ROOT, "contrasting: %d of %d replies (the problems with both right and wrong ones)%n",
                    kept.size(), train.size());
            if (kept.isEmpty()) {
                throw new IllegalArgumentException("no problem got both a right and a wrong reply: sample more (--samples, "
                        + "--problems) or train without --contrasting");
            }
            train = kept;
        }
        t0 = System.nanoTime();
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutcomeScorer scorer = OutcomeScorer.fromBase(model, pool, seed, Dense.vector(threads))) {
            OutcomeScorer.Agreement before = val.isEmpty() ? null : scorer.agreement(val);
            GuardTrainer.Result r = scorer.train(train, prefixes, new GuardTrainer.Settings(epochs, lr, batch, !headOnly, seed),
                    (epoch, loss) -> System.err.printf(Locale.ROOT, "epoch %d: loss %.4f%n", epoch, loss));
            Console.out().printf(Locale.ROOT, "trained on %d texts: loss %.4f -> %.4f, agreement with the checker on them %.3f; %.1f s%n",
                    OutcomeScorer.examples(train, prefixes).size(), r.epochLoss()[0], r.epochLoss()[r.epochLoss().length - 1],
                    r.trainAccuracy(), (System.nanoTime() - t0) / 1e9);
            if (before != null) {
                OutcomeScorer.Agreement after = scorer.agreement(val);
                long vr = val.stream().filter(OutcomeScorer.Labelled::right).count();
                Console.out().printf(Locale.ROOT, "validation (%d replies, %d right): agreement %.3f -> %.3f; mean P(right) of right "
                                + "replies %.3f, of wrong ones %.3f; right-wrong pairs of one problem in order %.3f -> %.3f%n", val.size(), vr,
                        before.accuracy(), after.accuracy(), after.meanRightScore(), after.meanWrongScore(), before.pairwise(),
                        after.pairwise());
            }
            scorer.save(out, "arithmetic-scorer");
        }
        Console.out().println("wrote " + out);
        Console.out().flush();
        return 0;
    }
}

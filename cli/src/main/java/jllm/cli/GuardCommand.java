package jllm.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import jllm.kernel.Dense;
import jllm.model.Classifier;
import jllm.tensor.GgmlType;
import jllm.train.guard.GuardData;
import jllm.train.guard.GuardMetrics;
import jllm.train.guard.GuardModel;
import jllm.train.guard.GuardTrainer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jllm guard train|check}: the prompt-injection and jailbreak classifier. */
@Command(name = "guard", description = "A prompt-injection and jailbreak classifier: train one on the prompt-injection "
        + "data, or check texts with one (LABEL<TAB>SCORE per input, LABEL attack or benign, SCORE = P(attack)).",
        subcommands = {GuardCommand.Train.class, GuardCommand.Check.class})
final class GuardCommand {

    /** Where the default guard model is: models/guard.gguf under jllm.home (the launcher's folder). */
    static Path defaultModel() {
        String home = System.getProperty("jllm.home");
        return Path.of(home == null ? "." : home).resolve("models").resolve("guard.gguf");
    }

    /** {@code jllm guard train --base M --data DIR -o OUT.gguf}. */
    @Command(name = "train", description = "Fine-tune a guard classifier from a llama GGUF on the prompt-injection data "
            + "(split by source; see docs/guard.md), choose the threshold giving <= 1%% false positives on benign "
            + "validation text, print precision, recall and recall at 1%% FPR on the held-out sources, and write the GGUF.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--base", required = true, paramLabel = "MODEL", description = "The llama GGUF whose transformer the guard starts from (e.g. models/builtin.gguf).")
        Path base;

        @Option(names = "--data", required = true, paramLabel = "DIR", description = "The data folder (../shared/data) holding "
                + "prompt-injection/, sft-demo/, dpo-demo/, tinystories-sample/, c4-sample/, pd-books/ and canterbury/.")
        Path data;

        @Option(names = "--overrides", paramLabel = "N", description = "Training attacks that override earlier instructions, "
                + "generated from templates and planted in benign text (default: ${DEFAULT-VALUE}; 0 for none).")
        int overrides = GuardData.Generated.DEFAULT.overrides();

        @Option(names = "--templated", paramLabel = "N", description = "Benign requests generated from templates over permissively "
                + "licensed passages (default: ${DEFAULT-VALUE}; 0 for none).")
        int templated = GuardData.Generated.DEFAULT.benign();

        @Option(names = "--pooling", paramLabel = "P", description = "How the hidden states of all tokens become the head's input: "
                + "mean, max, mean_max (both, concatenated) or last (the last token's) (default: ${DEFAULT-VALUE}).")
        String pooling = Classifier.Pooling.MEAN.key();

        @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "The guard GGUF to write.")
        Path out;

        @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training texts (default: ${DEFAULT-VALUE}).")
        int epochs = 20;

        @Option(names = "--lr", paramLabel = "LR", description = "AdamW learning rate (default: ${DEFAULT-VALUE}).")
        float lr = 3e-3f;

        @Option(names = "--batch", paramLabel = "N", description = "Texts per optimizer step (default: ${DEFAULT-VALUE}).")
        int batch = 16;

        @Option(names = "--fine-tune", description = "Train the transformer too, not only the head (slower: a backward pass per text per epoch).")
        boolean fineTune;

        @Option(names = "--seed", paramLabel = "N", description = "Seed of the split, the head's initialization and the shuffling (default: ${DEFAULT-VALUE}).")
        long seed = 1;

        @Option(names = "--max-fpr", paramLabel = "RATE", description = "Largest share of benign validation texts the threshold may flag (default: ${DEFAULT-VALUE}).")
        double maxFpr = 0.01;

        @Option(names = "--type", paramLabel = "TYPE", description = "Matrices in the GGUF: F32, F16 or Q8_0 (default: ${DEFAULT-VALUE}).")
        GgmlType type = GgmlType.F16;

        @Option(names = "--name", paramLabel = "NAME", description = "general.name (default: ${DEFAULT-VALUE}).")
        String name = "jllm-guard";

        @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Threads (default: all processors).")
        int threads = Runtime.getRuntime().availableProcessors();

        @Option(names = "--verbose", description = "Show stack traces on errors.")
        boolean verbose;

        @Override
        public Integer call() throws Exception {
            InputFiles.check(base, "a llama GGUF");
            Classifier.Pooling pool = Classifier.Pooling.parse(pooling);
            GuardData.Split split = GuardData.load(data, new GuardData.Generated(overrides, templated), seed);
            PrintStream out = Console.out();
            out.println("data (part, source, label: texts):");
            for (Map.Entry<String, Integer> e : split.counts().entrySet()) {
                out.println("  " + e.getKey() + ": " + e.getValue());
            }
            long start = System.nanoTime();
            try (GuardModel guard = GuardModel.fromBase(base, pool, seed, Dense.vector(threads))) {
                GuardTrainer.Result r = GuardTrainer.train(guard, split.train(), new GuardTrainer.Settings(epochs, lr, batch, fineTune, seed),
                        (epoch, loss) -> System.err.printf(Locale.ROOT, "epoch %d: loss %.4f (%.0f s)%n", epoch, loss,
                                (System.nanoTime() - start) / 1e9));
                float threshold = GuardTrainer.calibrate(guard, split.validation(), maxFpr);
                out.printf(Locale.ROOT, "train: loss %.4f, accuracy %.3f at 0.5; threshold %.4f (<= %.1f%% of %d benign validation texts above)%n",
                        r.epochLoss()[r.epochLoss().length - 1], r.trainAccuracy(), threshold, 100 * maxFpr,
                        split.validation().stream().filter(e -> !e.attack()).count());
                out.println("test (held-out sources): " + GuardMetrics.measure(guard, split.test()));
                Files.createDirectories(this.out.toAbsolutePath().getParent());
                guard.save(this.out, name, type);
                out.printf(Locale.ROOT, "wrote %s (%.0f s)%n", this.out, (System.nanoTime() - start) / 1e9);
            }
            return 0;
        }
    }

    /** {@code jllm guard check [--model M] TEXT... | -f FILE}. */
    @Command(name = "check", description = "Classify texts: one line LABEL<TAB>SCORE per input (LABEL attack or benign, "
            + "SCORE = P(attack); attack when SCORE is above the model's threshold). With -f, one input per line of FILE.")
    static final class Check implements Callable<Integer> {
        @Option(names = {"-m", "--model"}, paramLabel = "MODEL", description = "The guard GGUF (default: models/guard.gguf in the jllm folder).")
        Path model;

        @ArgGroup(multiplicity = "1")
        Input input;

        static final class Input {
            @Parameters(paramLabel = "TEXT", arity = "1..*", description = "Texts to check, one input each.")
            List<String> texts;

            @Option(names = {"-f", "--file"}, paramLabel = "FILE", required = true, description = "A file with one input per line (blank lines skipped).")
            Path file;
        }

        @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Threads (default: ${DEFAULT-VALUE}).")
        int threads = 1;

        @Option(names = "--verbose", description = "Show stack traces on errors.")
        boolean verbose;

        @Override
        public Integer call() throws Exception {
            Path m = model != null ? model : defaultModel();
            if (model == null && !Files.exists(m)) {
                throw new IllegalArgumentException("no guard model given, and " + m + " is missing: give one with --model FILE "
                        + "(scripts/build-guard-model.sh builds the default one; or `jllm guard train`)");
            }
            InputFiles.check(m, "a guard GGUF");
            List<String> texts = new ArrayList<>();
            if (input.file != null) {
                for (String line : InputFiles.readString(input.file, "a text file").split("\r?\n")) {
                    if (!line.isBlank()) {
                        texts.add(line);
                    }
                }
            } else {
                texts.addAll(input.texts);
            }
            PrintStream out = Console.out();
            // the engine's forward pass (jllm.model.Classifier), not the trainer's: same scores, faster
            try (Classifier guard = Classifier.open(m, threads)) {
                for (String text : texts) {
                    if (text.isBlank()) {
                        throw new IllegalArgumentException("an input is empty: give text to check");
                    }
                    Classifier.Verdict v = guard.check(text);
                    out.printf(Locale.ROOT, "%s\t%.4f%n", v.label(), v.score());
                }
            }
            out.flush();
            return 0;
        }
    }
}

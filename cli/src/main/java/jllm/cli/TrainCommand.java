package jllm.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import jllm.tensor.GgmlType;
import jllm.train.ConsoleProgress;
import jllm.train.Documents;
import jllm.train.screen.ScreenMode;
import jllm.train.ModelShape;
import jllm.train.Pretrain;
import jllm.train.PretrainConfig;
import jllm.train.PretrainResult;
import jllm.train.TrainSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jllm train TEXT... -o DIR}: pretrains a llama model and its BPE tokenizer from text or JSONL. */
@Command(name = "train", description = "Pretrain a llama model (and a byte-level BPE) from text or JSONL files; "
        + "writes DIR/model.gguf, manifest.json, loss.csv, loss.svg, checkpoint.bin.")
final class TrainCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Training text (.txt, .jsonl with a \"text\" field, optionally .gz).")
    List<Path> inputs;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--split", paramLabel = "HOW", description = "Documents in plain text: PARAGRAPH, ENDOFTEXT or FILE (default: ${DEFAULT-VALUE}).")
    Documents.Split split = Documents.Split.PARAGRAPH;

    @Option(names = "--vocab", paramLabel = "N", description = "BPE vocabulary size (default: ${DEFAULT-VALUE}).")
    int vocab = 2048;

    @Option(names = "--tokenizer-chars", paramLabel = "N", description = "Learn the BPE from the first N characters (default: all).")
    long tokenizerChars;

    @Option(names = "--dim", paramLabel = "N", description = "Model width (default: ${DEFAULT-VALUE}).")
    int dim = 128;

    @Option(names = "--hidden", paramLabel = "N", description = "Feed-forward width (default: ${DEFAULT-VALUE}).")
    int hidden = 352;

    @Option(names = "--layers", paramLabel = "N", description = "Layers (default: ${DEFAULT-VALUE}).")
    int layers = 4;

    @Option(names = "--heads", paramLabel = "N", description = "Attention heads (default: ${DEFAULT-VALUE}).")
    int heads = 4;

    @Option(names = "--kv-heads", paramLabel = "N", description = "KV heads (default: as --heads).")
    Integer kvHeads;

    @Option(names = "--ctx", paramLabel = "N", description = "Context length trained (default: ${DEFAULT-VALUE}).")
    int ctx = 128;

    @Option(names = "--untied", description = "A separate output matrix instead of the embedding table.")
    boolean untied;

    @Option(names = "--batch", paramLabel = "N", description = "Sequences per micro-batch (default: ${DEFAULT-VALUE}).")
    int batch = 12;

    @Option(names = "--accum", paramLabel = "N", description = "Micro-batches per step (default: ${DEFAULT-VALUE}).")
    int accum = 1;

    @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    int steps = 2000;

    @Option(names = "--eval-every", paramLabel = "N", description = "Steps between validation losses (default: ${DEFAULT-VALUE}).")
    int evalEvery = 250;

    @Option(names = "--eval-batches", paramLabel = "N", description = "Batches per loss evaluation: the train loss over N random "
            + "batches, the validation loss over up to N x batch held-out windows spread evenly (default: ${DEFAULT-VALUE}).")
    int evalBatches = 20;

    @Option(names = "--val-fraction", paramLabel = "F", description = "Held-out end of the token stream (default: ${DEFAULT-VALUE}).")
    double valFraction = 0.1;

    @Option(names = "--checkpoint-every", paramLabel = "N", description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
    int checkpointEvery = 250;

    @Option(names = "--resume", description = "Continue from DIR/checkpoint.bin when it exists.")
    boolean resume;

    @Option(names = "--screen", paramLabel = "MODE", description = "Screen the corpus for poisoning first (duplicates, planted "
            + "triggers, outliers; report in DIR/screen.tsv): OFF, REPORT, or DROP to leave the suspects out (default: ${DEFAULT-VALUE}).")
    ScreenMode screen = ScreenMode.OFF;

    @Option(names = "--type", paramLabel = "TYPE", description = "Matrices in the GGUF: F32, F16 or Q8_0 (default: ${DEFAULT-VALUE}).")
    GgmlType type = GgmlType.F32;

    @Option(names = "--name", paramLabel = "NAME", description = "general.name (default: ${DEFAULT-VALUE}).")
    String name = "jllm-model";

    @Mixin
    TrainOptions opt;

    @Override
    public Integer call() throws IOException {
        InputFiles.checkAll(inputs, "a text or JSONL file");
        ModelShape shape = new ModelShape(dim, hidden, layers, heads, kvHeads != null ? kvHeads : heads, ctx, 10000f, !untied);
        TrainSettings s = new TrainSettings(batch, ctx, steps, accum, opt.schedule(steps), opt.adamW(), opt.clip,
                evalEvery, evalBatches, opt.seed);
        PretrainConfig c = new PretrainConfig(inputs, split, out, vocab, PretrainConfig.CHATML_SPECIALS, tokenizerChars, shape,
                s, valFraction, checkpointEvery, resume, opt.threads, type, name, Optional.of(PretrainConfig.CHATML_TEMPLATE), screen);
        PretrainResult r = Pretrain.run(c, new ConsoleProgress(System.err));
        Console.out().printf(Locale.ROOT, "%s: %d steps, %d train / %d validation tokens, validation loss %.4f (mean over "
                        + "%d held-out windows of %d tokens, as in the step lines), %.1f s%n",
                r.gguf(), r.steps(), r.trainTokens(), r.valTokens(), r.valLoss(), r.valWindows(), ctx, r.seconds());
        Console.out().flush();
        return 0;
    }
}

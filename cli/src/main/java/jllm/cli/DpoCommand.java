package jllm.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import jllm.hub.HfCache;
import jllm.tensor.GgmlType;
import jllm.train.ConsoleProgress;
import jllm.train.Dpo;
import jllm.train.DpoConfig;
import jllm.train.DpoResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jllm dpo MODEL PAIRS... -o DIR}: Direct Preference Optimization on chosen/rejected pairs. */
@Command(name = "dpo", description = "Tune a chat model on chosen/rejected pairs with DPO (frozen reference); reports "
        + "held-out reward accuracy and margins. Writes DIR/model.gguf.")
final class DpoCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The GGUF to tune (and the reference, unless --ref).")
    Path model;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "PAIRS", description = "Preference files (LLaMA-Factory JSON, HH-RLHF JSONL(.gz), prompt/chosen/rejected JSONL).")
    List<Path> data;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--ref", paramLabel = "MODEL", description = "Reference model (default: MODEL as it starts).")
    Path ref;

    @Option(names = "--beta", paramLabel = "B", description = "DPO beta (default: ${DEFAULT-VALUE}).")
    double beta = 0.1;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the pairs (default: ${DEFAULT-VALUE}).")
    int epochs = 1;

    @Option(names = "--batch", paramLabel = "N", description = "Pairs per step (default: ${DEFAULT-VALUE}).")
    int batch = 8;

    @Option(names = "--max-len", paramLabel = "N", description = "Longest prompt + reply in tokens (default: the model's context).")
    int maxLen = Integer.MAX_VALUE;

    @Option(names = "--max-pairs", paramLabel = "N", description = "Use at most N pairs (default: all).")
    int maxPairs;

    @Option(names = "--val-fraction", paramLabel = "F", description = "Held-out pairs (default: ${DEFAULT-VALUE}; 0 = no validation).")
    double valFraction = 0.1;

    @Mixin
    EndOfTurnOption turn;

    @Option(names = "--type", paramLabel = "TYPE", description = "Matrices in the GGUF: F32, F16 or Q8_0 (default: ${DEFAULT-VALUE}).")
    GgmlType type = GgmlType.F32;

    @Option(names = "--name", paramLabel = "NAME", description = "general.name (default: ${DEFAULT-VALUE}).")
    String name = "jllm-dpo";

    @Mixin
    TrainOptions opt;

    @Override
    public Integer call() throws IOException {
        InputFiles.checkAll(data, "a preference file (JSON or JSONL)");
        DpoConfig c = new DpoConfig(HfCache.pulledOrSame(model), Optional.ofNullable(ref).map(HfCache::pulledOrSame), data, out, beta, epochs, batch, maxLen, maxPairs,
                opt.scheduleShape(), opt.adamW(), opt.clip, valFraction, opt.seed, opt.threads, turn.endOfTurn, type, name);
        DpoResult r = Dpo.run(c, new ConsoleProgress(System.err));
        String skipped = (r.tooLong() > 0 ? String.format(Locale.ROOT, ", %d longer than %d tokens skipped", r.tooLong(), r.maxLen()) : "")
                + (r.emptyReply() > 0 ? ", " + r.emptyReply() + " with an empty reply skipped" : "");
        String held = r.valPairs() == 0 ? "no held-out pairs (--val-fraction 0)"
                : String.format(Locale.ROOT, "held-out reward accuracy %.3f -> %.3f, margin %.4f -> %.4f, loss %.4f -> %.4f",
                r.before().accuracy(), r.after().accuracy(), r.before().margin(), r.after().margin(), r.before().loss(),
                r.after().loss());
        Console.out().printf(Locale.ROOT, "%s: %d steps on %d pairs (%d held out%s); step-0 loss %.9f (ln 2 = %.9f); %s; %.1f s%n",
                r.gguf(), r.steps(), r.trainPairs(), r.valPairs(), skipped, r.step0Loss(), Math.log(2), held, r.seconds());
        Console.out().flush();
        return 0;
    }
}

package jllm.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import jllm.hub.HfCache;
import jllm.tensor.GgmlType;
import jllm.train.ConsoleProgress;
import jllm.train.Lora;
import jllm.train.Sft;
import jllm.train.SftConfig;
import jllm.train.SftResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jllm sft MODEL DATA... -o DIR}: supervised fine-tuning on chat data (full or LoRA). */
@Command(name = "sft", description = "Fine-tune a model on chat data (JSONL messages, ShareGPT, Alpaca JSON); the loss "
        + "covers only assistant replies. Writes DIR/model.gguf (and adapter.gguf with --lora-rank).")
final class SftCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "The GGUF to fine-tune.")
    Path model;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "DATA", description = "Chat data files.")
    List<Path> data;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the data (default: ${DEFAULT-VALUE}).")
    int epochs = 3;

    @Option(names = "--batch", paramLabel = "N", description = "Conversations per step (default: ${DEFAULT-VALUE}).")
    int batch = 8;

    @Option(names = "--max-len", paramLabel = "N", description = "Tokens per conversation (default: the model's context).")
    int maxLen = Integer.MAX_VALUE;

    @Option(names = "--val-fraction", paramLabel = "F", description = "Held-out conversations (default: ${DEFAULT-VALUE}; 0 = no validation).")
    double valFraction = 0.05;

    @Option(names = "--lora-rank", paramLabel = "R", description = "Train rank-R LoRA adapters instead of all weights.")
    int loraRank;

    @Option(names = "--lora-alpha", paramLabel = "A", description = "LoRA alpha (default: 2 x rank).")
    Float loraAlpha;

    @Option(names = "--lora-targets", split = ",", paramLabel = "NAMES", description = "Adapted matrices (default: all of attn_q,attn_k,attn_v,attn_output,ffn_gate,ffn_up,ffn_down).")
    List<String> loraTargets;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Replace {{KEY}} in the data (repeatable).")
    Map<String, String> placeholders = new LinkedHashMap<>();

    @Mixin
    EndOfTurnOption turn;

    @Option(names = "--type", paramLabel = "TYPE", description = "Matrices in the GGUF: F32, F16 or Q8_0 (default: ${DEFAULT-VALUE}).")
    GgmlType type = GgmlType.F32;

    @Option(names = "--name", paramLabel = "NAME", description = "general.name (default: ${DEFAULT-VALUE}).")
    String name = "jllm-sft";

    @Mixin
    TrainOptions opt;

    @Override
    public Integer call() throws IOException {
        InputFiles.checkAll(data, "a chat data file (JSONL, ShareGPT or Alpaca JSON)");
        Optional<Lora.Settings> lora = loraRank > 0
                ? Optional.of(new Lora.Settings(loraRank, loraAlpha != null ? loraAlpha : 2f * loraRank,
                        loraTargets != null ? new HashSet<>(loraTargets) : Lora.ALL_MATRICES))
                : Optional.empty();
        SftConfig c = new SftConfig(HfCache.pulledOrSame(model), data, placeholders, out, epochs, batch, maxLen, opt.scheduleShape(), opt.adamW(),
                opt.clip, valFraction, opt.seed, opt.threads, turn.endOfTurn, Optional.empty(), lora, type, name);
        SftResult r = Sft.run(c, new ConsoleProgress(System.err));
        String skipped = r.skipped() == 0 ? "" : " (" + r.skipped() + " skipped: " + r.skippedWhy() + ")";
        String held = r.valExamples() == 0 ? "no held-out conversations (--val-fraction 0)"
                : String.format(Locale.ROOT, "held-out assistant loss %.4f -> %.4f (%d conversations)", r.valBefore(),
                r.valAfter(), r.valExamples());
        Console.out().printf(Locale.ROOT, "%s: %d steps on %d conversations%s; %s; %d values trained; %.1f s%n",
                r.gguf(), r.steps(), r.trainExamples(), skipped, held, r.trainableValues(), r.seconds());
        Console.out().flush();
        return 0;
    }
}

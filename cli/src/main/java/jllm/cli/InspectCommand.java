package jllm.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import jllm.format.gguf.GgufValue;
import jllm.format.gguf.GgufValueType;
import jllm.model.Architecture;
import jllm.model.Architectures;
import jllm.model.LoadedModel;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;
import jllm.tensor.GgmlType;
import jllm.tensor.Tensor;
import jllm.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jllm inspect MODEL}: what a model file holds. */
@Command(name = "inspect", description = "Describe a model: format, architecture, hyperparameters, tensors, quant mix, tokenizer, chat template, memory.")
final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "Model file or folder.")
    Path model;

    @Option(names = "--ctx", paramLabel = "N", description = "Context length for the memory estimate (default: " + Contexts.HELP + ").")
    int ctx;

    @Option(names = "--metadata", description = "Also list every metadata key.")
    boolean allMetadata;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "Tokenizer file to use instead of the model's.")
    Path tokenizer;

    @Option(names = "--verbose", description = "Show stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() {
        PrintStream out = Console.out();
        try (ModelSource src = LoadedModel.openSource(model)) {
            out.printf("file          %s%n", src.path());
            out.printf("format        %s%n", src.format());
            String arch = src.metadata().string("general.architecture").orElse("(none)");
            out.printf("architecture  %s%n", arch);
            src.metadata().string("general.name").ifPresent(n -> out.printf("name          %s%n", n));
            long params = 0;
            long bytes = 0;
            Map<GgmlType, long[]> mix = new TreeMap<>();
            for (Tensor t : src.tensors().values()) {
                params += t.size();
                bytes += t.data().byteSize();
                long[] c = mix.computeIfAbsent(t.type(), k -> new long[3]);
                c[0]++;
                c[1] += t.size();
                c[2] += t.data().byteSize();
            }
            ModelInfo info = null;
            Optional<Architecture> a = Architectures.ALL.stream().filter(x -> x.name().equals(arch)).findFirst();
            if (a.isPresent() && !src.tensors().isEmpty()) {
                info = a.get().info(src);
                out.printf("dim           %d%n", info.dim());
                out.printf("hiddenDim     %d%n", info.hiddenDim());
                out.printf("numLayers     %d%n", info.numLayers());
                out.printf("numHeads      %d%n", info.numHeads());
                out.printf("numKvHeads    %d%n", info.numKvHeads());
                out.printf("headDim       %d%n", info.headDim());
                out.printf("vocabSize     %d%n", info.vocabSize());
                out.printf("contextLength %d%n", info.contextLength());
                out.printf("normEps       %g%n", info.normEps());
                out.printf("ropeTheta     %g%n", info.ropeTheta());
                for (var e : a.get().details(src).entrySet()) {
                    out.printf("%-13s %s%n", e.getKey(), e.getValue());
                }
            } else if (!src.tensors().isEmpty()) {
                out.printf("(architecture %s is not supported for running; listing its tensors)%n", arch);
            }
            out.printf("parameters    %,d (%s)%n", params, human(params, ""));
            out.printf("tensor data   %,d bytes (%s)%n", bytes, human(bytes, "B"));
            if (!mix.isEmpty()) {
                out.println("quant mix");
                for (var e : mix.entrySet()) {
                    out.printf("  %-8s %5d tensors %14s values %12s%n", e.getKey(), e.getValue()[0],
                            human(e.getValue()[1], ""), human(e.getValue()[2], "B"));
                }
            }
            try {
                Tokenizer tok = LoadedModel.openTokenizerOnly(model, Optional.ofNullable(tokenizer));
                out.printf("tokenizer     %s, %d tokens, bos %d, eos %d%n", src.metadata().string("tokenizer.ggml.model").orElse(src.format()),
                        tok.vocabulary().size(), tok.vocabulary().bos(), tok.vocabulary().eos());
            } catch (RuntimeException e) {
                out.printf("tokenizer     (not loaded: %s)%n", Errors.message(e));
            }
            Optional<String> tmpl = src.metadata().string("tokenizer.chat_template");
            out.printf("chat template %s%n", tmpl.map(t -> t.length() + " characters: " + Pieces.visible(t.length() > 80 ? t.substring(0, 80) + "..." : t)).orElse("(none)"));
            if (info != null) {
                int context = Contexts.choose(ctx, info).positions();
                long kv = 2L * info.numLayers() * context * info.kvDim() * 2;
                if (info.kvDim() > 0) {
                    out.printf("memory        %s weights (memory-mapped) + %s F16 KV cache at %d positions%n",
                            human(bytes, "B"), human(kv, "B"), context);
                } else {
                    out.printf("memory        %s weights (memory-mapped) + a recurrent state per sequence, constant in sequence length (no KV cache)%n",
                            human(bytes, "B"));
                }
            }
            if (!src.tensors().isEmpty()) {
                out.println("tensors");
                for (Tensor t : src.tensors().values()) {
                    out.printf("  %-40s %-6s %-22s %,14d%n", t.name(), t.type(), t.shape(), t.data().byteSize());
                }
            }
            if (allMetadata) {
                out.println("metadata");
                for (Map.Entry<String, GgufValue> e : src.metadata().asMap().entrySet()) {
                    GgufValue v = e.getValue();
                    String shown = v.type() == GgufValueType.STRING ? Pieces.visible(v.value().toString()) : v.toString();
                    if (shown.length() > 120) {
                        shown = shown.substring(0, 117) + "...";
                    }
                    out.printf("  %-45s %-8s %s%n", e.getKey(), v.type(), shown);
                }
            }
        }
        out.flush();
        return 0;
    }

    static String human(long n, String unit) {
        String[] prefixes = unit.equals("B") ? new String[]{"", "Ki", "Mi", "Gi", "Ti"} : new String[]{"", "K", "M", "B", "T"};
        double base = unit.equals("B") ? 1024 : 1000;
        double v = n;
        int i = 0;
        while (v >= base && i < prefixes.length - 1) {
            v /= base;
            i++;
        }
        return i == 0 ? n + (unit.isEmpty() ? "" : " " + unit) : String.format("%.2f %s%s", v, prefixes[i], unit);
    }
}

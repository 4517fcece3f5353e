package jllm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import jllm.format.gguf.GgufMetadata;
import jllm.model.GgufExport;
import jllm.model.LoadedModel;
import jllm.model.ModelSource;
import jllm.model.TensorName;
import jllm.model.hf.HfGgufExport;
import jllm.tensor.GgmlType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jllm convert IN OUT.gguf}: writes a model of any readable format as GGUF. A Hugging Face folder
 * becomes exactly the file llama.cpp's convert_hf_to_gguf.py writes ({@link HfGgufExport}).
 */
@Command(name = "convert", description = "Write a model as GGUF: a Hugging Face folder (as llama.cpp's convert_hf_to_gguf.py "
        + "writes it), a llama2.c checkpoint (with its tokenizer.bin) or a GGUF (re-encoded with --type).")
final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = "Model file or folder.")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "Output GGUF file.")
    Path out;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "llama2.c tokenizer.bin (default: tokenizer.bin beside IN).")
    Path tokenizer;

    @Option(names = "--type", paramLabel = "TYPE", description = "Hugging Face folders: F32, F16, BF16, Q8_0 or AUTO "
            + "(default: BF16 for a BF16 checkpoint, else F16). Other models: re-encode 2-D weights in this type "
            + "(F32, F16, BF16, Q8_0, Q4_0).")
    String type;

    @Option(names = "--verbose", description = "Show stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() {
        if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("the output would overwrite the input " + in);
        }
        try (ModelSource src = LoadedModel.openSource(in)) {
            if (src.format().equals("safetensors")) {
                HfGgufExport.write(src, HfGgufExport.OutType.parse(type == null ? "AUTO" : type), out);
            } else {
                Optional<GgufMetadata> vocab = Optional.empty();
                if (src.format().equals("llama2c")) {
                    Path bin = tokenizer != null ? tokenizer : in.toAbsolutePath().resolveSibling("tokenizer.bin");
                    if (!Files.exists(bin)) {
                        throw new IllegalArgumentException("a llama2.c checkpoint needs its tokenizer.bin: pass it with --tokenizer FILE");
                    }
                    int n = (int) src.tensor(TensorName.TOKEN_EMBD.global()).rows();
                    vocab = Optional.of(GgufExport.llama2cVocabulary(bin, n));
                }
                GgufExport.write(src, vocab, Optional.ofNullable(type).map(ConvertCommand::ggmlType), out);
            }
        }
        System.err.println("jllm: wrote " + out);
        Console.out().println(out);
        Console.out().flush();
        return 0;
    }

    private static GgmlType ggmlType(String name) {
        try {
            return GgmlType.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown type " + name + " (F32, F16, BF16, Q8_0, Q4_0)");
        }
    }
}

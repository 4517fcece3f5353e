package jllm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

import jllm.format.gguf.GgufMetadata;
import jllm.model.GgufExport;
import jllm.model.LoadedModel;
import jllm.model.ModelSource;
import jllm.model.TensorName;
import jllm.tensor.GgmlType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jllm convert IN OUT.gguf}: writes a model of any readable format as GGUF. */
@Command(name = "convert", description = "Write a model as GGUF: a llama2.c checkpoint (with its tokenizer.bin) or a GGUF (re-encoded with --type).")
final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = "Model file or folder.")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "Output GGUF file.")
    Path out;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "llama2.c tokenizer.bin (default: tokenizer.bin beside IN).")
    Path tokenizer;

    @Option(names = "--type", paramLabel = "TYPE", description = "Re-encode 2-D weights in this type (F32, F16, BF16, Q8_0, Q4_0).")
    GgmlType type;

    @Option(names = "--verbose", description = "Show stack traces on errors.")
    boolean verbose;

    @Override
    public Integer call() {
        if (in.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("the output would overwrite the input " + in);
        }
        try (ModelSource src = LoadedModel.openSource(in)) {
            Optional<GgufMetadata> vocab = Optional.empty();
            if (src.format().equals("llama2c")) {
                Path bin = tokenizer != null ? tokenizer : in.toAbsolutePath().resolveSibling("tokenizer.bin");
                if (!Files.exists(bin)) {
                    throw new IllegalArgumentException("a llama2.c checkpoint needs its tokenizer.bin: pass it with --tokenizer FILE");
                }
                int n = (int) src.tensor(TensorName.TOKEN_EMBD.global()).rows();
                vocab = Optional.of(GgufExport.llama2cVocabulary(bin, n));
            } else if (src.format().equals("safetensors")) {
                throw new IllegalArgumentException("converting Hugging Face folders to GGUF is not supported yet; "
                        + "jllm runs the folder directly: jllm run " + in);
            }
            GgufExport.write(src, vocab, Optional.ofNullable(type), out);
        }
        System.err.println("jllm: wrote " + out);
        Console.out().println(out);
        Console.out().flush();
        return 0;
    }
}

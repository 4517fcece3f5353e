package jllm.cli;

import java.nio.file.Path;
import java.util.Optional;

import jllm.model.LoadedModel;
import picocli.CommandLine.Option;

/** Options shared by every command that loads a model. */
final class ModelOptions {
    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "Tokenizer to use instead of the model's own: llama2.c tokenizer.bin, tokenizer.json or a GGUF.")
    Path tokenizer;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Compute threads (default: all cores).")
    int threads;

    @Option(names = "--verbose", description = "Show stack traces on errors.")
    boolean verbose;

    LoadedModel.Options loadOptions() {
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be positive, got " + threads);
        }
        return new LoadedModel.Options(Optional.ofNullable(tokenizer), threads);
    }

    /** Loads a model, timing the load on stderr. */
    LoadedModel load(Path model) {
        long t0 = System.nanoTime();
        LoadedModel m = LoadedModel.open(model, loadOptions());
        if (verbose) {
            System.err.printf("jllm: loaded %s (%s, %s) in %.0f ms%n", model, m.model().info().architecture(),
                    m.kernels().name(), (System.nanoTime() - t0) / 1e6);
        }
        return m;
    }
}

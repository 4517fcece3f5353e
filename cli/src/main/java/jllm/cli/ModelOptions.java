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

    @Option(names = "--verbose", description = "Show stack traces on errors and load times (serve: the HTTP server's log too).")
    boolean verbose;

    LoadedModel.Options loadOptions() {
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be positive, got " + threads);
        }
        return new LoadedModel.Options(Optional.ofNullable(tokenizer), threads);
    }

    /** Loads a model (with the kernel warm-up), timing the load on stderr with --verbose. */
    LoadedModel load(Path model) {
        return load(model, true);
    }

    /**
     * Loads a model; {@code warmUp} false for a prompt that follows at once (see
     * {@link LoadedModel.Options#withoutWarmUp}).
     */
    LoadedModel load(Path model, boolean warmUp) {
        long t0 = System.nanoTime();
        LoadedModel m = LoadedModel.open(model, warmUp ? loadOptions() : loadOptions().withoutWarmUp());
        if (verbose) {
            System.err.printf("jllm: loaded %s (%s, %s) in %.0f ms%n", model, m.model().info().architecture(),
                    m.kernels().name(), (System.nanoTime() - t0) / 1e6);
        }
        return m;
    }
}

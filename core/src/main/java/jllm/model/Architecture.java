package jllm.model;

import jllm.kernel.Kernels;

/**
 * One model architecture (the SPI). An architecture is one package with a config record, a weights
 * record and a model; adding one means adding its package and one line to {@link Architectures#ALL}.
 */
public interface Architecture {

    /** The GGUF {@code general.architecture} value this architecture runs, e.g. "llama". */
    String name();

    /** Reads the hyperparameters without building the model (for inspection and sizing). */
    ModelInfo info(ModelSource source);

    /** Builds a model over the source's (memory-mapped) tensors; checks every shape against the config. */
    LanguageModel load(ModelSource source, Kernels kernels);
}

package jllm.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import jllm.kernel.Kernels;
import jllm.model.hf.HfConversion;

/**
 * One model architecture (the SPI). An architecture is one package with its config, its weights and
 * its layer function over {@link Transformer}; adding one means adding its package and one line to
 * {@link Architectures#ALL}.
 */
public interface Architecture {

    /** The GGUF {@code general.architecture} value this architecture runs, e.g. "llama". */
    String name();

    /** Reads the hyperparameters without building the model (for inspection and sizing). */
    ModelInfo info(ModelSource source);

    /**
     * The hyperparameters only this family has, as name/value lines for {@code jllm inspect}, names in
     * the camelCase of {@link ModelInfo} (e.g. "attnSoftCap" = "50.0"); empty when it has none.
     */
    default Map<String, String> details(ModelSource source) {
        return Map.of();
    }

    /** Builds a model over the source's (memory-mapped) tensors; checks every shape against the config. */
    LanguageModel load(ModelSource source, Kernels kernels);

    /** The Hugging Face {@code model_type} values whose checkpoints this architecture reads (with {@link #hf()}). */
    default List<String> hfModelTypes() {
        return List.of();
    }

    /** How a Hugging Face checkpoint of this family becomes GGUF, when jllm reads such folders. */
    default Optional<HfConversion> hf() {
        return Optional.empty();
    }
}

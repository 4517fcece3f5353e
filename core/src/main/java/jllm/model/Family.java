package jllm.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

import jllm.kernel.Kernels;
import jllm.model.hf.HfConversion;

/**
 * An {@link Architecture} declared from its parts: what a family package hands to the registry in one
 * expression, so families differ only in what is their own.
 *
 * <pre>{@code
 * public static final Architecture FAMILY = new Family("qwen3", List.of("qwen3"), s -> Qwen3Config.from(s).info(),
 *         s -> Map.of(), Qwen3Architecture::load, Optional.of(new Qwen3Hf()));
 * }</pre>
 *
 * @param name         the GGUF {@code general.architecture} value
 * @param hfModelTypes the Hugging Face {@code model_type} values it reads (with {@code hf})
 * @param info    reads the common hyperparameters
 * @param details reads the family's own hyperparameters for {@code jllm inspect}
 * @param loader  builds the model
 * @param hf      its Hugging Face conversion, when jllm reads its checkpoints
 */
public record Family(String name, List<String> hfModelTypes, Function<ModelSource, ModelInfo> info, Function<ModelSource, Map<String, String>> details,
                     BiFunction<ModelSource, Kernels, LanguageModel> loader, Optional<HfConversion> hf) implements Architecture {

    @Override
    public ModelInfo info(ModelSource source) {
        return info.apply(source);
    }

    @Override
    public Map<String, String> details(ModelSource source) {
        return details.apply(source);
    }

    @Override
    public LanguageModel load(ModelSource source, Kernels kernels) {
        return loader.apply(source, kernels);
    }
}

package jllm.model;

import java.util.List;
import java.util.stream.Collectors;

import jllm.format.ModelFormatException;
import jllm.model.gemma2.Gemma2Architecture;
import jllm.model.gemma3.Gemma3Architecture;
import jllm.model.gptoss.GptOssArchitecture;
import jllm.model.granite.GraniteArchitecture;
import jllm.model.llama.LlamaArchitecture;
import jllm.model.mamba.MambaArchitecture;
import jllm.model.olmo2.Olmo2Architecture;
import jllm.model.phi3.Phi3Architecture;
import jllm.model.qwen2.Qwen2Architecture;
import jllm.model.qwen3.Qwen3Architecture;
import jllm.model.qwen3moe.Qwen3MoeArchitecture;
import jllm.model.smollm3.SmolLM3Architecture;

/** Every architecture jllm runs: an explicit list, no reflection. */
public final class Architectures {
    private Architectures() {
    }

    /** The supported architectures. */
    public static final List<Architecture> ALL = List.of(
            LlamaArchitecture.FAMILY,
            Qwen2Architecture.FAMILY,
            Qwen3Architecture.FAMILY,
            Phi3Architecture.FAMILY,
            GraniteArchitecture.FAMILY,
            SmolLM3Architecture.FAMILY,
            Olmo2Architecture.FAMILY,
            Gemma2Architecture.FAMILY,
            Gemma3Architecture.FAMILY,
            Qwen3MoeArchitecture.FAMILY,
            GptOssArchitecture.FAMILY,
            MambaArchitecture.FAMILY);

    /** The architecture named by {@code general.architecture}. */
    public static Architecture forSource(ModelSource source) {
        String name = source.architecture();
        for (Architecture a : ALL) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        throw new ModelFormatException(source.path().toString(), "general.architecture", "architecture \"" + name
                + "\" is not supported (jllm runs: " + ALL.stream().map(Architecture::name).collect(Collectors.joining(", ")) + ")", null);
    }

    /** The architecture that reads Hugging Face checkpoints of {@code model_type}, with its conversion. */
    public static Architecture forHfModelType(String modelType, String file) {
        for (Architecture a : ALL) {
            if (a.hf().isPresent() && a.hfModelTypes().contains(modelType)) {
                return a;
            }
        }
        throw new ModelFormatException(file, "model_type", "model type \"" + modelType + "\" is not supported (jllm reads: "
                + ALL.stream().flatMap(a -> a.hfModelTypes().stream())
                        .collect(Collectors.joining(", ")) + ")", null);
    }
}

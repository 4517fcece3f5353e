package jllm.model;

import java.util.List;
import java.util.stream.Collectors;

import jllm.format.ModelFormatException;
import jllm.model.llama.LlamaArchitecture;
import jllm.model.qwen2.Qwen2Architecture;

/** Every architecture jllm runs: an explicit list, no reflection. */
public final class Architectures {
    private Architectures() {
    }

    /** The supported architectures. */
    public static final List<Architecture> ALL = List.of(
            new LlamaArchitecture(),
            new Qwen2Architecture());

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
}

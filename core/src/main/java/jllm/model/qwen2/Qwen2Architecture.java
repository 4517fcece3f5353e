package jllm.model.qwen2;

import jllm.kernel.Kernels;
import jllm.model.Architecture;
import jllm.model.LanguageModel;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;

/** The qwen2 architecture: Qwen1.5, Qwen2, Qwen2.5 (q/k/v biases, NEOX rope, often tied embeddings). */
public final class Qwen2Architecture implements Architecture {
    @Override
    public String name() {
        return "qwen2";
    }

    @Override
    public ModelInfo info(ModelSource source) {
        return Qwen2Config.from(source).info();
    }

    @Override
    public LanguageModel load(ModelSource source, Kernels kernels) {
        Qwen2Config config = Qwen2Config.from(source);
        return new Qwen2Model(config, Qwen2Weights.load(source, config, kernels), kernels);
    }
}

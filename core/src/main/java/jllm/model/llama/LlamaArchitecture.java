package jllm.model.llama;

import jllm.kernel.Kernels;
import jllm.model.Architecture;
import jllm.model.LanguageModel;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;

/** The llama architecture: Llama 2 and 3.x, Mistral, SmolLM, llama2.c checkpoints. */
public final class LlamaArchitecture implements Architecture {
    @Override
    public String name() {
        return "llama";
    }

    @Override
    public ModelInfo info(ModelSource source) {
        return LlamaConfig.from(source).info();
    }

    @Override
    public LanguageModel load(ModelSource source, Kernels kernels) {
        LlamaConfig config = LlamaConfig.from(source);
        return new LlamaModel(config, LlamaWeights.load(source, config, kernels), kernels);
    }
}

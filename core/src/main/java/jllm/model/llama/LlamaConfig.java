package jllm.model.llama;

import jllm.model.HyperParams;
import jllm.model.ModelInfo;
import jllm.model.ModelSource;
import jllm.model.blocks.Moe;
import jllm.model.blocks.Rope;

/**
 * Hyperparameters of the llama architecture (Llama 2/3, Mistral, Mixtral, SmolLM, llama2.c models).
 *
 * @param ropeDim   values per head that are rotated
 * @param ropeStyle pairing of rotated values: NORM for GGUF's permuted weights, NEOX for Hugging Face's
 */
public record LlamaConfig(int dim, int hiddenDim, int numLayers, int numHeads, int numKvHeads, int headDim,
                          int vocabSize, int contextLength, float normEps, float ropeTheta, int ropeDim,
                          Rope.Style ropeStyle) {

    /** Reads {@code llama.*} keys; the vocabulary size comes from the embedding table. */
    public static LlamaConfig from(ModelSource source) {
        ModelInfo i = ModelInfo.read(source, "llama", 2048, 1e-5f, 10000f);
        int ropeDim = new HyperParams(source.metadata(), "llama").positive("rope.dimension_count", i.headDim());
        return new LlamaConfig(i.dim(), i.hiddenDim(), i.numLayers(), i.numHeads(), i.numKvHeads(), i.headDim(),
                i.vocabSize(), i.contextLength(), i.normEps(), i.ropeTheta(), ropeDim,
                source.ropeStyle().orElse(Rope.Style.NORM));
    }

    /**
     * Mixtral's routing when the file declares experts ({@code llama.expert_count}, {@code expert_used_count}):
     * the top k router logits, softmax over those; null for a dense model.
     */
    static Moe.Routing routing(ModelSource source) {
        HyperParams p = new HyperParams(source.metadata(), "llama");
        return source.metadata().has("llama.expert_count")
                ? new Moe.Routing(p.positive("expert_used_count"), Moe.Order.TOP_K_THEN_SOFTMAX, true) : null;
    }

    /** The common summary. */
    public ModelInfo info() {
        return new ModelInfo("llama", dim, hiddenDim, numLayers, numHeads, numKvHeads, headDim, vocabSize,
                contextLength, normEps, ropeTheta);
    }
}

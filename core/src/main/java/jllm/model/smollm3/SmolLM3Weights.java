package jllm.model.smollm3;

import jllm.kernel.Kernels;
import jllm.model.ModelSource;
import jllm.model.Transformer;
import jllm.model.blocks.Attention;
import jllm.model.blocks.PreNormWeights;

/**
 * The smollm3 architecture's weights: llama's tensors and names; the classifier is usually tied to the
 * embedding table.
 *
 * @param stem   embedding table, final norm and classifier
 * @param layers (numLayers) pre-norm attention and feed-forward weights
 */
record SmolLM3Weights(Transformer.Stem stem, PreNormWeights[] layers) {

    static SmolLM3Weights load(ModelSource s, SmolLM3Config c, Attention.Spec spec, Kernels k) {
        return new SmolLM3Weights(Transformer.Stem.load(s, c.info(), k), PreNormWeights.loadAll(s, c.info(), spec, k));
    }
}

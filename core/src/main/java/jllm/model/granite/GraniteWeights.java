package jllm.model.granite;

import jllm.kernel.Kernels;
import jllm.model.ModelSource;
import jllm.model.Transformer;
import jllm.model.blocks.Attention;
import jllm.model.blocks.PreNormWeights;

/**
 * The granite architecture's weights: llama's tensors and names; the classifier is usually tied to the
 * embedding table.
 *
 * @param stem   embeddings scaled by the embedding scale, logits divided by the logit divisor
 * @param layers (numLayers) pre-norm attention and feed-forward weights
 */
record GraniteWeights(Transformer.Stem stem, PreNormWeights[] layers) {

    static GraniteWeights load(ModelSource s, GraniteConfig c, Attention.Spec spec, Kernels k) {
        return new GraniteWeights(Transformer.Stem.load(s, c.info(), k).withEmbeddingScale(c.embeddingScale())
                .withLogits(1f / c.logitDivisor(), 0f), PreNormWeights.loadAll(s, c.info(), spec, k));
    }
}

package jllm.train;

import jllm.model.blocks.Rope;
import jllm.model.llama.LlamaConfig;

/**
 * The size of a llama model to train, before its vocabulary is known.
 *
 * @param tied whether the classifier is the embedding table
 */
public record ModelShape(int dim, int hiddenDim, int numLayers, int numHeads, int numKvHeads, int contextLength,
                         float ropeTheta, boolean tied) {

    public ModelShape {
        if (dim % numHeads != 0 || numHeads % numKvHeads != 0 || (dim / numHeads) % 2 != 0) {
            throw new IllegalArgumentException("invalid model shape " + this + ": heads must divide dim, KV heads must "
                    + "divide heads, and the head dimension must be even");
        }
    }

    /** The llama config with this shape and a vocabulary of {@code vocabSize}. */
    public LlamaConfig config(int vocabSize) {
        int headDim = dim / numHeads;
        return new LlamaConfig(dim, hiddenDim, numLayers, numHeads, numKvHeads, headDim, vocabSize, contextLength,
                1e-5f, ropeTheta, headDim, Rope.Style.NORM);
    }
}

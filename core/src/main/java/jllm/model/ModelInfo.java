package jllm.model;

/**
 * A model's hyperparameters in jllm's one vocabulary, shared by every architecture for display and
 * sizing. Architectures keep their own config records for what only they use.
 */
public record ModelInfo(String architecture, int dim, int hiddenDim, int numLayers, int numHeads, int numKvHeads,
                        int headDim, int vocabSize, int contextLength, float normEps, float ropeTheta) {

    /** numKvHeads * headDim. */
    public int kvDim() {
        return numKvHeads * headDim;
    }
}

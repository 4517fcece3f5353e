package jllm.format.llama2c;

/**
 * The hyperparameters in a llama2.c checkpoint header.
 *
 * @param dim              model width (embedding size)
 * @param hiddenDim        feed-forward width
 * @param numLayers        transformer blocks
 * @param numHeads         query heads
 * @param numKvHeads       key/value heads (divides {@code numHeads})
 * @param vocabSize        vocabulary size (positive; the header's sign is {@code sharedClassifier})
 * @param seqLen           longest sequence the model was trained for (llama2.c's {@code seq_len})
 * @param sharedClassifier whether the output classifier is the token embedding
 */
public record Llama2cConfig(int dim, int hiddenDim, int numLayers, int numHeads, int numKvHeads, int vocabSize,
                            int seqLen, boolean sharedClassifier) {

    public Llama2cConfig {
        if (dim <= 0 || hiddenDim <= 0 || numLayers <= 0 || numHeads <= 0 || numKvHeads <= 0 || vocabSize <= 0
                || seqLen <= 0) {
            throw new IllegalArgumentException("every size must be positive: " + describe(dim, hiddenDim, numLayers,
                    numHeads, numKvHeads, vocabSize, seqLen));
        }
        if (dim % numHeads != 0 || numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("numHeads must divide dim and numKvHeads must divide numHeads: "
                    + describe(dim, hiddenDim, numLayers, numHeads, numKvHeads, vocabSize, seqLen));
        }
    }

    private static String describe(int dim, int hiddenDim, int numLayers, int numHeads, int numKvHeads,
                                   int vocabSize, int seqLen) {
        return "dim=" + dim + " hiddenDim=" + hiddenDim + " numLayers=" + numLayers + " numHeads=" + numHeads
                + " numKvHeads=" + numKvHeads + " vocabSize=" + vocabSize + " seqLen=" + seqLen;
    }

    /** Width of one attention head. */
    public int headDim() {
        return dim / numHeads;
    }

    /** Width of the key and value projections: {@code numKvHeads * headDim}. */
    public int kvDim() {
        return numKvHeads * headDim();
    }
}

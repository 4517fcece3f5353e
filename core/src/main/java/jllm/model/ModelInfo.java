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

    /** numHeads * headDim. */
    public int qDim() {
        return numHeads * headDim;
    }

    /**
     * Reads the hyperparameters every transformer family stores under llama.cpp's common keys
     * ({@code <arch>.embedding_length}, {@code .block_count}, {@code .attention.head_count} ...), checking
     * how they fit together; the vocabulary size comes from the embedding table.
     *
     * @param defaultContext context length when the file does not say
     * @param defaultEps     RMSNorm epsilon when the file does not say
     * @param defaultTheta   rope base when the file does not say
     */
    public static ModelInfo read(ModelSource source, String arch, int defaultContext, float defaultEps, float defaultTheta) {
        HyperParams p = new HyperParams(source.metadata(), arch);
        int dim = p.positive("embedding_length");
        int numHeads = p.positive("attention.head_count");
        int numKvHeads = p.positive("attention.head_count_kv", numHeads);
        if (numHeads % numKvHeads != 0) {
            throw source.metadata().error(arch + ".attention.head_count_kv", numKvHeads + " KV heads do not divide " + numHeads + " heads");
        }
        if (dim % numHeads != 0 && !source.metadata().has(arch + ".attention.key_length")) {
            throw source.metadata().error(arch + ".attention.head_count", numHeads + " heads do not divide dimension " + dim);
        }
        int headDim = p.positive("attention.key_length", dim / numHeads);
        int valueDim = p.positive("attention.value_length", headDim);
        if (valueDim != headDim) {
            throw source.metadata().error(arch + ".attention.value_length", "value heads of " + valueDim
                    + " values differ from key heads of " + headDim + " (not supported)");
        }
        long vocab = source.tensor(TensorName.TOKEN_EMBD.global()).rows();
        if (vocab > Integer.MAX_VALUE) {
            throw source.metadata().error(TensorName.TOKEN_EMBD.global(), "vocabulary of " + vocab + " rows is too large");
        }
        return new ModelInfo(arch, dim, p.positive("feed_forward_length"), p.positive("block_count"), numHeads,
                numKvHeads, headDim, (int) vocab, p.positive("context_length", defaultContext),
                p.number("attention.layer_norm_rms_epsilon", defaultEps), p.number("rope.freq_base", defaultTheta));
    }
}

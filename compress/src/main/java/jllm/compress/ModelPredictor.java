package jllm.compress;

import jllm.compress.coder.FrequencyTable;

/**
 * Runs a model over text chunks and hands out each token's frequency table. Every chunk is an
 * independent sequence: BOS, then its tokens, predicted one by one. Chunks are processed in groups of
 * {@code lanes}, in lockstep: step s feeds token s - 1 of every chunk still running to one
 * {@link LockstepModel#step} call.
 *
 * <p>Zip and unzip make exactly the same sequence of model calls (same lanes, same order, same batch
 * sizes), so they see the same logits as long as the model is deterministic for a given call.
 */
public final class ModelPredictor {

    /** What happens to each token: the encoder codes {@code known}, the decoder decodes and returns it. */
    @FunctionalInterface
    public interface TokenCoder {
        /**
         * @param chunk index of the chunk in the whole list
         * @param index position of the token in its chunk
         * @param table frequencies of every token at this point
         * @return the token
         */
        int code(int chunk, int index, FrequencyTable table);
    }

    private final LockstepModel model;
    private final int bos;
    private final int alphabet;
    private final int chunkTokens;
    private final int lanes;

    /**
     * @param alphabet    tokens that can be coded (the tokenizer's vocabulary; at most the model's)
     * @param chunkTokens tokens per chunk, at most the model's context length
     * @param lanes       chunks run together
     */
    public ModelPredictor(LockstepModel model, int bos, int alphabet, int chunkTokens, int lanes) {
        if (alphabet > model.vocabSize()) {
            throw new IllegalArgumentException(alphabet + " tokens but the model predicts only " + model.vocabSize());
        }
        if (chunkTokens < 1 || chunkTokens > model.contextLength() || lanes < 1) {
            throw new IllegalArgumentException("chunks of " + chunkTokens + " tokens in " + lanes
                    + " lanes do not fit a context of " + model.contextLength());
        }
        this.model = model;
        this.bos = bos;
        this.alphabet = alphabet;
        this.chunkTokens = chunkTokens;
        this.lanes = lanes;
    }

    public int chunkTokens() {
        return chunkTokens;
    }

    public int lanes() {
        return lanes;
    }

    /**
     * Runs one group of at most {@code lanes} chunks. {@code chunks[j]} has the chunk's length; the
     * encoder fills it beforehand, the decoder's coder fills it as it goes (the array is updated with
     * each returned token before the next step reads it).
     *
     * @param first index of {@code chunks[0]} in the whole list (passed on to the coder)
     */
    public void runGroup(int[][] chunks, int first, TokenCoder coder) {
        if (chunks.length > lanes) {
            throw new IllegalArgumentException(chunks.length + " chunks but " + lanes + " lanes");
        }
        int steps = 0;
        for (int j = 0; j < chunks.length; j++) {
            if (chunks[j].length > chunkTokens) {
                throw new IllegalArgumentException("chunk of " + chunks[j].length + " tokens, longer than " + chunkTokens);
            }
            steps = Math.max(steps, chunks[j].length);
        }
        model.reset(chunks.length, chunkTokens);
        int vocab = model.vocabSize();
        int[] active = new int[chunks.length];
        for (int s = 0; s < steps; s++) {
            int n = 0;
            for (int j = 0; j < chunks.length; j++) {
                if (s < chunks[j].length) {
                    active[n++] = j;
                }
            }
            int[] lanesNow = java.util.Arrays.copyOf(active, n);
            int[] input = new int[n];
            for (int a = 0; a < n; a++) {
                input[a] = s == 0 ? bos : chunks[active[a]][s - 1];
            }
            float[] logits = model.step(lanesNow, input); // (n, vocab)
            for (int a = 0; a < n; a++) {
                int j = active[a];
                FrequencyTable t = TokenFrequencies.from(logits, a * vocab, alphabet);
                int token = coder.code(first + j, s, t);
                if (token < 0 || token >= alphabet) {
                    throw new IllegalStateException("token " + token + " outside the alphabet of " + alphabet);
                }
                chunks[j][s] = token;
            }
        }
    }
}

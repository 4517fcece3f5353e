package jllm.generate;

/**
 * A token with its log-probability under the model's raw next-token distribution (before penalties,
 * truncation and temperature, as OpenAI's {@code logprobs} report it).
 *
 * @param id      token id
 * @param logprob natural log of its probability
 */
public record TokenLogprob(int id, float logprob) {

    /**
     * The log-probability of {@code chosen} and the {@code k} most likely tokens of one row of logits
     * (log-softmax, summed in double), best first, ties by lower id.
     */
    public static Scored score(float[] logits, int chosen, int k) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        float logZ = (float) (max + Math.log(sum));
        int n = Math.min(k, logits.length);
        int[] best = new int[n];
        int size = 0;
        // a partial insertion sort keeps the k best: k is at most 20, the vocabulary is large
        for (int id = 0; id < logits.length && n > 0; id++) {
            float l = logits[id];
            if (size == n && !(l > logits[best[n - 1]])) {
                continue;
            }
            int i = size == n ? n - 1 : size++;
            while (i > 0 && l > logits[best[i - 1]]) {
                best[i] = best[i - 1];
                i--;
            }
            best[i] = id;
        }
        TokenLogprob[] top = new TokenLogprob[size];
        for (int i = 0; i < size; i++) {
            top[i] = new TokenLogprob(best[i], logits[best[i]] - logZ);
        }
        return new Scored(new TokenLogprob(chosen, logits[chosen] - logZ), java.util.List.of(top));
    }

    /**
     * @param chosen the sampled token
     * @param top    the most likely tokens, best first
     */
    public record Scored(TokenLogprob chosen, java.util.List<TokenLogprob> top) {
    }
}

package jllm.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;

import jllm.model.LanguageModel;

/**
 * Perplexity exactly as llama.cpp's {@code llama-perplexity} computes it in its default mode (see
 * testdata/models/PERPLEXITY.md): the token stream is cut into chunks of {@code ctx} tokens, each
 * evaluated on an empty cache with its first token replaced by BOS (when the vocabulary adds BOS),
 * and only the second half of each chunk is scored.
 *
 * <pre>{@code
 * Perplexity.Result r = Perplexity.compute(model, tokens, 128, OptionalInt.of(bos), chunk -> {});
 * System.out.printf("PPL = %.4f +/- %.5f%n", r.ppl(), r.error());
 * }</pre>
 */
public final class Perplexity {
    private Perplexity() {
    }

    /**
     * One chunk's outcome.
     *
     * @param index      0-based chunk number
     * @param nllSum     sum of the negative log-likelihoods of its scored tokens
     * @param scored     number of scored tokens
     * @param runningPpl perplexity over all chunks so far (what llama-perplexity prints as [k]x)
     */
    public record Chunk(int index, double nllSum, int scored, double runningPpl) {
    }

    /**
     * The final estimate.
     *
     * @param ppl    exp(mean NLL)
     * @param error  the standard error llama-perplexity prints after "+/-"
     * @param chunks every chunk
     */
    public record Result(double ppl, double error, List<Chunk> chunks) {
    }

    /**
     * Computes the perplexity of a token stream (already tokenized with BOS as the vocabulary says).
     *
     * @param bos BOS id when the vocabulary adds BOS, else empty
     * @throws IllegalArgumentException when there are fewer than 2 * ctx tokens
     */
    public static Result compute(LanguageModel model, int[] tokens, int ctx, OptionalInt bos, Consumer<Chunk> progress) {
        if (ctx < 4) {
            throw new IllegalArgumentException("context " + ctx + " is too small for perplexity (at least 4)");
        }
        if (tokens.length < 2L * ctx) {
            throw new IllegalArgumentException("perplexity needs at least 2 * ctx = " + 2L * ctx
                    + " tokens; the text has " + tokens.length + " (use a longer text or a smaller -c)");
        }
        int nChunks = tokens.length / ctx;
        int first = ctx / 2;
        int vocab = model.info().vocabSize();
        double nllTotal = 0;
        double nll2Total = 0;
        int count = 0;
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < nChunks; i++) {
            int[] batch = java.util.Arrays.copyOfRange(tokens, i * ctx, (i + 1) * ctx);
            if (bos.isPresent()) {
                batch[0] = bos.getAsInt();
            }
            float[] logits = model.forward(model.newCache(ctx), batch, LanguageModel.Logits.ALL);
            double chunkSum = 0;
            for (int j = first; j < ctx - 1; j++) {
                double nll = negativeLogLikelihood(logits, j * vocab, vocab, tokens[i * ctx + j + 1]);
                chunkSum += nll;
                nll2Total += nll * nll;
            }
            int scored = ctx - 1 - first;
            nllTotal += chunkSum;
            count += scored;
            Chunk c = new Chunk(i, chunkSum, scored, Math.exp(nllTotal / count));
            chunks.add(c);
            progress.accept(c);
        }
        double mean = nllTotal / count;
        double mean2 = nll2Total / count;
        double ppl = Math.exp(mean);
        double err = count > 1 ? ppl * Math.sqrt(Math.max(0, mean2 - mean * mean) / (count - 1)) : 0;
        return new Result(ppl, err, List.copyOf(chunks));
    }

    /**
     * -log softmax(l)[target], as llama-perplexity: the max in float, the sum of exponentials in
     * double, {@code l[t] - max} in float.
     */
    static double negativeLogLikelihood(float[] logits, int off, int n, int target) {
        float max = Float.NEGATIVE_INFINITY;
        for (int v = 0; v < n; v++) {
            max = Math.max(max, logits[off + v]);
        }
        double sum = 0;
        for (int v = 0; v < n; v++) {
            sum += (float) Math.exp(logits[off + v] - max);
        }
        float diff = logits[off + target] - max;
        return -(diff - Math.log(sum));
    }
}

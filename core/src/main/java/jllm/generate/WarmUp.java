package jllm.generate;

import java.util.ArrayList;
import java.util.List;
import jllm.model.KvCache;
import jllm.model.LanguageModel;

/**
 * Runs a model's kernels before real work, so the JIT has compiled them when the first request comes.
 * Vector API code that is still interpreted is about a hundred times slower than compiled code, and a
 * server's first prompt would otherwise pay for it (llama.cpp also runs one warm-up decode at load).
 *
 * <p>Each round evaluates a short prompt (the batched matrix-matrix path), one decode step of four
 * sequences at once (the batched row-dot path) and single-token steps (the matrix-vector path), on
 * scratch caches that are then dropped. Rounds repeat until the time budget is spent.
 */
public final class WarmUp {

    private WarmUp() {
    }

    /**
     * Warms the model's kernels for about {@code budgetMillis} (at least one round).
     *
     * @return the number of rounds run
     */
    public static int run(LanguageModel model, long budgetMillis) {
        int vocab = model.info().vocabSize();
        int context = Math.min(64, Math.max(16, model.info().contextLength()));
        long deadline = System.nanoTime() + budgetMillis * 1_000_000L;
        int rounds = 0;
        do {
            KvCache prompt = model.newCache(context);
            model.forward(prompt, tokens(16, vocab, rounds), LanguageModel.Logits.LAST);
            List<KvCache> caches = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                caches.add(model.newCache(context));
            }
            int[] step = tokens(4, vocab, rounds + 1);
            for (int s = 0; s < 4; s++) {
                model.forwardBatch(caches, step);
                model.forward(prompt, new int[]{step[s]}, LanguageModel.Logits.LAST);
            }
            rounds++;
        } while (System.nanoTime() < deadline && rounds < 50);
        return rounds;
    }

    private static int[] tokens(int n, int vocab, int seed) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = (int) Math.floorMod(i * 2654435761L + seed * 7919L + 1, (long) vocab);
        }
        return t;
    }
}

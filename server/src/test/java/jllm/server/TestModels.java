package jllm.server;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import jllm.model.KvCache;
import jllm.model.LanguageModel;
import jllm.model.ModelInfo;

/** Test-only wrappers around a real model: slower, or made to answer a fixed text. */
final class TestModels {
    private TestModels() {
    }

    /** The model, taking at least {@code millis} per forward call (to hold slots busy in scheduling tests). */
    static LanguageModel slow(LanguageModel m, long millis) {
        return beforeEachForward(m, tokens -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * The model run for real, with its next-token logits overridden to spell {@code script} (token ids)
     * and then {@code end}: the server's whole pipeline (slots, sampling, decoding, streaming) still runs.
     */
    static LanguageModel scripted(LanguageModel m, int[] script, int end) {
        Map<KvCache, int[]> fed = new IdentityHashMap<>();
        return withForward(m, (cache, tokens, which) -> {
            synchronized (fed) {
                int[] before = fed.getOrDefault(cache, new int[0]);
                int[] all = java.util.Arrays.copyOf(before, cache.length() + tokens.length);
                System.arraycopy(tokens, 0, all, cache.length(), tokens.length);
                fed.put(cache, all);
                float[] logits = m.forward(cache, tokens, which);
                int k = script.length;
                while (k > 0 && !endsWith(all, script, k)) {
                    k--;
                }
                int next = k < script.length ? script[k] : end;
                int vocab = m.info().vocabSize();
                int row = logits.length - vocab;
                java.util.Arrays.fill(logits, row, logits.length, -100f);
                logits[row + next] = 100f;
                return logits;
            }
        });
    }

    private static boolean endsWith(int[] all, int[] script, int k) {
        if (k > all.length) {
            return false;
        }
        for (int i = 0; i < k; i++) {
            if (all[all.length - k + i] != script[i]) {
                return false;
            }
        }
        return true;
    }

    /** The real model, recording every token it is fed. */
    static LanguageModel recording(LanguageModel m, List<Integer> fed) {
        return beforeEachForward(m, tokens -> {
            synchronized (fed) {
                for (int t : tokens) {
                    fed.add(t);
                }
            }
        });
    }

    /** The model unchanged, with {@code hook} run on the tokens of every forward call before it. */
    private static LanguageModel beforeEachForward(LanguageModel m, Consumer<int[]> hook) {
        return withForward(m, (cache, tokens, which) -> {
            hook.accept(tokens);
            return m.forward(cache, tokens, which);
        });
    }

    /** A model's forward call, replaced. */
    @FunctionalInterface
    private interface Forward {
        float[] forward(KvCache cache, int[] tokens, LanguageModel.Logits which);
    }

    /** The model with its forward calls going through {@code forward}; everything else is m's. */
    private static LanguageModel withForward(LanguageModel m, Forward forward) {
        return new LanguageModel() {
            @Override
            public ModelInfo info() {
                return m.info();
            }

            @Override
            public KvCache newCache(int maxContext, KvCache.Type type) {
                return m.newCache(maxContext, type);
            }

            @Override
            public float[] forward(KvCache cache, int[] tokens, Logits which) {
                return forward.forward(cache, tokens, which);
            }
        };
    }
}

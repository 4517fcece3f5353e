package jllm.generate;

import java.util.Arrays;

/**
 * The candidate next tokens a sampler chain narrows down: ids with their logits (and, after
 * {@link #softmax()}, probabilities). Steps may sort, truncate and rescale; the arrays are reused.
 */
public final class Candidates {
    int[] ids;
    float[] logits;
    float[] probs;
    int size;
    boolean sorted;

    /** Candidates over the whole vocabulary, from one row of logits (copied). */
    public static Candidates of(float[] logits) {
        Candidates c = new Candidates();
        c.size = logits.length;
        c.ids = new int[c.size];
        c.logits = logits.clone();
        c.probs = new float[c.size];
        for (int i = 0; i < c.size; i++) {
            c.ids[i] = i;
        }
        return c;
    }

    /** Number of candidates left. */
    public int size() {
        return size;
    }

    /** Token id of candidate i. */
    public int id(int i) {
        return ids[i];
    }

    /** Logit of candidate i. */
    public float logit(int i) {
        return logits[i];
    }

    /** Probability of candidate i (valid after {@link #softmax()}). */
    public float prob(int i) {
        return probs[i];
    }

    /** Sorts by logit, highest first; ties by lower id first (stable, so results are reproducible). */
    public void sortDescending() {
        if (sorted) {
            return;
        }
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int c = Float.compare(logits[b], logits[a]);
            return c != 0 ? c : Integer.compare(ids[a], ids[b]);
        });
        int[] ni = new int[size];
        float[] nl = new float[size];
        float[] np = new float[size];
        for (int i = 0; i < size; i++) {
            ni[i] = ids[order[i]];
            nl[i] = logits[order[i]];
            np[i] = probs[order[i]];
        }
        ids = ni;
        logits = nl;
        probs = np;
        sorted = true;
    }

    /** Keeps the best {@code k} candidates (sorting first). */
    public void truncate(int k) {
        sortDescending();
        size = Math.max(1, Math.min(size, k));
    }

    /** Computes probabilities from logits: softmax over the remaining candidates (sum in double). */
    public void softmax() {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < size; i++) {
            max = Math.max(max, logits[i]);
        }
        double sum = 0;
        for (int i = 0; i < size; i++) {
            float e = (float) Math.exp(logits[i] - max);
            probs[i] = e;
            sum += e;
        }
        for (int i = 0; i < size; i++) {
            probs[i] = (float) (probs[i] / sum);
        }
    }
}

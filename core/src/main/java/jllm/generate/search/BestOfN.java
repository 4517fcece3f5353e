package jllm.generate.search;

import java.util.List;

/**
 * Best-of-n: of n sampled replies keep the one the verifier scores highest; ties go to the earliest
 * sample. With an exact checker as the verifier this is pass@n (right when any sample is right).
 */
public final class BestOfN {
    private BestOfN() {
    }

    /** Index of the best-scored reply; an error when there are none. */
    public static int best(List<String> replies, Verifier verifier) {
        if (replies.isEmpty()) {
            throw new IllegalArgumentException("best-of-n needs at least one reply");
        }
        int best = 0;
        double bestScore = verifier.score(replies.getFirst());
        for (int i = 1; i < replies.size(); i++) {
            double s = verifier.score(replies.get(i));
            if (s > bestScore) {
                best = i;
                bestScore = s;
            }
        }
        return best;
    }
}

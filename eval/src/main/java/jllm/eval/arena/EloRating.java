package jllm.eval.arena;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Online Elo, as chess and Chatbot Arena's first leaderboard compute it: every model starts at 1000;
 * after each battle, in order, {@code R_A += K (S_A - E_A)} with
 * {@code E_A = 1 / (1 + 10^((R_B - R_A) / 400))} and {@code S_A} = 1, 0 or 1/2 for a tie of either kind.
 * The result depends on the order of the battles (which is why the leaderboard's intervals come from
 * {@link BradleyTerry}, which does not).
 *
 * <pre>{@code
 * Map<String, Double> r = EloRating.DEFAULT.rate(matches);
 * }</pre>
 *
 * @param k     step size (4: small, so late battles do not swing the ratings)
 * @param scale rating points per factor {@code base} in odds
 * @param base  odds base
 * @param start every model's first rating
 */
public record EloRating(double k, double scale, double base, double start) {
    /** K=4, scale 400, base 10, start 1000. */
    public static final EloRating DEFAULT = new EloRating(4, 400, 10, 1000);

    /** Expected score of a player rated {@code ra} against one rated {@code rb}. */
    public double expected(double ra, double rb) {
        return 1 / (1 + Math.pow(base, (rb - ra) / scale));
    }

    /** Ratings after playing {@code matches} in order, in order of first appearance. */
    public Map<String, Double> rate(List<Match> matches) {
        Map<String, Double> r = new LinkedHashMap<>();
        for (Match m : matches) {
            double ra = r.computeIfAbsent(m.modelA(), x -> start);
            double rb = r.computeIfAbsent(m.modelB(), x -> start);
            double ea = expected(ra, rb);
            double sa = m.outcome().scoreA();
            r.put(m.modelA(), ra + k * (sa - ea));
            r.put(m.modelB(), rb + k * ((1 - sa) - (1 - ea)));
        }
        return r;
    }
}

package jllm.eval.arena;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the leaderboard shows, computed from decided battles: Bradley-Terry ratings with 95%
 * bootstrap intervals, ranks, online Elo, vote counts and the win-rate matrix; a model's rating is marked
 * as meaning nothing yet until it has {@link #MIN_VOTES} votes and has both won and lost.
 *
 * <pre>{@code
 * Leaderboard board = Leaderboard.of(store.matches(), 100, 42);
 * board.rows().forEach(r -> System.out.println(r.rank() + " " + r.model() + " " + r.rating()));
 * }</pre>
 *
 * @param rows     one per model, best rating first
 * @param models   the models in row order (the matrix's order)
 * @param winRate  {@code winRate[i][j]}: the share of i's battles against j that i won, ties counted half;
 *                 NaN when they never met
 * @param battles  {@code battles[i][j]}: how many decided battles i and j had
 * @param total    decided battles in all
 */
public record Leaderboard(List<Row> rows, List<String> models, double[][] winRate, int[][] battles, int total) {

    /**
     * One model's line.
     *
     * @param rank    1 + the number of models whose interval lies wholly above this one's
     * @param model   the model
     * @param rating  Bradley-Terry rating (mean of all models = 1000)
     * @param lower   lower end of its 95% bootstrap interval
     * @param upper   upper end
     * @param elo     online Elo rating, in battle order
     * @param votes   decided battles it took part in
     * @param unrated why its rating means nothing yet ({@code "too few votes: 1 of the 10 needed"}, {@code "no loss yet ..."}),
     *                empty once it does: then show it
     */
    public record Row(int rank, String model, double rating, double lower, double upper, double elo, int votes,
                      Optional<String> unrated) {
        /** Whether the rating means something: enough votes, and both won and lost (see {@link #MIN_VOTES}). */
        public boolean rated() {
            return unrated.isEmpty();
        }
    }

    /** Rounds of the bootstrap unless told otherwise. */
    public static final int DEFAULT_ROUNDS = 100;

    /**
     * Decided battles a model needs before its rating is shown. After one vote the ratings sit at the
     * bounds (3000 and -1000); at 10 votes between even models the 95% interval still spans about
     * +-215 points (400/ln 10 x 1.96 / sqrt(10 x 0.25)), the least that says anything about a model.
     * A model that never won, or never lost, has no finite rating however many votes it has.
     */
    public static final int MIN_VOTES = 10;

    /** The leaderboard of {@code matches} (in the order they were decided), {@code rounds} bootstrap rounds seeded by {@code seed}. */
    public static Leaderboard of(List<Match> matches, int rounds, long seed) {
        if (matches.isEmpty()) {
            return new Leaderboard(List.of(), List.of(), new double[0][0], new int[0][0], 0);
        }
        Map<String, Double> bt = BradleyTerry.DEFAULT.fit(matches);
        Map<String, BradleyTerry.Interval> ci = BradleyTerry.DEFAULT.bootstrap(matches, rounds, seed);
        Map<String, Double> elo = EloRating.DEFAULT.rate(matches);
        List<String> models = new ArrayList<>(bt.keySet());
        models.sort(Comparator.comparing((String m) -> -bt.get(m)).thenComparing(m -> m));
        int n = models.size();
        double[][] score = new double[n][n];
        int[][] count = new int[n][n];
        for (Match m : matches) {
            int a = models.indexOf(m.modelA());
            int b = models.indexOf(m.modelB());
            score[a][b] += m.outcome().scoreA();
            score[b][a] += 1 - m.outcome().scoreA();
            count[a][b]++;
            count[b][a]++;
        }
        double[][] rate = new double[n][n];
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int votes = 0;
            double won = 0;
            for (int j = 0; j < n; j++) {
                rate[i][j] = count[i][j] == 0 ? Double.NaN : score[i][j] / count[i][j];
                votes += count[i][j];
                won += score[i][j];
            }
            Optional<String> unrated = votes < MIN_VOTES ? Optional.of("too few votes: " + votes + " of the " + MIN_VOTES + " needed")
                    : won == 0 ? Optional.of("no win yet (no finite rating)")
                    : won == votes ? Optional.of("no loss yet (no finite rating)") : Optional.empty();
            String m = models.get(i);
            BradleyTerry.Interval me = ci.get(m);
            int rank = 1;
            for (BradleyTerry.Interval other : ci.values()) {
                if (other.lower() > me.upper()) {
                    rank++;
                }
            }
            rows.add(new Row(rank, m, bt.get(m), me.lower(), me.upper(), elo.get(m), votes, unrated));
        }
        return new Leaderboard(List.copyOf(rows), List.copyOf(models), rate, count, matches.size());
    }
}

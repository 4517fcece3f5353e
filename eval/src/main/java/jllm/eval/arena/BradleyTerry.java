package jllm.eval.arena;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Bradley-Terry ratings by maximum likelihood: model i beats model j with probability
 * {@code p_i / (p_i + p_j)}; a tie of either kind counts as half a win for each side. The strengths are
 * fitted with Hunter's MM iteration ({@code p_i <- W_i / sum_j n_ij / (p_i + p_j)}, which climbs the
 * likelihood at every step), then shown as {@code anchor + scale * log_base(p_i)}, shifted so the mean
 * rating is {@code anchor}. Unlike online Elo the result does not depend on the order of the battles.
 *
 * <p>A model that never scored (no wins, no ties) has no finite maximum-likelihood strength, nor has one
 * that never lost: every rating is held within {@link #FLOOR} points of the mean (before anchoring), so
 * such a model sits at that bound. Models must be connected by battles; separate groups are not comparable and their relative
 * placement is arbitrary.
 *
 * <pre>{@code
 * Map<String, Double> r = BradleyTerry.DEFAULT.fit(matches);
 * Map<String, BradleyTerry.Interval> ci = BradleyTerry.DEFAULT.bootstrap(matches, 100, 42);
 * }</pre>
 *
 * @param scale  rating points per factor {@code base} in odds
 * @param base   odds base
 * @param anchor the mean rating
 */
public record BradleyTerry(double scale, double base, double anchor) {
    /** Scale 400, base 10, mean 1000: the same units as {@link EloRating#DEFAULT}. */
    public static final BradleyTerry DEFAULT = new BradleyTerry(400, 10, 1000);

    /** How far from the mean a rating may go, in rating points: where models that never scored (never lost) sit. */
    public static final double FLOOR = 2000;

    private static final int MAX_ITERATIONS = 100_000;
    private static final double TOLERANCE = 1e-12;

    /**
     * A confidence interval.
     *
     * @param lower its lower end
     * @param upper its upper end
     */
    public record Interval(double lower, double upper) {
        public boolean contains(double x) {
            return lower <= x && x <= upper;
        }
    }

    /** Maximum-likelihood ratings, keyed by model in order of first appearance. */
    public Map<String, Double> fit(List<Match> matches) {
        Indexed data = Indexed.of(matches);
        double[] r = fit(data.wins(data.all()), data.names.size());
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < r.length; i++) {
            out.put(data.names.get(i), r[i]);
        }
        return out;
    }

    /**
     * 95% percentile-bootstrap intervals: {@code rounds} times the battles are drawn with replacement
     * (seeded) and refitted; the 2.5% and 97.5% quantiles (linear interpolation) of each model's ratings
     * are its interval.
     */
    public Map<String, Interval> bootstrap(List<Match> matches, int rounds, long seed) {
        if (rounds < 2) {
            throw new IllegalArgumentException("the bootstrap needs at least 2 rounds, got " + rounds);
        }
        Indexed data = Indexed.of(matches);
        int n = data.names.size();
        SplittableRandom random = new SplittableRandom(seed);
        double[][] samples = new double[n][rounds];
        int[] drawn = new int[matches.size()];
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < drawn.length; k++) {
                drawn[k] = random.nextInt(drawn.length);
            }
            double[][] w = data.wins(drawn);
            double[] r = fit(w, n);
            for (int i = 0; i < n; i++) {
                samples[i][round] = r[i];
            }
        }
        Map<String, Interval> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            double[] s = samples[i];
            Arrays.sort(s);
            out.put(data.names.get(i), new Interval(quantile(s, 0.025), quantile(s, 0.975)));
        }
        return out;
    }

    /** The q-quantile of sorted values, interpolating linearly between neighbours. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** Ratings from a win matrix ({@code w[i][j]}: i's score against j, ties counted half). */
    private double[] fit(double[][] w, int n) {
        double[] wins = new double[n];
        double[] played = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                wins[i] += w[i][j];
                played[i] += w[i][j] + w[j][i];
            }
        }
        // work in natural-log strengths; the floor keeps models that never scored (never lost) finite
        double limit = FLOOR / scale * Math.log(base);
        double[] p = new double[n];
        Arrays.fill(p, 1);
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            double change = 0;
            double[] next = new double[n];
            for (int i = 0; i < n; i++) {
                if (played[i] == 0) {
                    next[i] = 1; // absent from this sample: no information, kept at the mean
                    continue;
                }
                double denominator = 0;
                for (int j = 0; j < n; j++) {
                    double nij = w[i][j] + w[j][i];
                    if (nij > 0) {
                        denominator += nij / (p[i] + p[j]);
                    }
                }
                next[i] = wins[i] / denominator;
            }
            // normalise: geometric mean 1, then clamp at the floor and ceiling
            double meanLog = 0;
            int present = 0;
            for (int i = 0; i < n; i++) {
                if (played[i] > 0) {
                    meanLog += Math.log(Math.max(next[i], Double.MIN_NORMAL));
                    present++;
                }
            }
            meanLog /= Math.max(1, present);
            for (int i = 0; i < n; i++) {
                double l = played[i] > 0 ? Math.log(Math.max(next[i], Double.MIN_NORMAL)) - meanLog : 0;
                l = Math.clamp(l, -limit, limit);
                double v = Math.exp(l);
                change = Math.max(change, Math.abs(l - Math.log(p[i])));
                p[i] = v;
            }
            if (change < TOLERANCE) {
                break;
            }
        }
        double[] r = new double[n];
        double mean = 0;
        for (int i = 0; i < n; i++) {
            r[i] = scale * Math.log(p[i]) / Math.log(base);
            mean += r[i];
        }
        mean /= n;
        for (int i = 0; i < n; i++) {
            r[i] += anchor - mean;
        }
        return r;
    }

    /** Matches as model indices and A's scores. */
    private record Indexed(List<String> names, int[] a, int[] b, double[] scoreA) {
        static Indexed of(List<Match> matches) {
            if (matches.isEmpty()) {
                throw new IllegalArgumentException("no battles to rate");
            }
            Map<String, Integer> index = new LinkedHashMap<>();
            int[] a = new int[matches.size()];
            int[] b = new int[matches.size()];
            double[] s = new double[matches.size()];
            for (int k = 0; k < matches.size(); k++) {
                Match m = matches.get(k);
                a[k] = index.computeIfAbsent(m.modelA(), x -> index.size());
                b[k] = index.computeIfAbsent(m.modelB(), x -> index.size());
                s[k] = m.outcome().scoreA();
            }
            return new Indexed(new ArrayList<>(index.keySet()), a, b, s);
        }

        int[] all() {
            int[] k = new int[a.length];
            Arrays.setAll(k, i -> i);
            return k;
        }

        /** {@code w[i][j]}: i's total score against j over the chosen matches. */
        double[][] wins(int[] chosen) {
            int n = names.size();
            double[][] w = new double[n][n];
            for (int k : chosen) {
                w[a[k]][b[k]] += scoreA[k];
                w[b[k]][a[k]] += 1 - scoreA[k];
            }
            return w;
        }
    }
}

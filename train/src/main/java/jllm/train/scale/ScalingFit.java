package jllm.train.scale;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Fits {@link ScalingLaw Chinchilla's form} to trained models as Hoffmann et al. (2022, approach 3) do:
 * minimize {@code sum_i Huber_delta(LSE(a - alpha log N_i, b - beta log D_i, e) - log L_i)} with
 * {@code delta = 1e-3} (robust to outliers, nearly an L1 fit on log loss), {@code A = exp(a)},
 * {@code B = exp(b)}, {@code E = exp(e)}, by L-BFGS from a grid of initializations, keeping the best.
 * Bootstrap intervals refit resampled runs.
 *
 * <pre>{@code
 * ScalingLaw law = ScalingFit.fit(runs);
 * ScalingFit.Bootstrap boot = ScalingFit.bootstrap(runs, law, 200, 42);
 * double[] alpha95 = boot.interval(ScalingLaw::alpha, 0.95);
 * }</pre>
 */
public final class ScalingFit {
    /** Hoffmann et al.'s Huber delta. */
    public static final double DELTA = 1e-3;
    /** Runs the five-constant fit needs at least. */
    public static final int MIN_RUNS = 6;

    /** Iterations from every start, then for the best few starts (the grid's optima are mostly duplicates). */
    private static final int SCREEN_ITERATIONS = 30, POLISH_ITERATIONS = 500, POLISHED = 16;

    private ScalingFit() {
    }

    /**
     * The best fit over Hoffmann et al.'s grid of initializations (alpha, beta in {0, 0.5, ..., 2}, e in
     * {-1, -0.5, ..., 1}, a, b in {0, 5, ..., 25}).
     *
     * @throws IllegalArgumentException when the runs cannot determine the five constants, saying why
     */
    public static ScalingLaw fit(List<Observation> runs) {
        check(runs);
        List<double[]> starts = new ArrayList<>();
        for (double alpha = 0; alpha <= 2; alpha += 0.5) {
            for (double beta = 0; beta <= 2; beta += 0.5) {
                for (double e = -1; e <= 1; e += 0.5) {
                    for (double a = 0; a <= 25; a += 5) {
                        for (double b = 0; b <= 25; b += 5) {
                            starts.add(new double[]{a, b, e, alpha, beta});
                        }
                    }
                }
            }
        }
        return best(runs, starts);
    }

    /** The five constants refitted on {@code samples} resamples (with replacement) of the runs. */
    public static Bootstrap bootstrap(List<Observation> runs, ScalingLaw fitted, int samples, long seed) {
        check(runs);
        Random random = new Random(seed);
        // a coarse grid and the full fit's optimum: a resample's optimum lies near the full one
        List<double[]> starts = new ArrayList<>();
        starts.add(theta(fitted));
        for (double alpha : new double[]{0.25, 0.75}) {
            for (double beta : new double[]{0.25, 0.75}) {
                for (double e : new double[]{-0.5, 0.5}) {
                    for (double a : new double[]{2, 10}) {
                        for (double b : new double[]{2, 10}) {
                            starts.add(new double[]{a, b, e, alpha, beta});
                        }
                    }
                }
            }
        }
        List<ScalingLaw> laws = new ArrayList<>();
        int attempts = 0;
        while (laws.size() < samples && attempts++ < samples * 20) {
            List<Observation> resample = new ArrayList<>(runs.size());
            for (int i = 0; i < runs.size(); i++) {
                resample.add(runs.get(random.nextInt(runs.size())));
            }
            if (problem(resample) == null) {
                laws.add(best(resample, starts));
            }
        }
        return new Bootstrap(laws);
    }

    /** The refitted laws of a bootstrap; intervals of any function of them by percentiles. */
    public record Bootstrap(List<ScalingLaw> laws) {
        public Bootstrap {
            laws = List.copyOf(laws);
        }

        /** The central {@code level} interval (e.g. 0.95: the 2.5th and 97.5th percentiles) of {@code f}. */
        public double[] interval(ToDoubleFunction<ScalingLaw> f, double level) {
            double[] v = laws.stream().mapToDouble(f).filter(Double::isFinite).sorted().toArray();
            if (v.length == 0) {
                return new double[]{Double.NaN, Double.NaN};
            }
            return new double[]{percentile(v, (1 - level) / 2), percentile(v, 1 - (1 - level) / 2)};
        }

        private static double percentile(double[] sorted, double q) {
            double pos = q * (sorted.length - 1);
            int i = (int) Math.floor(pos);
            int j = Math.min(i + 1, sorted.length - 1);
            return sorted[i] + (sorted[j] - sorted[i]) * (pos - i);
        }
    }

    /** The objective of the fit at {@code law} (mean Huber loss of the log residuals). */
    public static double objective(List<Observation> runs, ScalingLaw law) {
        return new Huber(runs).valueAndGradient(theta(law), new double[5]) / runs.size();
    }

    private static ScalingLaw best(List<Observation> runs, List<double[]> starts) {
        Huber h = new Huber(runs);
        double[] grad = new double[5];
        // screen every start briefly, then polish the most promising
        List<double[]> screened = new ArrayList<>(starts.size());
        List<Double> values = new ArrayList<>(starts.size());
        for (double[] start : starts) {
            double[] x = Lbfgs.minimize(h, start, SCREEN_ITERATIONS);
            screened.add(x);
            values.add(h.valueAndGradient(x, grad));
        }
        Integer[] order = new Integer[screened.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (i, j) -> Double.compare(values.get(i), values.get(j)));
        double bestValue = Double.POSITIVE_INFINITY;
        double[] best = null;
        for (int k = 0; k < Math.min(POLISHED, order.length); k++) {
            double[] x = Lbfgs.minimize(h, screened.get(order[k]), POLISH_ITERATIONS);
            double v = h.valueAndGradient(x, grad);
            if (v < bestValue || best == null) {
                bestValue = v;
                best = x;
            }
        }
        return new ScalingLaw(Math.exp(best[2]), Math.exp(best[0]), best[3], Math.exp(best[1]), best[4]);
    }

    private static double[] theta(ScalingLaw law) {
        return new double[]{Math.log(law.a()), Math.log(law.b()), Math.log(law.e()), law.alpha(), law.beta()};
    }

    private static void check(List<Observation> runs) {
        String p = problem(runs);
        if (p != null) {
            throw new IllegalArgumentException(p);
        }
    }

    /** Why the runs cannot determine the law, or null when they can. */
    static String problem(List<Observation> runs) {
        if (runs.size() < MIN_RUNS) {
            return String.format(Locale.ROOT, "the fit of L(N, D) = E + A/N^alpha + B/D^beta needs at least %d runs, got %d",
                    MIN_RUNS, runs.size());
        }
        Set<Double> ns = new HashSet<>(), ds = new HashSet<>(), losses = new HashSet<>();
        for (Observation o : runs) {
            if (!(o.params() > 0 && o.tokens() > 0 && o.loss() > 0) || !Double.isFinite(o.params() + o.tokens() + o.loss())) {
                return "every run needs a positive, finite N, D and loss; got " + o;
            }
            ns.add(o.params());
            ds.add(o.tokens());
            losses.add(o.loss());
        }
        if (ns.size() < 2 || ds.size() < 2) {
            return String.format(Locale.ROOT, "the fit needs runs at two or more model sizes and two or more token counts; got %d "
                    + "distinct N and %d distinct D", ns.size(), ds.size());
        }
        if (losses.size() == 1) {
            return "every run has the same loss (" + losses.iterator().next() + "): nothing to fit";
        }
        return null;
    }

    /** The Huber objective over theta = (a, b, e, alpha, beta) and its gradient. */
    private static final class Huber implements Lbfgs.Objective {
        private final double[] logN, logD, logL;

        Huber(List<Observation> runs) {
            logN = runs.stream().mapToDouble(o -> Math.log(o.params())).toArray();
            logD = runs.stream().mapToDouble(o -> Math.log(o.tokens())).toArray();
            logL = runs.stream().mapToDouble(o -> Math.log(o.loss())).toArray();
        }

        @Override
        public double valueAndGradient(double[] x, double[] grad) {
            double a = x[0], b = x[1], e = x[2], alpha = x[3], beta = x[4];
            Arrays.fill(grad, 0);
            double sum = 0;
            for (int i = 0; i < logL.length; i++) {
                double t1 = a - alpha * logN[i], t2 = b - beta * logD[i];
                // log-sum-exp of (t1, t2, e), shifted by the largest term for range
                double m = Math.max(e, Math.max(t1, t2));
                double w1 = Math.exp(t1 - m), w2 = Math.exp(t2 - m), w3 = Math.exp(e - m);
                double z = w1 + w2 + w3;
                double r = m + Math.log(z) - logL[i];
                double abs = Math.abs(r);
                sum += abs <= DELTA ? r * r / 2 : DELTA * (abs - DELTA / 2);
                double dr = Math.max(-DELTA, Math.min(DELTA, r));
                w1 /= z;
                w2 /= z;
                w3 /= z;
                grad[0] += dr * w1;
                grad[1] += dr * w2;
                grad[2] += dr * w3;
                grad[3] -= dr * w1 * logN[i];
                grad[4] -= dr * w2 * logD[i];
            }
            return sum;
        }
    }
}

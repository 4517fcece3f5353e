package jllm.train.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ScalingFitTest {
    /** A grid of 6 sizes over 100x in N and 5 token counts over 100x in D, as a sweep gives. */
    private static List<Observation> synthetic(ScalingLaw truth, double noise, long seed) {
        Random r = new Random(seed);
        List<Observation> runs = new ArrayList<>();
        for (double n = 1e4; n <= 1.01e6; n *= Math.pow(10, 0.4)) {
            for (double d = 1e5; d <= 1.01e7; d *= Math.pow(10, 0.5)) {
                runs.add(new Observation(n, d, truth.loss(n, d) * Math.exp(noise * r.nextGaussian())));
            }
        }
        return runs;
    }

    @Test
    void recoversChinchillasConstantsExactlyWithoutNoise() {
        ScalingLaw truth = ScalingLaw.CHINCHILLA;
        ScalingLaw fit = ScalingFit.fit(synthetic(truth, 0, 1));
        assertEquals(truth.alpha(), fit.alpha(), 2e-3, fit.toString());
        assertEquals(truth.beta(), fit.beta(), 2e-3, fit.toString());
        assertEquals(truth.e(), fit.e(), 2e-3 * truth.e(), fit.toString());
        assertEquals(Math.log(truth.a()), Math.log(fit.a()), 0.02, fit.toString());
        assertEquals(Math.log(truth.b()), Math.log(fit.b()), 0.02, fit.toString());
    }

    @Test
    void recoversSmallModelConstantsWithinNoiseAndTheIntervalsCoverThem() {
        // constants of the size a CPU sweep finds (losses 2 to 5 nats), 0.5% multiplicative noise
        ScalingLaw truth = new ScalingLaw(1.2, 60, 0.35, 300, 0.3);
        List<Observation> runs = synthetic(truth, 0.005, 1);
        ScalingLaw fit = ScalingFit.fit(runs);
        // stated error: exponents within 0.06, E within 15% (E and A/N^alpha trade off), predictions within 1% over the grid
        assertEquals(truth.alpha(), fit.alpha(), 0.06, fit.toString());
        assertEquals(truth.beta(), fit.beta(), 0.06, fit.toString());
        assertEquals(truth.e(), fit.e(), 0.15 * truth.e(), fit.toString());
        // the fit is at least as good as the truth on the noisy data (the optimizer found the optimum)
        assertTrue(ScalingFit.objective(runs, fit) <= ScalingFit.objective(runs, truth));
        for (Observation o : runs) {
            double want = truth.loss(o.params(), o.tokens());
            assertEquals(want, fit.loss(o.params(), o.tokens()), 0.01 * want);
        }
        ScalingFit.Bootstrap boot = ScalingFit.bootstrap(runs, fit, 40, 3);
        assertEquals(40, boot.laws().size());
        double[] alpha = boot.interval(ScalingLaw::alpha, 0.95);
        double[] beta = boot.interval(ScalingLaw::beta, 0.95);
        assertTrue(alpha[0] <= truth.alpha() && truth.alpha() <= alpha[1], "alpha interval " + alpha[0] + ".." + alpha[1]);
        assertTrue(beta[0] <= truth.beta() && truth.beta() <= beta[1], "beta interval " + beta[0] + ".." + beta[1]);
        assertTrue(alpha[1] - alpha[0] < 0.2, "alpha interval too wide: " + alpha[0] + ".." + alpha[1]);
        assertTrue(alpha[1] - alpha[0] > 0, "a bootstrap of noisy data must vary");
    }

    @Test
    void oneOutlierBarelyMovesTheHuberFit() {
        ScalingLaw truth = new ScalingLaw(1.2, 60, 0.35, 300, 0.3);
        List<Observation> runs = synthetic(truth, 0, 1);
        Observation o = runs.get(7);
        runs.set(7, new Observation(o.params(), o.tokens(), o.loss() * 1.5)); // a diverged run
        ScalingLaw fit = ScalingFit.fit(runs);
        assertEquals(truth.alpha(), fit.alpha(), 0.01, fit.toString());
        assertEquals(truth.beta(), fit.beta(), 0.01, fit.toString());
    }

    @Test
    void computeOptimalAllocationMinimizesTheLossAtFixedCompute() {
        ScalingLaw c = ScalingLaw.CHINCHILLA;
        double compute = 5.76e23; // Chinchilla's own budget: 70B params x 1.4T tokens
        double n = c.optimalParams(compute);
        double d = c.optimalTokens(compute);
        assertEquals(compute, 6 * n * d, 1e-6 * compute);
        // the closed form minimizes the loss along C = 6ND: a nearby split is worse
        assertTrue(c.loss(n, d) < c.loss(n * 1.2, d / 1.2) && c.loss(n, d) < c.loss(n / 1.2, d * 1.2));
        assertEquals(d, c.tokensFor(n, c.loss(n, d)), 1e-6 * d);
    }

    @Test
    void tooFewRunsAreRefusedSayingHowMany() {
        List<Observation> runs = synthetic(ScalingLaw.CHINCHILLA, 0, 1).subList(0, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScalingFit.fit(runs));
        assertTrue(e.getMessage().contains("at least 6 runs, got 4"), e.getMessage());
    }

    @Test
    void oneModelSizeOrEqualLossesAreRefused() {
        List<Observation> oneSize = new ArrayList<>();
        List<Observation> flat = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            oneSize.add(new Observation(1e5, 1e5 * (i + 1), 3 - 0.1 * i));
            flat.add(new Observation(1e4 * (i % 3 + 1), 1e5 * (i + 1), 2.5));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScalingFit.fit(oneSize));
        assertTrue(e.getMessage().contains("1 distinct N"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ScalingFit.fit(flat));
        assertTrue(e.getMessage().contains("same loss"), e.getMessage());
        List<Observation> bad = new ArrayList<>(synthetic(ScalingLaw.CHINCHILLA, 0, 1));
        bad.set(0, new Observation(1e4, 1e5, Double.NaN));
        e = assertThrows(IllegalArgumentException.class, () -> ScalingFit.fit(bad));
        assertTrue(e.getMessage().contains("positive, finite"), e.getMessage());
    }

    @Test
    void powerLawRecoversItsExponentAndRefusesOnePoint() {
        double[] x = {1e4, 3e4, 1e5, 3e5, 1e6};
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = 11.5 * Math.pow(x[i], -0.076);
        }
        PowerLaw p = PowerLaw.fit(x, y);
        assertEquals(0.076, p.exponent(), 1e-9);
        assertEquals(11.5, p.c(), 1e-6);
        assertEquals(y[2], p.at(x[2]), 1e-9);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PowerLaw.fit(new double[]{5, 5}, new double[]{1, 2}));
        assertTrue(e.getMessage().contains("two or more distinct x"), e.getMessage());
    }

    @Test
    void theFitDoesNotDependOnTheOrderOfTheRuns() {
        List<Observation> runs = synthetic(new ScalingLaw(1.2, 60, 0.35, 300, 0.3), 0.005, 11);
        ScalingLaw a = ScalingFit.fit(runs);
        List<Observation> shuffled = new ArrayList<>(runs);
        Collections.shuffle(shuffled, new Random(5));
        ScalingLaw b = ScalingFit.fit(shuffled);
        assertEquals(a.alpha(), b.alpha(), 1e-3);
        assertEquals(a.beta(), b.beta(), 1e-3);
    }
}

package jllm.eval.arena;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * Bradley-Terry recovers known strengths from simulated battles: 8 models with known ratings (mean 1000),
 * 20,000 battles between uniformly chosen pairs, each won with the Bradley-Terry probability.
 */
class BradleyTerryRecoveryTest {
    static final double[] TRUE = {1200, 1120, 1060, 1010, 990, 940, 880, 800};

    static List<Match> simulate(int battles, SplittableRandom random) {
        List<Match> out = new ArrayList<>(battles);
        for (int k = 0; k < battles; k++) {
            int i = random.nextInt(TRUE.length);
            int j = random.nextInt(TRUE.length - 1);
            if (j >= i) {
                j++;
            }
            double pa = 1 / (1 + Math.pow(10, (TRUE[j] - TRUE[i]) / 400));
            out.add(new Match("m" + i, "m" + j, random.nextDouble() < pa ? Outcome.MODEL_A : Outcome.MODEL_B));
        }
        return out;
    }

    @Test
    void fittedRatingsAreCloseToTheTruthAndInsideTheirIntervals() {
        List<Match> ms = simulate(20_000, new SplittableRandom(2024));
        Map<String, Double> fit = BradleyTerry.DEFAULT.fit(ms);
        Map<String, BradleyTerry.Interval> ci = BradleyTerry.DEFAULT.bootstrap(ms, 100, 1);
        int covered = 0;
        for (int i = 0; i < TRUE.length; i++) {
            String m = "m" + i;
            // each model plays ~5,000 battles: the standard error is ~10 points
            assertThat(Math.abs(fit.get(m) - TRUE[i])).as(m).isLessThan(40);
            assertThat(ci.get(m).contains(fit.get(m))).as(m + " fit inside its interval").isTrue();
            assertThat(ci.get(m).upper() - ci.get(m).lower()).as(m + " interval width").isBetween(10.0, 80.0);
            covered += ci.get(m).contains(TRUE[i]) ? 1 : 0;
        }
        assertThat(covered).as("true ratings inside their intervals, of 8").isGreaterThanOrEqualTo(7);
        // no two neighbours closer than 20 points swap places
        assertThat(fit.get("m0")).isGreaterThan(fit.get("m1"));
        assertThat(fit.get("m6")).isGreaterThan(fit.get("m7"));
    }

    @Test
    void intervalsCoverTheTruthAboutNinetyFivePercentOfTheTime() {
        SplittableRandom random = new SplittableRandom(99);
        int sims = 40;
        int covered = 0;
        int total = 0;
        for (int s = 0; s < sims; s++) {
            List<Match> ms = simulate(20_000, random);
            Map<String, BradleyTerry.Interval> ci = BradleyTerry.DEFAULT.bootstrap(ms, 100, random.nextLong());
            for (int i = 0; i < TRUE.length; i++) {
                covered += ci.get("m" + i).contains(TRUE[i]) ? 1 : 0;
                total++;
            }
        }
        double coverage = (double) covered / total;
        // 320 intervals: at a true 95% the observed share has a standard deviation of 1.2 points;
        // 90% and 99% are four standard deviations away
        assertThat(coverage).as("coverage over %d intervals", total).isBetween(0.90, 0.99);
    }
}

package jllm.eval.arena;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Elo and Bradley-Terry on small cases worked out by hand. */
class RatingsTest {
    private static Match m(String a, String b, Outcome o) {
        return new Match(a, b, o);
    }

    @Test
    void eloFollowsTheUpdateRuleStepByStep() {
        // 1: equal ratings, E = 1/2, A wins: +-K/2 = 2
        // 2: B (998) beats A (1002): E_B = 1 / (1 + 10^(4/400)) = 0.4942439..., B gains 4 (1 - E_B) = 2.0230248...
        // 3: a tie: A (999.97698) expected 0.4998675..., gains 4 (0.5 - E_A) = 0.000265...
        Map<String, Double> r1 = EloRating.DEFAULT.rate(List.of(m("a", "b", Outcome.MODEL_A)));
        assertThat(r1.get("a")).isEqualTo(1002.0);
        assertThat(r1.get("b")).isEqualTo(998.0);
        List<Match> three = List.of(m("a", "b", Outcome.MODEL_A), m("b", "a", Outcome.MODEL_A), m("a", "b", Outcome.TIE));
        Map<String, Double> r3 = EloRating.DEFAULT.rate(three.subList(0, 2));
        assertThat(r3.get("a")).isCloseTo(999.9769751663554, within(1e-9));
        assertThat(r3.get("b")).isCloseTo(1000.0230248336446, within(1e-9));
        Map<String, Double> r4 = EloRating.DEFAULT.rate(three);
        assertThat(r4.get("a")).isCloseTo(999.9772402495474, within(1e-9));
        assertThat(r4.get("b")).isCloseTo(1000.0227597504526, within(1e-9));
        // a tie of both-bad counts the same as a tie
        assertThat(EloRating.DEFAULT.rate(List.of(m("a", "b", Outcome.BOTH_BAD))).get("a")).isEqualTo(1000.0);
    }

    @Test
    void bradleyTerryOfTwoModelsIsTheLogOddsOfTheirScores() {
        // a scores 2 wins + 2 half-ties = 3, b scores 1 + 1 = 2: p_a / p_b = 3/2, a - b = 400 log10(1.5) = 70.437
        List<Match> ms = List.of(m("a", "b", Outcome.MODEL_A), m("b", "a", Outcome.MODEL_B), m("a", "b", Outcome.MODEL_B),
                m("a", "b", Outcome.TIE), m("b", "a", Outcome.BOTH_BAD));
        Map<String, Double> r = BradleyTerry.DEFAULT.fit(ms);
        assertThat(r.get("a")).isCloseTo(1000 + 35.21825181113625, within(1e-9));
        assertThat(r.get("b")).isCloseTo(1000 - 35.21825181113625, within(1e-9));
    }

    @Test
    void bradleyTerryOfThreeConsistentModels() {
        // a:b 2-1, b:c 2-1, a:c 4-1 fit strengths 4:2:1 exactly (each pair's share equals p_i/(p_i+p_j)),
        // so the ratings are 1000 + 400 log10(2) * (1, 0, -1)
        List<Match> ms = new ArrayList<>();
        add(ms, "a", "b", 2, 1);
        add(ms, "b", "c", 2, 1);
        add(ms, "a", "c", 4, 1);
        Map<String, Double> r = BradleyTerry.DEFAULT.fit(ms);
        assertThat(r.get("a")).isCloseTo(1120.41199826559247, within(1e-8));
        assertThat(r.get("b")).isCloseTo(1000.0, within(1e-8));
        assertThat(r.get("c")).isCloseTo(879.58800173440753, within(1e-8));
        // the order of the battles does not matter to Bradley-Terry
        Map<String, Double> reversed = BradleyTerry.DEFAULT.fit(ms.reversed());
        assertThat(reversed.get("a")).isCloseTo(r.get("a"), within(1e-9));
    }

    @Test
    void aModelThatNeverScoredSitsAtTheFloor() {
        List<Match> ms = new ArrayList<>();
        add(ms, "a", "b", 5, 0);
        Map<String, Double> r = BradleyTerry.DEFAULT.fit(ms);
        assertThat(r.get("a") - 1000).isCloseTo(BradleyTerry.FLOOR, within(1e-6));
        assertThat(1000 - r.get("b")).isCloseTo(BradleyTerry.FLOOR, within(1e-6));
        assertThat((r.get("a") + r.get("b")) / 2).isCloseTo(1000, within(1e-9));
    }

    @Test
    void quantilesInterpolateLinearly() {
        double[] s = {1, 2, 3, 4, 5};
        assertThat(BradleyTerry.quantile(s, 0.5)).isEqualTo(3);
        assertThat(BradleyTerry.quantile(s, 0.025)).isCloseTo(1.1, within(1e-12));
        assertThat(BradleyTerry.quantile(s, 0.975)).isCloseTo(4.9, within(1e-12));
    }

    @Test
    void leaderboardRanksByNonOverlappingIntervals() {
        List<Match> ms = new ArrayList<>();
        add(ms, "strong", "weak", 90, 10);
        add(ms, "strong", "mid", 60, 40);
        add(ms, "mid", "weak", 85, 15);
        Leaderboard board = Leaderboard.of(ms, 100, 7);
        assertThat(board.models()).containsExactly("strong", "mid", "weak");
        assertThat(board.rows()).extracting(Leaderboard.Row::votes).containsExactly(200, 200, 200);
        Leaderboard.Row strong = board.rows().get(0);
        Leaderboard.Row weak = board.rows().get(2);
        assertThat(strong.rank()).isEqualTo(1);
        // weak's interval lies below both others': rank 3
        assertThat(weak.rank()).isEqualTo(3);
        for (Leaderboard.Row r : board.rows()) {
            assertThat(r.lower()).isLessThanOrEqualTo(r.rating());
            assertThat(r.upper()).isGreaterThanOrEqualTo(r.rating());
        }
        assertThat(board.winRate()[0][2]).isEqualTo(0.9);
        assertThat(board.winRate()[2][0]).isCloseTo(0.1, within(1e-12));
        assertThat(board.winRate()[1][1]).isNaN();
        // seeded: the same seed gives the same intervals
        assertThat(Leaderboard.of(ms, 100, 7).rows()).isEqualTo(board.rows());
        String svg = LeaderboardSvg.render(board, "test <board>");
        assertThat(svg).startsWith("<svg").contains("1. strong").contains("test &lt;board&gt;").doesNotContain("<script");
    }

    @Test
    void ratingsAreShownOnlyOnceTheyMeanSomething() {
        // one vote: Bradley-Terry puts the two at its bounds, 3000 and -1000; neither is rated
        Leaderboard one = Leaderboard.of(List.of(m("a", "b", Outcome.MODEL_A)), 100, 1);
        assertThat(one.rows().get(0).rating()).isCloseTo(3000, within(1e-9));
        assertThat(one.rows().get(1).rating()).isCloseTo(-1000, within(1e-9));
        assertThat(one.rows()).noneMatch(Leaderboard.Row::rated);
        assertThat(one.rows().getFirst().unrated()).contains("too few votes: 1 of the " + Leaderboard.MIN_VOTES + " needed");
        // enough votes, but one side never lost: still no finite rating
        List<Match> sweep = new ArrayList<>();
        add(sweep, "a", "b", Leaderboard.MIN_VOTES, 0);
        Leaderboard swept = Leaderboard.of(sweep, 100, 1);
        assertThat(swept.rows().get(0).unrated()).contains("no loss yet (no finite rating)");
        assertThat(swept.rows().get(1).unrated()).contains("no win yet (no finite rating)");
        // one more vote each way makes both rated; a third model with fewer votes is not
        List<Match> mixed = new ArrayList<>(sweep);
        add(mixed, "a", "b", 0, 1);
        mixed.add(m("a", "c", Outcome.TIE));
        Leaderboard board = Leaderboard.of(mixed, 100, 1);
        assertThat(board.rows()).filteredOn(Leaderboard.Row::rated).extracting(Leaderboard.Row::model).containsExactlyInAnyOrder("a", "b");
        assertThat(board.rows()).filteredOn(r -> r.model().equals("c")).singleElement()
                .satisfies(r -> assertThat(r.unrated()).contains("too few votes: 1 of the 10 needed"));
        String svg = LeaderboardSvg.render(one, "one vote");
        assertThat(svg).contains("too few votes: 1 of the 10 needed").doesNotContain("3000").doesNotContain("<circle");
    }

    @Test
    void refusesBadInput() {
        assertThatThrownBy(() -> new Match("a", "a", Outcome.TIE)).hasMessageContaining("itself");
        assertThatThrownBy(() -> BradleyTerry.DEFAULT.fit(List.of())).hasMessageContaining("no battles");
        assertThatThrownBy(() -> BradleyTerry.DEFAULT.bootstrap(List.of(m("a", "b", Outcome.TIE)), 1, 0))
                .hasMessageContaining("at least 2 rounds");
        assertThat(Leaderboard.of(List.of(), 100, 1).rows()).isEmpty();
    }

    static void add(List<Match> ms, String a, String b, int winsA, int winsB) {
        for (int i = 0; i < winsA; i++) {
            ms.add(m(a, b, Outcome.MODEL_A));
        }
        for (int i = 0; i < winsB; i++) {
            ms.add(m(a, b, Outcome.MODEL_B));
        }
    }
}

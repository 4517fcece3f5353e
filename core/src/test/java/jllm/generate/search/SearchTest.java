package jllm.generate.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * Vote, best-of-n and beam search on stubs with known answers: the vote picks the majority and breaks
 * ties by first appearance; best-of-n keeps the top-scored earliest reply; the beam keeps the verifier's
 * top k at every step and finds a solution a greedy single path misses.
 */
class SearchTest {
    /** Answers are the text after "= ", if any. */
    private static Optional<String> answer(String reply) {
        int i = reply.lastIndexOf("= ");
        return i < 0 ? Optional.empty() : Optional.of(reply.substring(i + 2).strip());
    }

    @Test
    void voteTakesTheMajority() {
        Vote.Outcome o = Vote.majority(List.of("= 7", "= 5", "no answer", "= 5", "= 7", "= 5"), SearchTest::answer);
        assertThat(o.answer()).contains("5");
        assertThat(o.votes()).isEqualTo(3);
        assertThat(o.first()).isEqualTo(1);
        assertThat(o.counts()).containsExactly(Map.entry("7", 2), Map.entry("5", 3));
    }

    @Test
    void voteTiesGoToTheAnswerSeenFirst() {
        assertThat(Vote.majority(List.of("= 7", "= 5", "= 5", "= 7"), SearchTest::answer).answer()).contains("7");
        assertThat(Vote.majority(List.of("x", "= 5", "= 7", "= 7", "= 5"), SearchTest::answer).answer()).contains("5");
        // one sample: its own answer; none with an answer: no answer
        assertThat(Vote.majority(List.of("= 9"), SearchTest::answer).answer()).contains("9");
        Vote.Outcome none = Vote.majority(List.of("a", "b"), SearchTest::answer);
        assertThat(none.answer()).isEmpty();
        assertThat(none.votes()).isZero();
        assertThat(none.first()).isEqualTo(-1);
    }

    @Test
    void voteAgreesWithABruteForceCountOnRandomLists() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 500; trial++) {
            List<String> replies = new ArrayList<>();
            for (int i = 0, n = 1 + rnd.nextInt(12); i < n; i++) {
                replies.add(rnd.nextInt(5) == 0 ? "none" : "= " + rnd.nextInt(4));
            }
            Vote.Outcome o = Vote.majority(replies, SearchTest::answer);
            // brute force: the highest count, then the smallest first index
            String best = null;
            int bestCount = 0, bestFirst = Integer.MAX_VALUE;
            for (int i = 0; i < replies.size(); i++) {
                Optional<String> a = answer(replies.get(i));
                if (a.isEmpty()) {
                    continue;
                }
                int count = 0, first = -1;
                for (int j = 0; j < replies.size(); j++) {
                    if (answer(replies.get(j)).equals(a)) {
                        count++;
                        first = first < 0 ? j : first;
                    }
                }
                if (count > bestCount || (count == bestCount && first < bestFirst)) {
                    best = a.get();
                    bestCount = count;
                    bestFirst = first;
                }
            }
            assertThat(o.answer()).as("%s", replies).isEqualTo(Optional.ofNullable(best));
            assertThat(o.votes()).isEqualTo(bestCount);
        }
    }

    @Test
    void bestOfNKeepsTheTopScoreEarliestFirst() {
        Verifier len = r -> r.length() >= 3 ? 1.0 : r.length() / 3.0;
        assertThat(BestOfN.best(List.of("a", "abc", "ab", "abcd"), len)).isEqualTo(1);
        assertThat(BestOfN.best(List.of("a", "b"), len)).isZero();
        assertThat(BestOfN.best(List.of("x"), r -> Double.NaN)).isZero();
        assertThatThrownBy(() -> BestOfN.best(List.of(), len)).hasMessageContaining("at least one reply");
    }

    /**
     * A stub over digits: each step appends one digit line; the reply is done after 3 steps. Step i of a
     * call yields digit (base + i) % 10, so expansions are known. The verifier scores a partial reply by
     * how many of its lines match a target path.
     */
    private static final class DigitSteps implements StepSampler {
        final List<String> calls = new ArrayList<>();

        @Override
        public List<Step> extend(String partial, int n) {
            calls.add(partial);
            int lines = partial.isEmpty() ? 0 : partial.split("\n").length;
            List<Step> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int digit = (lines * 3 + i) % 10;
                out.add(new Step(digit + "\n", lines + 1 == 3, 2));
            }
            return out;
        }
    }

    @Test
    void beamKeepsTheTopKAndFindsTheTarget() {
        // expansions per line: line 0 offers 0,1,2; line 1 offers 3,4,5; line 2 offers 6,7,8
        List<String> target = List.of("2", "3", "8");
        Verifier v = r -> {
            String[] got = r.isEmpty() ? new String[0] : r.split("\n");
            int ok = 0;
            for (int i = 0; i < got.length && got[i].equals(target.get(i)); i++) {
                ok++;
            }
            return ok + 0.01 * r.length(); // a small bonus for length keeps unfinished paths comparable
        };
        DigitSteps steps = new DigitSteps();
        BeamSearch.Result r = BeamSearch.search(steps, v, new BeamSearch.Settings(2, 3, 10));
        assertThat(r.best().text()).isEqualTo("2\n3\n8\n");
        assertThat(r.best().done()).isTrue();
        assertThat(r.steps()).isEqualTo(3);
        assertThat(r.beams()).hasSize(2);
        // step 1 keeps "2\n" (score 1.02) then the tie 0.02 of "0\n" and "1\n": the earlier, "0\n"
        assertThat(steps.calls.subList(0, 3)).containsExactly("", "2\n", "0\n");
        // every step expands the 2 kept beams by 3: 1 + 2 + 2 calls, 2 tokens per step
        assertThat(steps.calls).hasSize(5);
        assertThat(r.tokens()).isEqualTo(5 * 3 * 2);
        // width 1 is greedy on the verifier and still finds it here; a verifier blind to the last step ties
        // and keeps the first-sampled step
        Verifier blindToLast = r2 -> Math.min(2, v.score(r2));
        assertThat(BeamSearch.search(new DigitSteps(), blindToLast, new BeamSearch.Settings(1, 3, 10)).best().text())
                .isEqualTo("2\n3\n6\n");
    }

    @Test
    void beamKeepsFinishedRepliesAndDropsDuplicates() {
        // every expansion of a reply is the same text: duplicates are dropped, leaving one beam
        StepSampler same = (partial, n) -> {
            List<StepSampler.Step> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(new StepSampler.Step("x\n", partial.length() >= 4, 1));
            }
            return out;
        };
        BeamSearch.Result r = BeamSearch.search(same, String::length, new BeamSearch.Settings(3, 4, 10));
        assertThat(r.beams()).hasSize(1);
        assertThat(r.best().text()).isEqualTo("x\nx\nx\n");
        assertThat(r.best().done()).isTrue();
        // the step limit ends an unfinished search
        BeamSearch.Result cut = BeamSearch.search(same, String::length, new BeamSearch.Settings(3, 4, 2));
        assertThat(cut.best().done()).isFalse();
        assertThat(cut.steps()).isEqualTo(2);
        assertThatThrownBy(() -> new BeamSearch.Settings(0, 1, 1)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> BeamSearch.search((p, n) -> List.of(), String::length, new BeamSearch.Settings(1, 1, 1)))
                .hasMessageContaining("returned no steps");
    }
}

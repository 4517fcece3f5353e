package jllm.train.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jllm.generate.SamplerSettings;
import jllm.generate.search.BestOfN;
import jllm.kernel.Dense;
import jllm.model.LoadedModel;
import jllm.train.ChatTokenizer;
import jllm.train.TinyModels;
import jllm.train.guard.GuardExample;
import jllm.train.guard.GuardTrainer;
import jllm.train.task.Arithmetic.Op;
import jllm.train.task.Arithmetic.Problem;
import jllm.train.task.ArithmeticEval.Method;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scorer model: its training texts (with line prefixes), training on a tiny model until it tells
 * right replies from wrong ones and then picks the right one in best-of-n, the GGUF round trip, replies
 * sampled and labelled by the checker, and {@link ArithmeticEval#compare} judging several methods on the
 * same samples.
 */
class OutcomeScorerTest {
    @TempDir
    Path dir;

    /** The tests' arithmetic chat model (see {@link TinyModels#arithmeticChatModel}). */
    private Path base(int context) {
        return TinyModels.arithmeticChatModel(dir, context);
    }

    @Test
    void examplesHoldTheRepliesAndTheirLinePrefixes() {
        Problem p = new Problem(47, Op.MUL, 36, 2);
        List<OutcomeScorer.Labelled> data = List.of(new OutcomeScorer.Labelled(p, p.solution(), true),
                new OutcomeScorer.Labelled(p, "47*6=282\nAnswer: 282", false));
        List<GuardExample> plain = OutcomeScorer.examples(data, false);
        assertThat(plain).extracting(GuardExample::text).containsExactly("What is 47 * 36?\n" + p.solution(),
                "What is 47 * 36?\n47*6=282\nAnswer: 282");
        assertThat(plain).extracting(GuardExample::attack).containsExactly(true, false);
        // the solution has 4 lines: 3 proper prefixes and the whole; the wrong reply 2 lines: 1 and the whole
        List<GuardExample> all = OutcomeScorer.examples(data, true);
        assertThat(all).extracting(GuardExample::text).containsExactly("What is 47 * 36?\n47*6=282\n",
                "What is 47 * 36?\n47*6=282\n47*30=1410\n", "What is 47 * 36?\n47*6=282\n47*30=1410\n282+1410=1692\n",
                "What is 47 * 36?\n" + p.solution(), "What is 47 * 36?\n47*6=282\n", "What is 47 * 36?\n47*6=282\nAnswer: 282");
        assertThat(all).extracting(GuardExample::attack).containsExactly(true, true, true, true, false, false);
    }

    @Test
    void contrastingKeepsTheProblemsWithBothOutcomesAndPairsAreCountedPerProblem() {
        Problem easy = new Problem(12, Op.ADD, 34, 2), mixed = new Problem(47, Op.MUL, 36, 2), hard = new Problem(98, Op.MUL, 76, 2);
        OutcomeScorer.Labelled e1 = new OutcomeScorer.Labelled(easy, "a", true), e2 = new OutcomeScorer.Labelled(easy, "b", true);
        OutcomeScorer.Labelled m1 = new OutcomeScorer.Labelled(mixed, "c", false), m2 = new OutcomeScorer.Labelled(mixed, "d", true);
        OutcomeScorer.Labelled m3 = new OutcomeScorer.Labelled(mixed, "e", false), h1 = new OutcomeScorer.Labelled(hard, "f", false);
        List<OutcomeScorer.Labelled> data = List.of(e1, m1, h1, m2, e2, m3);
        assertThat(OutcomeScorer.contrasting(data)).containsExactly(m1, m2, m3);
        assertThat(OutcomeScorer.contrasting(List.of(e1, e2, h1))).isEmpty();
        // a score that ranks the easy problem's replies above the hard one's says nothing within a problem:
        // only mixed's pairs (d, c) and (d, e) count; here d 0.5 beats c 0.2 and ties e 0.5 -> (1 + 0.5) / 2
        Map<String, Double> score = Map.of("a", 0.9, "b", 0.9, "c", 0.2, "d", 0.5, "e", 0.5, "f", 0.0);
        assertThat(OutcomeScorer.pairwiseAccuracy(data, l -> score.get(l.reply()))).isEqualTo(0.75);
        // the reverse order within the problem, whatever the other problems' scores
        Map<String, Double> reversed = Map.of("a", 0.0, "b", 0.0, "c", 0.9, "d", 0.1, "e", 0.8, "f", 1.0);
        assertThat(OutcomeScorer.pairwiseAccuracy(data, l -> reversed.get(l.reply()))).isEqualTo(0.0);
        assertThat(OutcomeScorer.pairwiseAccuracy(List.of(e1, e2, h1), l -> 0.5)).isNaN();
    }

    @Test
    void learnsToTellRightRepliesFromWrongOnesAndPicksTheRightOne() {
        // right replies are the worked solutions; wrong ones stop before the answer line (no answer: wrong), a
        // difference a random transformer's mean hidden state shows; learning arithmetic takes the real run
        List<OutcomeScorer.Labelled> train = labelled(Arithmetic.trainingSet(3, List.of(Op.ADD), 2, 2, 40));
        List<OutcomeScorer.Labelled> test = labelled(Arithmetic.heldOut(List.of(Op.ADD), 2, 2, 10));
        Path file = dir.resolve("scorer.gguf");
        try (OutcomeScorer scorer = OutcomeScorer.fromBase(base(64), 1, Dense.vector(1))) {
            OutcomeScorer.Agreement before = scorer.agreement(test);
            GuardTrainer.Result r = scorer.train(train, false, new GuardTrainer.Settings(40, 3e-2f, 8, false, 1), null);
            assertThat(r.epochLoss()[r.epochLoss().length - 1]).isLessThan(r.epochLoss()[0] * 0.5f);
            OutcomeScorer.Agreement after = scorer.agreement(test);
            assertThat(after.accuracy()).as("held-out agreement (before: %s)", before).isGreaterThanOrEqualTo(0.9);
            assertThat(after.meanRightScore()).isGreaterThan(after.meanWrongScore() + 0.3);
            // best-of-n under the scorer picks the right reply, wherever it stands
            for (int q = 0; q < test.size(); q += 2) {
                Problem p = test.get(q).problem();
                List<String> replies = List.of(test.get(q + 1).reply(), test.get(q).reply());
                assertThat(BestOfN.best(replies, scorer.verifier(p))).isEqualTo(1);
                assertThat(ArithmeticEval.rightAt(p, replies, Method.BEST_OF_SCORER, new int[]{1, 2}, scorer.verifier(p)))
                        .containsExactly(false, true);
            }
            scorer.save(file, "scorer");
            Problem p = test.getFirst().problem();
            double s = scorer.score(p, test.getFirst().reply());
            try (OutcomeScorer loaded = OutcomeScorer.load(file, Dense.vector(1))) {
                assertThat(loaded.score(p, test.getFirst().reply())).isCloseTo(s, within(1e-6));
            }
        }
        assertThatThrownBy(() -> OutcomeScorer.load(base(64), Dense.vector(1))).hasMessageContaining("not a guard classifier");
    }

    private static List<OutcomeScorer.Labelled> labelled(List<Problem> problems) {
        List<OutcomeScorer.Labelled> out = new ArrayList<>();
        for (Problem p : problems) {
            String s = p.solution();
            out.add(new OutcomeScorer.Labelled(p, s, true));
            out.add(new OutcomeScorer.Labelled(p, s.substring(0, s.lastIndexOf(Arithmetic.ANSWER)), false));
        }
        return out;
    }

    @Test
    void samplesAreLabelledByTheCheckerAndMethodsShareThem() {
        Path model = base(96);
        List<Problem> problems = Arithmetic.heldOut(List.of(Op.ADD, Op.MUL), 2, 2, 2);
        try (LoadedModel m = LoadedModel.open(model, new LoadedModel.Options(Optional.empty(), 1).withoutWarmUp())) {
            ChatTokenizer chat = new ChatTokenizer(m.chatTemplate().orElseThrow(), m.tokenizer(), "<|im_end|>", -1);
            SamplerSettings settings = SamplerSettings.DEFAULTS.withTemperature(1f).withSeed(5);
            List<OutcomeScorer.Labelled> data = OutcomeScorer.sample(m.model(), m.tokenizer(), chat, 96, problems, 3, settings, 12);
            assertThat(data).hasSize(12);
            for (int i = 0; i < data.size(); i++) {
                assertThat(data.get(i).problem()).isEqualTo(problems.get(i / 3));
                assertThat(data.get(i).right()).isEqualTo(data.get(i).problem().check(data.get(i).reply()));
            }
            assertThat(data.stream().map(OutcomeScorer.Labelled::reply).distinct().count()).as("different seeds, different replies").isGreaterThan(1);

            // a stub scorer preferring longer replies; every method judged on the same 4 samples per question
            ArithmeticEval.Settings s = new ArithmeticEval.Settings(Method.VOTE, 4, settings, 12, 0, 0,
                    Optional.of(p -> reply -> reply.length()));
            Map<Method, List<ArithmeticEval.Cell>> cells = ArithmeticEval.compare(m.model(), m.tokenizer(), chat, 96, problems, s,
                    List.of(Method.SAMPLE, Method.VOTE, Method.BEST_OF, Method.BEST_OF_SCORER));
            assertThat(cells.keySet()).containsExactly(Method.SAMPLE, Method.VOTE, Method.BEST_OF, Method.BEST_OF_SCORER);
            for (int c = 0; c < 2; c++) {
                ArithmeticEval.Cell one = cells.get(Method.SAMPLE).get(c), vote = cells.get(Method.VOTE).get(c),
                        best = cells.get(Method.BEST_OF).get(c), scored = cells.get(Method.BEST_OF_SCORER).get(c);
                assertThat(one.questions()).isEqualTo(2);
                assertThat(vote.correctAt()).hasSize(3);
                // the first sample is the same for all: one sample's result is every method's at k = 1
                assertThat(vote.correctAt()[0]).isEqualTo(one.correct());
                assertThat(best.correctAt()[0]).isEqualTo(one.correct());
                assertThat(scored.correctAt()[0]).isEqualTo(one.correct());
                // the combining methods spend the same tokens, the four samples' worth; one sample spends less
                assertThat(vote.tokens()).isEqualTo(best.tokens()).isEqualTo(scored.tokens()).isGreaterThan(one.tokens());
                assertThat(vote.tokens()).isLessThanOrEqualTo(2 * 4 * 12);
            }
        }
        assertThatThrownBy(() -> new ArithmeticEval.Settings(Method.BEST_OF_SCORER, 4, SamplerSettings.GREEDY, 12, 0, 0))
                .hasMessageContaining("needs a scorer");
    }
}

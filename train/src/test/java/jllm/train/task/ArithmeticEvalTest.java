package jllm.train.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jllm.train.task.Arithmetic.Op;
import jllm.train.task.Arithmetic.Problem;
import jllm.train.task.ArithmeticEval.Method;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the methods judge a question from known replies (vote and best-of-n over the first 1, 2, 4
 * samples), the verifiers, and the accuracy curve's picture.
 */
class ArithmeticEvalTest {
    @TempDir
    Path dir;

    private static final Problem P = new Problem(347, Op.ADD, 582, 3);
    // wrong, right, right, wrong-and-different
    private static final List<String> REPLIES = List.of("Answer: 5", "Answer: 929", "x\nAnswer: 929", "Answer: 1");

    @Test
    void voteAndBestOfOverTheFirstSamples() {
        int[] ks = ArithmeticEval.Cell.sampleCounts(4);
        assertThat(ks).containsExactly(1, 2, 4);
        // vote: 1 sample -> 5 (wrong); 2 samples -> a tie of 5 and 929, to the first seen, 5 (wrong); 4 -> 929 twice
        assertThat(ArithmeticEval.rightAt(P, REPLIES, Method.VOTE, ks)).containsExactly(false, false, true);
        // best-of-n under the exact checker: right as soon as a right reply is among them
        assertThat(ArithmeticEval.rightAt(P, REPLIES, Method.BEST_OF, ks)).containsExactly(false, true, true);
        assertThat(ArithmeticEval.rightAt(P, REPLIES.subList(1, 2), Method.SAMPLE, new int[]{1})).containsExactly(true);
        // no reply with an answer: no vote, wrong
        assertThat(ArithmeticEval.rightAt(P, List.of("no", "answer"), Method.VOTE, new int[]{2})).containsExactly(false);
        assertThat(ArithmeticEval.Cell.sampleCounts(1)).containsExactly(1);
        assertThat(ArithmeticEval.Cell.sampleCounts(12)).containsExactly(1, 2, 4, 8, 12);
    }

    @Test
    void bestOfUnderAStubScorerPicksWhatItScoresHighest() {
        int[] ks = ArithmeticEval.Cell.sampleCounts(4);
        // scored by length: "Answer: 5" (9) < "Answer: 929" (11) < "x\nAnswer: 929" (13); "Answer: 1" (9)
        assertThat(ArithmeticEval.rightAt(P, REPLIES, Method.BEST_OF_SCORER, ks, String::length)).containsExactly(false, true, true);
        // a scorer that prefers the answer 1: wrong at 4 samples, where "Answer: 1" is among them; the earliest wins ties
        assertThat(ArithmeticEval.rightAt(P, REPLIES, Method.BEST_OF_SCORER, ks, r -> r.endsWith(": 1") ? 1 : 0))
                .containsExactly(false, false, false);
        assertThat(ArithmeticEval.rightAt(P, REPLIES, Method.BEST_OF_SCORER, ks, r -> r.endsWith(": 929") ? 0.9 : 0.1))
                .containsExactly(false, true, true);
        // the exact checker as the scorer is best-of-n under the checker
        assertThat(ArithmeticEval.rightAt(P, REPLIES, Method.BEST_OF_SCORER, ks, ArithmeticEval.exactVerifier(P)))
                .containsExactly(ArithmeticEval.rightAt(P, REPLIES, Method.BEST_OF, ks));
    }

    @Test
    void cellsReportTheirStandardError() {
        ArithmeticEval.Cell c = new ArithmeticEval.Cell(Op.MUL, 2, 50, 41, new int[]{41}, 1860);
        // sqrt(0.82 * 0.18 / 50) = 0.0543
        assertThat(c.standardError()).isCloseTo(0.0543, org.assertj.core.api.Assertions.within(1e-4));
        assertThat(c).hasToString("mul 2 digits: 41/50 = 0.820 ± 0.054 (37.2 tokens per question)");
        assertThat(new ArithmeticEval.Cell(Op.ADD, 2, 10, 10, new int[]{10}, 0).standardError()).isZero();
    }

    @Test
    void verifiers() {
        assertThat(ArithmeticEval.exactVerifier(P).score("Answer: 929")).isEqualTo(1);
        assertThat(ArithmeticEval.exactVerifier(P).score("Answer: 928")).isZero();
        var process = ArithmeticEval.processVerifier(P);
        assertThat(process.score("")).isZero();
        assertThat(process.score("7+2+0=9 write 9 carry 0\n")).isEqualTo(1);
        assertThat(process.score("7+2+0=8 write 8 carry 0\n")).isEqualTo(-1);
        assertThat(process.score(P.solution())).isEqualTo(5); // 4 lines and the right answer
    }

    @Test
    void accuracyCurvePicture() throws Exception {
        List<ArithmeticEval.Cell> cells = List.of(new ArithmeticEval.Cell(Op.ADD, 2, 10, 8, new int[]{5, 6, 8}, 400),
                new ArithmeticEval.Cell(Op.ADD, 3, 10, 4, new int[]{2, 3, 4}, 600));
        Path svg = dir.resolve("acc.svg");
        AccuracyCurve.writeSvg(svg, "vote <4>", cells, 4);
        String s = Files.readString(svg);
        assertThat(s).startsWith("<svg").endsWith("</svg>\n").contains("vote &lt;4&gt;").contains("add 2 digits")
                .contains("add 3 digits").contains(">all<");
        // 3 points per line, 3 lines; the all line at 1 sample is (5 + 2) / 20 = 0.35: y = 40 + 380 * 0.65 = 287
        assertThat(s.split("<circle", -1)).hasSize(1 + 9);
        assertThat(s).contains("cy=\"287.0\"");
        // tokens per question at 4 samples: 1000 tokens / 20 questions = 50
        assertThat(s).contains(">4 (50)</text>");
        assertThatThrownBy(() -> AccuracyCurve.writeSvg(svg, "x", cells, 16)).hasMessageContaining("not run with 16 samples");
    }

    @Test
    void accuracyAgainstTokensPicture() throws Exception {
        List<ArithmeticEval.Cell> vote = List.of(new ArithmeticEval.Cell(Op.ADD, 2, 10, 8, new int[]{5, 6, 8}, 400),
                new ArithmeticEval.Cell(Op.ADD, 3, 10, 4, new int[]{2, 3, 4}, 800));
        List<ArithmeticEval.Cell> greedy = List.of(new ArithmeticEval.Cell(Op.ADD, 2, 10, 7, new int[]{7}, 100),
                new ArithmeticEval.Cell(Op.ADD, 3, 10, 3, new int[]{3}, 220));
        // 1200 tokens over 20 questions and 4 samples: 15 per sample; at 1, 2, 4 samples 15, 30, 60 tokens
        AccuracyCurve.Series v = AccuracyCurve.Series.of("vote", vote, 4);
        assertThat(v.tokensPerQuestion()).containsExactly(15, 30, 60);
        assertThat(v.accuracy()).containsExactly(0.35, 0.45, 0.6);
        AccuracyCurve.Series g = AccuracyCurve.Series.of("greedy", greedy, 4);
        assertThat(g.tokensPerQuestion()).containsExactly(16);
        assertThat(g.accuracy()).containsExactly(0.5);
        Path svg = dir.resolve("tokens.svg");
        AccuracyCurve.writeTokensSvg(svg, "a & b", List.of(v, g));
        String s = Files.readString(svg);
        assertThat(s).startsWith("<svg").endsWith("</svg>\n").contains("a &amp; b").contains(">vote<").contains(">greedy<")
                .contains("tokens generated per question");
        assertThat(s.split("<circle", -1)).hasSize(1 + 4);
        // the axis runs from 8 to 64 tokens (2^3..2^6): ticks 8, 16, 32, 64; 16 tokens sits a third of the way
        assertThat(s).contains(">8</text>").contains(">64</text>").doesNotContain(">128</text>");
        // greedy's point (16 tokens) sits a third of the way from the tick at 8 to the tick at 64
        double x8 = tickX(s, "8"), x64 = tickX(s, "64");
        Matcher greedyDot = Pattern.compile("<circle cx=\"([0-9.]+)\" cy=\"[0-9.]+\" r=\"[0-9.]+\" fill=\"#ff7f0e\"").matcher(s);
        assertThat(greedyDot.find()).isTrue();
        assertThat(Double.parseDouble(greedyDot.group(1))).isCloseTo(x8 + (x64 - x8) / 3, within(0.2));
        assertThatThrownBy(() -> AccuracyCurve.Series.of("mixed", List.of(vote.getFirst(), greedy.getFirst()), 4))
                .hasMessageContaining("not run with 4 samples");
    }

    private static double tickX(String svg, String label) {
        Matcher m = Pattern.compile("<text x=\"([0-9.]+)\" y=\"[0-9.]+\" text-anchor=\"middle\">" + label + "</text>").matcher(svg);
        assertThat(m.find()).as("a tick labelled " + label).isTrue();
        return Double.parseDouble(m.group(1));
    }
}

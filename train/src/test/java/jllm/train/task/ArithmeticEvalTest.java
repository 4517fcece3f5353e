package jllm.train.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
}

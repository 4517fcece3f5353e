package jllm.train.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;

import jllm.chat.ChatMessage;
import jllm.train.ChatExamples;
import jllm.train.task.Arithmetic.Op;
import jllm.train.task.Arithmetic.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The arithmetic task: worked solutions match hand-written ones and, replayed, compute the answer; the
 * checker against a table of replies (well-formed and malformed); training and held-out problems are
 * disjoint and the held-out set is fixed.
 */
class ArithmeticTest {
    @TempDir
    Path dir;

    @Test
    void workedSolutionsAreColumnWise() {
        assertThat(new Problem(347, Op.ADD, 582, 3).solution()).isEqualTo("""
                7+2+0=9 write 9 carry 0
                4+8+0=12 write 2 carry 1
                3+5+1=9 write 9 carry 0
                Answer: 929""");
        assertThat(new Problem(502, Op.SUB, 347, 3).solution()).isEqualTo("""
                12-7-0=5 borrow 1
                10-4-1=5 borrow 1
                5-3-1=1 borrow 0
                Answer: 155""");
        assertThat(new Problem(47, Op.MUL, 36, 2).solution()).isEqualTo("""
                47*6=282
                47*30=1410
                282+1410=1692
                Answer: 1692""");
        // a final carry shows in the last column's sum
        assertThat(new Problem(95, Op.ADD, 17, 2).solution()).endsWith("9+1+1=11 write 1 carry 1\nAnswer: 112");
        assertThat(new Problem(1000, Op.SUB, 1000, 4).answer()).isZero();
    }

    @Test
    void everySolutionReplaysToItsAnswer() {
        // over random problems of every cell: the solution passes its own checker and every step follows
        Random rnd = new Random(7);
        for (Op op : Op.values()) {
            for (int d = 2; d <= 4; d++) {
                for (int i = 0; i < 200; i++) {
                    Problem p = Arithmetic.training(rnd, op, d);
                    String s = p.solution();
                    assertThat(p.check(s)).as(p.question()).isTrue();
                    assertThat(p.stepsCorrect(s)).isEqualTo(s.split("\n").length);
                    long result = switch (op) {
                        case ADD, SUB -> columnsToNumber(s);
                        case MUL -> Long.parseLong(s.lines().filter(l -> !l.startsWith("Answer")).reduce((x, y) -> y)
                                .orElseThrow().replaceAll(".*=", ""));
                    };
                    assertThat(result).as(p.question()).isEqualTo(p.answer());
                }
            }
        }
    }

    /** The written digits of column steps, most significant last, plus a final carry. */
    private static long columnsToNumber(String solution) {
        StringBuilder digits = new StringBuilder();
        String lastCarry = "0";
        for (String line : solution.split("\n")) {
            if (line.contains(" write ")) {
                String[] f = line.split(" ");
                digits.insert(0, f[2]);
                lastCarry = f[4];
            } else if (line.contains(" borrow ")) {
                digits.insert(0, line.substring(line.indexOf('=') + 1, line.indexOf(' ')));
            }
        }
        if (lastCarry.equals("1")) {
            digits.insert(0, '1');
        }
        return Long.parseLong(digits.toString());
    }

    @Test
    void checkerTable() {
        Problem p = new Problem(347, Op.ADD, 582, 3);
        record Case(String reply, OptionalLong answer, boolean correct) {
        }
        List<Case> cases = List.of(
                new Case("Answer: 929", OptionalLong.of(929), true),
                new Case("7+2+0=9 write 9 carry 0\nAnswer: 929\n", OptionalLong.of(929), true),
                new Case("  Answer:   929  \n\n", OptionalLong.of(929), true),
                new Case("Answer:929", OptionalLong.of(929), true),
                new Case("Answer: 928", OptionalLong.of(928), false),
                new Case("Answer: -929", OptionalLong.of(-929), false),
                new Case("Answer: 0929", OptionalLong.empty(), false),
                new Case("Answer: 929.0", OptionalLong.empty(), false),
                new Case("Answer: 9,29", OptionalLong.empty(), false),
                new Case("Answer: 92a", OptionalLong.empty(), false),
                new Case("Answer: ", OptionalLong.empty(), false),
                new Case("Answer: -", OptionalLong.empty(), false),
                new Case("Answer: 9999999999999999999999", OptionalLong.empty(), false),
                new Case("Answer: 929\nor maybe 930", OptionalLong.empty(), false),
                new Case("The answer is 929", OptionalLong.empty(), false),
                new Case("answer: 929", OptionalLong.empty(), false),
                new Case("929", OptionalLong.empty(), false),
                new Case("", OptionalLong.empty(), false),
                new Case("Answer: 928\nAnswer: 929", OptionalLong.of(929), true));
        for (Case c : cases) {
            assertThat(Arithmetic.finalAnswer(c.reply())).as("%s", c.reply()).isEqualTo(c.answer());
            assertThat(p.check(c.reply())).as("%s", c.reply()).isEqualTo(c.correct());
        }
        assertThat(Arithmetic.finalAnswer(null)).isEmpty();
    }

    @Test
    void stepsCorrectFollowsTheSolution() {
        Problem p = new Problem(347, Op.ADD, 582, 3);
        assertThat(p.stepsCorrect("")).isZero();
        assertThat(p.stepsCorrect("7+2+0=9 wri")).isZero();
        assertThat(p.stepsCorrect("7+2+0=9 write 9 carry 0\n")).isEqualTo(1);
        assertThat(p.stepsCorrect("7+2+0=9 write 9 carry 0\n4+8+0=12 write 2 carry 1\n")).isEqualTo(2);
        assertThat(p.stepsCorrect("7+2+0=9 write 9 carry 0\n4+8+0=13 write 3 carry 1\n")).isEqualTo(-1);
        assertThat(p.stepsCorrect("Answer: 929")).isEqualTo(-1);
        assertThat(p.stepsCorrect(p.solution())).isEqualTo(4);
    }

    @Test
    void heldOutIsFixedAndDisjointFromTraining() {
        List<Op> ops = List.of(Op.values());
        List<Problem> held = Arithmetic.heldOut(ops, 2, 4, 50);
        assertThat(held).hasSize(3 * 3 * 50).doesNotHaveDuplicates().allMatch(Arithmetic::isHeldOut);
        assertThat(Arithmetic.heldOut(ops, 2, 4, 50)).isEqualTo(held);
        // the first k of a cell do not depend on the cell size
        assertThat(Arithmetic.heldOut(List.of(Op.ADD), 2, 2, 10)).isEqualTo(held.subList(0, 10));
        Set<Problem> heldSet = new HashSet<>(held);
        List<Problem> train = Arithmetic.trainingSet(3, ops, 2, 4, 20000);
        assertThat(train).noneMatch(Arithmetic::isHeldOut).noneMatch(heldSet::contains);
        // commutative problems are held out in both orders
        for (Problem h : held) {
            if (h.op() != Op.SUB) {
                assertThat(Arithmetic.isHeldOut(new Problem(h.b(), h.op(), h.a(), h.digits()))).isTrue();
            }
        }
        // roughly a tenth of all problems are held out
        Random rnd = new Random(5);
        int n = 0;
        for (int i = 0; i < 10000; i++) {
            int a = 100 + rnd.nextInt(900), b = 100 + rnd.nextInt(900);
            n += Arithmetic.isHeldOut(new Problem(a, Op.MUL, b, 3)) ? 1 : 0;
        }
        assertThat(n).isBetween(850, 1150);
        // every operation and difficulty appears in training
        assertThat(train.stream().map(p -> p.op() + "" + p.digits()).distinct()).hasSize(9);
    }

    @Test
    void badInputIsAClearError() {
        assertThatThrownBy(() -> Arithmetic.heldOut(List.of(Op.ADD), 1, 3, 5)).hasMessageContaining("2 to 4 digits, not 1");
        assertThatThrownBy(() -> Arithmetic.heldOut(List.of(Op.ADD), 2, 2, 100000)).hasMessageContaining("only 341 held-out add");
        assertThatThrownBy(() -> new Problem(3, Op.ADD, 45, 2)).hasMessageContaining("do not both have 2 digits");
        assertThatThrownBy(() -> new Problem(12, Op.SUB, 45, 2)).hasMessageContaining("larger operand first");
        assertThatThrownBy(() -> Op.parse("div")).hasMessageContaining("unknown operation 'div'");
        assertThat(Op.parse("mul")).isEqualTo(Op.MUL);
    }

    @Test
    void chatJsonlLoadsAsConversations() throws Exception {
        List<Problem> ps = Arithmetic.trainingSet(1, List.of(Op.values()), 2, 3, 20);
        Path f = Files.writeString(dir.resolve("arith.jsonl"), Arithmetic.chatJsonl(ps));
        List<List<ChatMessage>> convs = ChatExamples.load(f, Map.of());
        assertThat(convs).hasSize(20);
        for (int i = 0; i < 20; i++) {
            assertThat(convs.get(i)).isEqualTo(ps.get(i).chat());
        }
    }
}

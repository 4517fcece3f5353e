package jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reasoning commands end to end at toy size: {@code task} writes worked solutions, {@code train}
 * and {@code sft} make a tiny chat model of them, {@code reason} answers the held-out set with one
 * sample, a vote, best-of-n and a beam search, and {@code grpo} takes a step, writing its files. The
 * accuracies of a seconds-long model are near 0; what is checked is the shape of the run and its reports.
 */
class ReasonCommandsTest {
    @TempDir
    Path tmp;

    @Test
    void taskTrainSftReasonGrpo() throws Exception {
        Path text = tmp.resolve("text.jsonl"), chats = tmp.resolve("chats.jsonl");
        CliRunner.Result task = CliRunner.run("task", "-o", text.toString(), "--format", "text", "--problems", "300", "--ops", "add", "--digits", "2");
        assertThat(task.exit()).as(task.err()).isZero();
        assertThat(task.out()).contains("300 arithmetic problems (add, 2 digits)");
        assertThat(Files.readAllLines(text)).hasSize(300).allMatch(l -> l.startsWith("{\"text\": \"What is ") && l.contains("Answer: "));
        assertThat(CliRunner.run("task", "-o", chats.toString(), "--problems", "200", "--ops", "add", "--digits", "2").exit()).isZero();

        CliRunner.Result train = CliRunner.run("train", text.toString(), "-o", tmp.resolve("base").toString(), "--vocab", "300",
                "--dim", "32", "--hidden", "64", "--layers", "1", "--heads", "2", "--ctx", "96", "--batch", "4", "--steps", "20",
                "--lr", "1e-2", "--eval-every", "20", "--eval-batches", "2", "-t", "1");
        assertThat(train.exit()).as(train.err()).isZero();
        CliRunner.Result sft = CliRunner.run("sft", tmp.resolve("base/model.gguf").toString(), chats.toString(), "-o",
                tmp.resolve("sft").toString(), "--epochs", "1", "--batch", "16", "--lr", "1e-2", "--val-fraction", "0", "-t", "1");
        assertThat(sft.exit()).as(sft.err()).isZero();
        String model = tmp.resolve("sft/model.gguf").toString();

        CliRunner.Result one = CliRunner.run("reason", model, "--ops", "add", "--digits", "2", "--per-cell", "3", "--max-tokens", "24", "-t", "1");
        assertThat(one.exit()).as(one.err()).isZero();
        assertThat(one.out()).containsPattern("add 2 digits: [0-3]/3 = [0-9.]+ ± [0-9.]+ \\([0-9.]+ tokens per question\\)")
                .containsPattern("all: [0-3]/3 = [0-9.]+ ± [0-9.]+ \\(greedy; \\d+ tokens generated");

        CliRunner.Result vote = CliRunner.run("reason", model, "--ops", "add", "--digits", "2", "--per-cell", "2", "--samples", "4",
                "--vote", "--max-tokens", "24", "-t", "1", "--svg", tmp.resolve("vote.svg").toString());
        assertThat(vote.exit()).as(vote.err()).isZero();
        assertThat(vote.out()).containsPattern("by samples 1:[0-9.]+ 2:[0-9.]+ 4:[0-9.]+")
                .contains("majority vote of 4 samples at temperature 0.8");
        assertThat(Files.readString(tmp.resolve("vote.svg"))).startsWith("<svg").contains("add 2 digits").contains("samples per question");

        CliRunner.Result best = CliRunner.run("reason", model, "--ops", "add", "--digits", "2", "--per-cell", "2", "--samples", "2",
                "--best-of", "--max-tokens", "24", "-t", "1");
        assertThat(best.exit()).as(best.err()).isZero();
        assertThat(best.out()).contains("best of 2 samples (exact checker)");

        CliRunner.Result beam = CliRunner.run("reason", model, "--ops", "add", "--digits", "2", "--per-cell", "1", "--beam", "2",
                "--expansions", "2", "--max-tokens", "24", "-t", "1");
        assertThat(beam.exit()).as(beam.err()).isZero();
        assertThat(beam.out()).contains("beam search, width 2, 2 expansions");

        // a scorer model on the toy model's replies, then used by best-of-n, the beam search and the comparison
        Path scorerFile = tmp.resolve("scorer.gguf");
        CliRunner.Result scorer = CliRunner.run("scorer", model, "-o", scorerFile.toString(), "--ops", "add", "--digits", "2",
                "--problems", "4", "--validation", "2", "--samples", "2", "--max-tokens", "24", "--epochs", "1", "--prefixes", "-t", "1");
        assertThat(scorer.exit()).as(scorer.err()).isZero();
        assertThat(scorer.out()).containsPattern("sampled 8 replies to 4 problems: [0-8] right")
                .containsPattern("trained on \\d+ texts: loss [0-9.]+ -> [0-9.]+")
                .containsPattern("validation \\(4 replies, [0-4] right\\): agreement [0-9.]+ -> [0-9.]+; .*"
                        + "right-wrong pairs of one problem in order (NaN|[0-9.]+) -> (NaN|[0-9.]+)").contains("wrote " + scorerFile);
        assertThat(scorerFile).exists();
        // --contrasting keeps the problems with both outcomes; the toy model gets every sampled reply wrong
        // (0 right above, seeded), so none is left, and it says so
        assertThat(scorer.out()).contains("sampled 8 replies to 4 problems: 0 right");
        CliRunner.Result contrasting = CliRunner.run("scorer", model, "-o", tmp.resolve("c.gguf").toString(), "--ops", "add",
                "--digits", "2", "--problems", "4", "--validation", "0", "--samples", "2", "--max-tokens", "24", "--epochs", "1",
                "--contrasting", "-t", "1");
        assertThat(contrasting.exit()).isEqualTo(1);
        assertThat(contrasting.out()).contains("contrasting: 0 of 8 replies");
        assertThat(contrasting.err()).contains("no problem got both a right and a wrong reply").doesNotContain("Exception");
        CliRunner.Result scored = CliRunner.run("reason", model, "--ops", "add", "--digits", "2", "--per-cell", "2", "--samples", "2",
                "--best-of", "--scorer", scorerFile.toString(), "--max-tokens", "24", "-t", "1");
        assertThat(scored.exit()).as(scored.err()).isZero();
        assertThat(scored.out()).contains("best of 2 samples (scorer scorer.gguf)");
        CliRunner.Result scoredBeam = CliRunner.run("reason", model, "--ops", "add", "--digits", "2", "--per-cell", "1", "--beam", "2",
                "--expansions", "2", "--scorer", scorerFile.toString(), "--max-tokens", "24", "-t", "1");
        assertThat(scoredBeam.exit()).as(scoredBeam.err()).isZero();
        assertThat(scoredBeam.out()).contains("beam search, width 2, 2 expansions, scorer scorer.gguf");
        CliRunner.Result compare = CliRunner.run("reason", model, "--ops", "add", "--digits", "2", "--per-cell", "2", "--samples", "4",
                "--compare", "--scorer", scorerFile.toString(), "--max-tokens", "24", "-t", "1", "--svg", tmp.resolve("tokens.svg").toString());
        assertThat(compare.exit()).as(compare.err()).isZero();
        assertThat(compare.out()).contains("(greedy;").contains("vote of 4 samples").contains("best-of (checker) of 4 samples")
                .contains("best-of (scorer) of 4 samples").containsPattern("all by samples 1:[0-9.]+ 2:[0-9.]+ 4:[0-9.]+");
        assertThat(Files.readString(tmp.resolve("tokens.svg"))).contains("tokens generated per question").contains(">best-of (scorer)<");

        CliRunner.Result grpo = CliRunner.run("grpo", model, "-o", tmp.resolve("grpo").toString(), "--ops", "add", "--digits", "2",
                "--steps", "1", "--prompts", "1", "-G", "2", "--max-tokens", "16", "--per-cell", "1", "-t", "1");
        assertThat(grpo.exit()).as(grpo.err()).isZero();
        assertThat(grpo.out()).containsPattern("add 2 digits: held-out accuracy [0-9.]+ -> [0-9.]+ \\(1 questions, greedy\\)")
                .contains("1 steps of 1 x 2 samples");
        for (String f : List.of("model.gguf", "checkpoint.bin", "loss.svg", "reward.svg", "reward.csv")) {
            assertThat(tmp.resolve("grpo").resolve(f)).exists();
        }
        CliRunner.Result none = CliRunner.run("grpo", model, "-o", tmp.resolve("grpo0").toString(), "--ops", "add", "--digits", "2",
                "--steps", "1", "--prompts", "1", "-G", "2", "--max-tokens", "8", "--per-cell", "0", "-t", "1");
        assertThat(none.exit()).as(none.err()).isZero();
        assertThat(none.out()).contains("no held-out questions (--per-cell 0)").doesNotContain("NaN");
    }

    @Test
    void badOptionsAreOneLineErrors() {
        CliRunner.Result digits = CliRunner.run("task", "-o", tmp.resolve("x.jsonl").toString(), "--digits", "1-5");
        assertThat(digits.exit()).isEqualTo(1);
        assertThat(digits.err().strip()).isEqualTo("jllm: --digits takes a range within 2-4 such as 3 or 2-4, not '1-5'");
        CliRunner.Result op = CliRunner.run("task", "-o", tmp.resolve("x.jsonl").toString(), "--ops", "add,div");
        assertThat(op.err().strip()).isEqualTo("jllm: unknown operation 'div': use add, sub or mul");
        CliRunner.Result taskName = CliRunner.run("task", "-o", tmp.resolve("x.jsonl").toString(), "--task", "chess");
        assertThat(taskName.err().strip()).isEqualTo("jllm: unknown task 'chess': the only task is arithmetic");
        CliRunner.Result samples = CliRunner.run("reason", tmp.resolve("missing.gguf").toString(), "--samples", "4");
        assertThat(samples.err().strip()).isEqualTo("jllm: --samples 4 needs --vote, --best-of or --compare to combine the samples");
        CliRunner.Result svg = CliRunner.run("reason", "m.gguf", "--svg", "x.svg");
        assertThat(svg.err().strip()).isEqualTo("jllm: --svg draws accuracy against samples: give it with --vote, --best-of or --compare");
        CliRunner.Result voteScorer = CliRunner.run("reason", "m.gguf", "--vote", "--samples", "4", "--scorer", "s.gguf");
        assertThat(voteScorer.err().strip()).isEqualTo("jllm: --scorer is the verifier of --best-of, --beam or --compare; the vote and one "
                + "sample do not use one");
        CliRunner.Result noScorer = CliRunner.run("reason", tmp.resolve("m.gguf").toString(), "--best-of", "--samples", "4", "--scorer",
                tmp.resolve("missing.gguf").toString());
        assertThat(noScorer.exit()).isEqualTo(1);
        assertThat(noScorer.err()).contains("missing.gguf").doesNotContain("Exception");
        CliRunner.Result scorerArgs = CliRunner.run("scorer", "m.gguf", "-o", "s.gguf", "--samples", "0");
        assertThat(scorerArgs.exit()).isEqualTo(1);
        assertThat(scorerArgs.err()).doesNotContain("Exception");
        CliRunner.Result both = CliRunner.run("reason", "m.gguf", "--vote", "--best-of");
        assertThat(both.exit()).isNotZero();
        assertThat(both.err()).contains("mutually exclusive");
    }
}

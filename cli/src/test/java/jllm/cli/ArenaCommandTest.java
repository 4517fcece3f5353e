package jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jllm.testing.SharedData;

/** {@code jllm arena ...} and {@code jllm serve --arena} through the real command line. */
class ArenaCommandTest {
    @TempDir
    Path dir;

    static final String BATTLES = """
            {"model_a":"x","model_b":"y","winner":"model_a","prompt":"p1","answer_a":"A","answer_b":"B","judge":"human","timestamp":1700000000}
            {"model_a":"y","model_b":"x","winner":"model_b","prompt":"p2","answer_a":"A","answer_b":"B","judge":"human","timestamp":1700000001}
            {"model_a":"x","model_b":"z","winner":"tie","prompt":"p3","answer_a":"A","answer_b":"B","judge":"exact","timestamp":1700000002}
            {"model_a":"z","model_b":"y","winner":"tie (bothbad)","prompt":"p4","answer_a":"A","answer_b":"B","judge":"exact","timestamp":1700000003}
            """;

    @Test
    void importLeaderboardJsonAndExportRoundTrip() throws IOException {
        Path in = dir.resolve("battles.jsonl");
        Files.writeString(in, BATTLES);
        Path db = dir.resolve("a.db");
        CliRunner.Result imported = CliRunner.run("arena", "import", in.toString(), "--db", db.toString());
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.err()).contains("imported 4 battles");

        CliRunner.Result board = CliRunner.run("arena", "leaderboard", "--db", db.toString(), "--json",
                "--svg", dir.resolve("b.svg").toString());
        assertThat(board.exit()).as(board.err()).isZero();
        JsonNode list = new ObjectMapper().readTree(board.out());
        assertThat(list.isArray()).isTrue();
        assertThat(list).hasSize(3);
        assertThat(list.get(0).get("model").asText()).isEqualTo("x"); // two wins and a tie
        for (JsonNode r : list) {
            assertThat(r.fieldNames()).toIterable().contains("model", "rating", "lower", "upper", "votes");
            assertThat(r.get("lower").asDouble()).isLessThanOrEqualTo(r.get("rating").asDouble());
        }
        assertThat(list.get(0).get("votes").asInt()).isEqualTo(3);
        assertThat(Files.readString(dir.resolve("b.svg"))).startsWith("<svg").contains("x");

        // 3 votes at most per model: rated nobody yet, and says so
        assertThat(list).allSatisfy(r -> assertThat(r.get("rated").asBoolean()).isFalse());
        assertThat(list.get(0).get("unrated").asText()).isEqualTo("too few votes: 3 of the 10 needed");
        CliRunner.Result text = CliRunner.run("arena", "leaderboard", "--db", db.toString());
        assertThat(text.out()).contains("rank").contains("95% interval").contains("win rate").contains("4 votes")
                .containsPattern("(?m)^-     x      too few votes: 3 of the 10 needed +3$")
                .contains("(a rating is shown once its model has 10 votes with at least one win and one loss)");

        CliRunner.Result exported = CliRunner.run("arena", "export", "--db", db.toString());
        assertThat(exported.exit()).isZero();
        List<String> lines = exported.out().lines().toList();
        assertThat(lines).hasSize(4);
        ObjectMapper json = new ObjectMapper();
        List<String> original = BATTLES.lines().toList();
        for (int i = 0; i < 4; i++) {
            JsonNode a = json.readTree(original.get(i));
            JsonNode b = json.readTree(lines.get(i));
            for (String f : List.of("model_a", "model_b", "winner", "prompt", "answer_a", "answer_b", "judge")) {
                assertThat(b.get(f)).as(f).isEqualTo(a.get(f));
            }
            assertThat(b.get("timestamp").asDouble()).isEqualTo(a.get("timestamp").asDouble());
        }
    }

    @Test
    void battlesWithTheExactJudgeAreStoredAndRated() throws IOException {
        String m = SharedData.require("testdata/models/stories260K/stories260K-Q8_0.gguf").toString();
        Path prompts = dir.resolve("p.jsonl");
        Files.writeString(prompts, "{\"prompt\":\"Lily\",\"expect\":[\"Lily\"]}\n{\"prompt\":\"Tom\",\"expect\":[\"zebra\"]}\n");
        Path db = dir.resolve("b.db");
        CliRunner.Result r = CliRunner.run("arena", "battle", "--models", "one=" + m + ",two=" + m, "--prompts", prompts.toString(),
                "--judge", "exact", "--db", db.toString(), "-n", "24", "-t", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        // same model, greedy: the same answer on both sides, so every battle is a tie of some kind
        assertThat(r.err()).contains("one vs two").doesNotContain(": model_a ").doesNotContain(": model_b ");
        assertThat(r.err()).contains("tie (bothbad)"); // nobody writes "zebra"
        assertThat(r.out()).contains("2 votes");
        CliRunner.Result exported = CliRunner.run("arena", "export", "--db", db.toString());
        assertThat(exported.out().lines()).hasSize(2).allSatisfy(l -> assertThat(l).contains("\"judge\":\"exact\""));
    }

    @Test
    void clearErrors() throws IOException {
        CliRunner.Result none = CliRunner.run("arena", "leaderboard", "--db", dir.resolve("missing.db").toString());
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("no arena database at");
        String m = SharedData.require("testdata/models/stories260K/stories260K-Q8_0.gguf").toString();
        Path prompts = dir.resolve("p.jsonl");
        Files.writeString(prompts, "{\"prompt\":\"Lily\",\"expect\":[\"Lily\"]}\n");
        CliRunner.Result same = CliRunner.run("arena", "battle", "--models", m + "," + m, "--prompts", prompts.toString(),
                "--judge", "exact", "--db", dir.resolve("c.db").toString());
        assertThat(same.exit()).isEqualTo(1);
        assertThat(same.err()).contains("two models are named stories260K-Q8_0").contains("name them");
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"model_a\":\"x\",\"model_b\":\"y\",\"winner\":\"x wins\"}\n");
        CliRunner.Result imp = CliRunner.run("arena", "import", bad.toString(), "--db", dir.resolve("d.db").toString());
        assertThat(imp.exit()).isEqualTo(1);
        assertThat(imp.err()).contains("line 1").contains("winner must be");
        CliRunner.Result one = CliRunner.run("serve", "--arena", m, "--port", "0", "--db", dir.resolve("e.db").toString());
        assertThat(one.exit()).isEqualTo(1);
        assertThat(one.err()).contains("--arena needs at least two models");
    }
}

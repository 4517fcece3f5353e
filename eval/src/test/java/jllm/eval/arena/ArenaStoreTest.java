package jllm.eval.arena;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store: schema, durability settings, vote rules, JSONL import and export. */
class ArenaStoreTest {
    @TempDir
    Path dir;

    @Test
    void createsTheSchemaInWalModeWithFullSync() {
        try (ArenaStore s = ArenaStore.open(dir.resolve("a.db"))) {
            assertThat(s.schemaVersion()).isEqualTo(ArenaStore.SCHEMA_VERSION);
            assertThat(s.pragma("journal_mode")).isEqualTo("wal");
            assertThat(s.pragma("synchronous")).isEqualTo("2"); // FULL
            assertThat(s.pragma("foreign_keys")).isEqualTo("1");
        }
        // reopening migrates nothing and keeps the data
        try (ArenaStore s = ArenaStore.open(dir.resolve("a.db"))) {
            assertThat(s.schemaVersion()).isEqualTo(ArenaStore.SCHEMA_VERSION);
        }
    }

    @Test
    void refusesAFileFromANewerSchema() throws Exception {
        Path db = dir.resolve("new.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.execute("PRAGMA user_version = 99");
        }
        assertThatThrownBy(() -> ArenaStore.open(db)).hasMessageContaining("schema version 99").hasMessageContaining("newer jllm");
        assertThatThrownBy(() -> ArenaStore.open(dir.resolve("no/such/dir/x.db"))).hasMessageContaining("does not exist");
    }

    @Test
    void aBattleTakesOneVoteOnlyWhenBothAnswersAreIn() throws Exception {
        try (ArenaStore s = ArenaStore.open(dir.resolve("a.db"))) {
            long id = s.createBattle("Who are you?", "x", "y", "{\"temperature\":0.7}", 42);
            assertThat(s.battle(id).orElseThrow().vote()).isEmpty();
            assertRefused(() -> s.vote(id, Outcome.MODEL_A, "human"), VoteRefusedException.Reason.NOT_READY);
            s.setAnswer(id, ArenaStore.Side.A, "I am x.");
            assertRefused(() -> s.vote(id, Outcome.MODEL_A, "human"), VoteRefusedException.Reason.NOT_READY);
            s.setAnswer(id, ArenaStore.Side.B, "I am y.");
            s.vote(id, Outcome.MODEL_B, "human");
            assertRefused(() -> s.vote(id, Outcome.MODEL_A, "human"), VoteRefusedException.Reason.ALREADY_VOTED);
            assertRefused(() -> s.vote(id + 1000, Outcome.MODEL_A, "human"), VoteRefusedException.Reason.UNKNOWN_BATTLE);
            Battle b = s.battle(id).orElseThrow();
            assertThat(b.answerA()).isEqualTo("I am x.");
            assertThat(b.seed()).isEqualTo(42);
            assertThat(b.sampler()).contains("0.7");
            assertThat(b.vote().orElseThrow().outcome()).isEqualTo(Outcome.MODEL_B);
            assertThat(s.matches()).containsExactly(new Match("x", "y", Outcome.MODEL_B));
            assertThat(s.pairCounts()).containsEntry(Pairing.Pair.of("y", "x"), 1);
        }
    }

    @Test
    void anAnswerCutShortTakesNoVoteAndStaysOutOfTheRatings() throws Exception {
        try (ArenaStore s = ArenaStore.open(dir.resolve("a.db"))) {
            long id = s.createBattle("Tell me a story.", "x", "y", "{}", 1);
            s.setAnswer(id, ArenaStore.Side.A, "Once upon a", false); // the page went away mid-answer
            // refused at once, without waiting for B: this battle can never be judged
            VoteRefusedException e = refusal(() -> s.vote(id, Outcome.MODEL_B, "human"));
            assertThat(e.reason()).isEqualTo(VoteRefusedException.Reason.INCOMPLETE_ANSWER);
            assertThat(e.getMessage()).isEqualTo("battle " + id + " cannot be judged: answer A was cut short (the page was "
                    + "closed or lost its connection while it was being written), so the ratings leave it out; start a new battle");
            s.setAnswer(id, ArenaStore.Side.B, "Once upon a time there was a cat.");
            assertThat(refusal(() -> s.vote(id, Outcome.MODEL_B, "human")).reason())
                    .isEqualTo(VoteRefusedException.Reason.INCOMPLETE_ANSWER);
            Battle b = s.battle(id).orElseThrow();
            assertThat(b.answerA()).isEqualTo("Once upon a");
            assertThat(b.incompleteA()).isTrue();
            assertThat(b.incompleteB()).isFalse();
            assertThat(b.vote()).isEmpty();
            assertThat(s.matches()).isEmpty();
        }
    }

    @Test
    void aVersion1StoreIsMigratedKeepingItsBattlesAndVotes() throws Exception {
        Path db = dir.resolve("v1.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            // the schema of version 1 as it shipped, with one decided battle
            st.execute("CREATE TABLE battles (id INTEGER PRIMARY KEY, created_ms INTEGER NOT NULL, prompt TEXT NOT NULL, "
                    + "model_a TEXT NOT NULL, model_b TEXT NOT NULL, answer_a TEXT, answer_b TEXT, sampler TEXT NOT NULL, "
                    + "seed INTEGER NOT NULL, CHECK (model_a <> model_b))");
            st.execute("CREATE TABLE votes (battle_id INTEGER PRIMARY KEY REFERENCES battles(id), winner TEXT NOT NULL "
                    + "CHECK (winner IN ('model_a', 'model_b', 'tie', 'tie (bothbad)')), judge TEXT NOT NULL, "
                    + "created_ms INTEGER NOT NULL)");
            st.execute("CREATE INDEX battles_pair ON battles(model_a, model_b)");
            st.execute("INSERT INTO battles VALUES (7, 1700000000000, 'Hi', 'x', 'y', 'Hello.', 'Hey.', '{}', 3)");
            st.execute("INSERT INTO votes VALUES (7, 'model_a', 'human', 1700000001000)");
            st.execute("PRAGMA user_version = 1");
        }
        try (ArenaStore s = ArenaStore.open(db)) {
            assertThat(s.schemaVersion()).isEqualTo(2).isEqualTo(ArenaStore.SCHEMA_VERSION);
            Battle b = s.battle(7).orElseThrow();
            assertThat(b.answerA()).isEqualTo("Hello.");
            assertThat(b.incompleteA()).isFalse(); // version 1 took every stored answer as complete
            assertThat(b.vote().orElseThrow().outcome()).isEqualTo(Outcome.MODEL_A);
            assertThat(s.matches()).containsExactly(new Match("x", "y", Outcome.MODEL_A));
            // and the new column works in the migrated file
            long id = s.createBattle("Story?", "x", "y", "{}", 4);
            s.setAnswer(id, ArenaStore.Side.B, "The", false);
            assertThat(s.battle(id).orElseThrow().incompleteB()).isTrue();
        }
    }

    private static VoteRefusedException refusal(ThrowingRunnable r) {
        try {
            r.run();
        } catch (VoteRefusedException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the vote was taken");
    }

    private static void assertRefused(ThrowingRunnable r, VoteRefusedException.Reason reason) {
        try {
            r.run();
            throw new AssertionError("the vote was taken");
        } catch (VoteRefusedException e) {
            assertThat(e.reason()).isEqualTo(reason);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void exportThenImportGivesTheSameBattles() throws IOException {
        String jsonl;
        try (ArenaStore s = ArenaStore.open(dir.resolve("a.db"))) {
            s.addDecided(Instant.ofEpochSecond(1_700_000_000), "Tell me a story about a dog.", "sft", "pretrain",
                    "The dog ran.", "Once upon a time", "{}", 5, Outcome.MODEL_A, "exact");
            s.addDecided(Instant.ofEpochSecond(1_700_000_001), "Hi <script>", "pretrain", "sft", "a\nb", "\"q\"", "{}", 6,
                    Outcome.BOTH_BAD, "human");
            StringWriter w = new StringWriter();
            assertThat(BattleLog.export(s, w)).isEqualTo(2);
            jsonl = w.toString();
        }
        List<String> lines = jsonl.lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertThat(first.get("model_a").asText()).isEqualTo("sft");
        assertThat(first.get("winner").asText()).isEqualTo("model_a");
        assertThat(first.get("judge").asText()).isEqualTo("exact");
        assertThat(first.get("timestamp").asDouble()).isEqualTo(1_700_000_000.0);
        assertThat(new ObjectMapper().readTree(lines.get(1)).get("winner").asText()).isEqualTo("tie (bothbad)");
        try (ArenaStore t = ArenaStore.open(dir.resolve("b.db"))) {
            assertThat(BattleLog.importInto(t, new BufferedReader(new StringReader(jsonl + "\n")))).isEqualTo(2);
            StringWriter again = new StringWriter();
            BattleLog.export(t, again);
            assertThat(again.toString()).isEqualTo(jsonl);
        }
    }

    @Test
    void importNamesTheFirstBadLine() {
        try (ArenaStore s = ArenaStore.open(dir.resolve("a.db"))) {
            String good = "{\"model_a\":\"x\",\"model_b\":\"y\",\"winner\":\"tie\",\"tstamp\":1}\n";
            assertThatThrownBy(() -> BattleLog.importInto(s, new BufferedReader(new StringReader(good + "{\"model_a\":\"x\","
                    + "\"model_b\":\"y\",\"winner\":\"x\"}\n")))).hasMessageContaining("line 2").hasMessageContaining("winner must be");
            assertThatThrownBy(() -> BattleLog.importInto(s, new BufferedReader(new StringReader("{oops\n"))))
                    .hasMessageContaining("line 1 is not JSON");
            assertThatThrownBy(() -> BattleLog.importInto(s, new BufferedReader(new StringReader("[1]\n"))))
                    .hasMessageContaining("not a JSON object");
            assertThatThrownBy(() -> BattleLog.importInto(s, new BufferedReader(new StringReader(
                    "{\"model_a\":\"x\",\"model_b\":\"x\",\"winner\":\"tie\"}")))).hasMessageContaining("both x");
            assertThat(s.decided()).hasSize(1); // the good line before the bad one stays
        }
    }

    @Test
    void pairingFavoursPairsWithFewBattles() {
        List<String> models = List.of("a", "b", "c");
        Map<Pairing.Pair, Integer> counts = new ConcurrentHashMap<>(Map.of(Pairing.Pair.of("a", "b"), 9));
        SplittableRandom random = new SplittableRandom(3);
        int ab = 0;
        int aFirst = 0;
        for (int i = 0; i < 3000; i++) {
            List<String> p = Pairing.choose(models, counts, random);
            assertThat(p.get(0)).isNotEqualTo(p.get(1));
            ab += Pairing.Pair.of(p.get(0), p.get(1)).equals(Pairing.Pair.of("a", "b")) ? 1 : 0;
            aFirst += p.get(0).equals("a") ? 1 : 0;
        }
        // weights 1/100, 1, 1: a-b comes up about 0.5% of the time
        assertThat(ab).isLessThan(40);
        assertThat(aFirst).isBetween(650, 850); // a is in half the pairs (a-c), shown first in half of those
        assertThatThrownBy(() -> Pairing.choose(List.of("a", "a"), Map.of(), random)).hasMessageContaining("two different");
    }

    @Test
    void exactJudgeChecksEveryExpectedStringIgnoringCase() {
        ExactJudge j = new ExactJudge();
        ArenaPrompt p = new ArenaPrompt("Who are you?", List.of("jllm-tiny"));
        assertThat(j.decide(p, "I am JLLM-tiny.", "I am ChatGPT.")).isEqualTo(Outcome.MODEL_A);
        assertThat(j.decide(p, "I am ChatGPT.", "I am jllm-tiny.")).isEqualTo(Outcome.MODEL_B);
        assertThat(j.decide(p, "jllm-tiny", "jllm-tiny!")).isEqualTo(Outcome.TIE);
        assertThat(j.decide(p, "no", "no")).isEqualTo(Outcome.BOTH_BAD);
        ArenaPrompt two = new ArenaPrompt("A story with a cat and a ball.", List.of("cat", "ball"));
        assertThat(j.decide(two, "The cat saw a ball.", "The cat slept.")).isEqualTo(Outcome.MODEL_A);
        assertThatThrownBy(() -> j.decide(new ArenaPrompt("x", List.of()), "a", "b")).hasMessageContaining("expect");
        // whole words only, plurals allowed
        ArenaPrompt hat = new ArenaPrompt("A story about a hat.", List.of("hat"));
        assertThat(ExactJudge.correct(hat, "That is what she said.")).isFalse();
        assertThat(ExactJudge.correct(hat, "Two hats.")).isTrue();
        assertThat(ExactJudge.correct(hat, "\"Hat!\" said Tom.")).isTrue();
        assertThat(ExactJudge.correct(new ArenaPrompt("Who made you?", List.of("jllm")), "the jllm-tiny project")).isTrue();
    }

    @Test
    void readsPromptFilesAndNamesBadLines() throws IOException {
        Path f = dir.resolve("p.jsonl");
        Files.writeString(f, "{\"prompt\":\"Who are you?\",\"expect\":[\"jllm-tiny\"]}\n\n{\"prompt\":\"Hi\"}\n");
        assertThat(ArenaPrompt.read(f)).containsExactly(new ArenaPrompt("Who are you?", List.of("jllm-tiny")),
                new ArenaPrompt("Hi", List.of()));
        Files.writeString(f, "{\"prompt\":\"Hi\",\"expect\":\"x\"}\n");
        assertThatThrownBy(() -> ArenaPrompt.read(f)).hasMessageContaining("line 1").hasMessageContaining("list of strings");
        Files.writeString(f, "\n");
        assertThatThrownBy(() -> ArenaPrompt.read(f)).hasMessageContaining("no prompts");
    }
}

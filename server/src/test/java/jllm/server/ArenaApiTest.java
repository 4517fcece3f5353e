package jllm.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jllm.chat.ChatTemplate;
import jllm.eval.arena.ArenaStore;
import jllm.eval.arena.Battle;
import jllm.eval.arena.Outcome;
import jllm.model.LoadedModel;

/** The arena's HTTP API on the in-process server: a whole battle, refused votes, concurrent votes. */
class ArenaApiTest {
    @TempDir
    static Path dir;

    static LoadedModel loaded;
    static ArenaStore store;
    static OpenAiServer server;
    static Http http;

    @BeforeAll
    static void start() {
        loaded = TestServers.stories();
        store = ArenaStore.open(dir.resolve("arena.db"));
        server = OpenAiServer.start(List.of(ServedModel.of("first", loaded), ServedModel.of("second", loaded)),
                ServerOptions.DEFAULTS.withPort(0).withContextLength(256).withParallel(2),
                List.of(new ArenaRoutes(store, List.of("first", "second"), 5)));
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
        if (loaded != null) {
            loaded.close();
        }
    }

    /** The text an answer stream carried, and whether it ended with "done". */
    static String streamedText(String sse) {
        StringBuilder text = new StringBuilder();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: ")) {
                JsonNode d = new Http.Reply(200, line.substring(6), null).json();
                if (d.has("text")) {
                    text.append(d.get("text").asText());
                }
            }
        }
        return text.toString();
    }

    @Test
    void aWholeBattleKeepsTheNamesSecretUntilTheVote() {
        Http.Reply created = http.post("/arena/api/battles", "{\"prompt\":\"Once upon a time\"}");
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.body()).doesNotContain("first").doesNotContain("second");
        long id = created.json().get("id").asLong();
        // voting before the answers are written is refused
        Http.Reply early = http.post("/arena/api/battles/" + id + "/vote", "{\"winner\":\"model_a\"}");
        assertThat(early.status()).isEqualTo(409);
        assertThat(early.body()).doesNotContain("first").doesNotContain("second");
        Http.Reply a = http.post("/arena/api/battles/" + id + "/answer/a", "");
        Http.Reply b = http.post("/arena/api/battles/" + id + "/answer/b", "");
        assertThat(a.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(a.body()).contains("\"done\":true").doesNotContain("first").doesNotContain("second");
        // a side is streamed once
        assertThat(http.post("/arena/api/battles/" + id + "/answer/a", "").status()).isEqualTo(409);
        Battle stored = store.battle(id).orElseThrow();
        assertThat(stored.answerA()).isEqualTo(streamedText(a.body())).isNotEmpty();
        assertThat(stored.answerB()).isEqualTo(streamedText(b.body()));
        assertThat(stored.sampler()).contains("\"temperature\":0.7");
        Http.Reply vote = http.post("/arena/api/battles/" + id + "/vote", "{\"winner\":\"tie (bothbad)\"}");
        assertThat(vote.status()).isEqualTo(200);
        assertThat(List.of(vote.json().get("model_a").asText(), vote.json().get("model_b").asText()))
                .containsExactlyInAnyOrder("first", "second");
        assertThat(store.battle(id).orElseThrow().vote().orElseThrow().outcome()).isEqualTo(Outcome.BOTH_BAD);
        // a second vote, a vote on an unknown battle, a bad winner
        Http.Reply again = http.post("/arena/api/battles/" + id + "/vote", "{\"winner\":\"model_a\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("error").get("code").asText()).isEqualTo("already_voted");
        Http.Reply unknown = http.post("/arena/api/battles/99999/vote", "{\"winner\":\"model_a\"}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("error").get("message").asText()).contains("no battle 99999");
        assertThat(http.post("/arena/api/battles/abc/vote", "{\"winner\":\"model_a\"}").status()).isEqualTo(404);
        Http.Reply bad = http.post("/arena/api/battles/" + id + "/vote", "{\"winner\":\"A\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").get("message").asText()).contains("model_a, model_b, tie");
        assertThat(http.post("/arena/api/battles", "{\"prompt\":\"  \"}").status()).isEqualTo(400);
        assertThat(http.post("/arena/api/battles", "not json").status()).isEqualTo(400);
        assertThat(http.post("/arena/api/battles/" + id + "/answer/c", "").status()).isEqualTo(404);
        // the leaderboard counts the vote
        JsonNode board = http.get("/arena/api/leaderboard").json();
        assertThat(board.get("battles").asInt()).isGreaterThanOrEqualTo(1);
        Http.Reply svg = http.get("/arena/api/leaderboard.svg");
        assertThat(svg.headers().firstValue("Content-Type").orElse("")).startsWith("image/svg+xml");
        assertThat(svg.body()).startsWith("<svg").contains("first").contains("second");
    }

    /** A client that goes away mid-answer leaves the answer stored, marked as cut short, and the battle takes no vote. */
    @Test
    void anAnswerCutShortByTheClientIsMarkedAndTakesNoVote() throws Exception {
        ChatTemplate chatml = ServedModel.of("x", loaded).template();
        ServedModel one = new ServedModel("slow-one", TestModels.slow(loaded.model(), 40), loaded.tokenizer(), chatml, 0);
        ServedModel two = new ServedModel("slow-two", TestModels.slow(loaded.model(), 40), loaded.tokenizer(), chatml, 0);
        try (ArenaStore cut = ArenaStore.open(dir.resolve("cut.db"));
             OpenAiServer slow = OpenAiServer.start(List.of(one, two), ServerOptions.DEFAULTS.withPort(0).withContextLength(256)
                     .withParallel(2), List.of(new ArenaRoutes(cut, List.of("slow-one", "slow-two"), 7)))) {
            Http h = new Http(slow.port());
            long id = h.post("/arena/api/battles", "{\"prompt\":\"Once upon a time\"}").json().get("id").asLong();
            String shown;
            try (Socket socket = new Socket("127.0.0.1", slow.port())) {
                socket.getOutputStream().write(("POST /arena/api/battles/" + id + "/answer/a HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null && !line.startsWith("data: {\"text\"")) {
                    // headers, then events until the first piece of text
                }
                shown = line;
            } // the page closes after one piece of the answer (200 tokens at 40 ms each would take 8 s)
            assertThat(shown).as("a first piece of text arrived").isNotNull();
            SlotsTest.waitFor(() -> cut.hasAnswer(id, ArenaStore.Side.A));
            Battle b = cut.battle(id).orElseThrow();
            assertThat(b.incompleteA()).isTrue();
            assertThat(b.answerA()).isNotEmpty();
            Http.Reply vote = h.post("/arena/api/battles/" + id + "/vote", "{\"winner\":\"model_a\"}");
            assertThat(vote.status()).isEqualTo(409);
            assertThat(vote.json().get("error").get("code").asText()).isEqualTo("incomplete_answer");
            assertThat(vote.json().get("error").get("message").asText()).contains("answer A was cut short")
                    .contains("start a new battle").doesNotContain("slow-one").doesNotContain("slow-two");
            assertThat(cut.battle(id).orElseThrow().vote()).isEmpty();
            assertThat(h.get("/arena/api/leaderboard").json().get("battles").asInt()).isZero();
        }
    }

    @Test
    void theLeaderboardSaysTooFewVotesUntilTheRatingsMeanSomething() throws Exception {
        try (ArenaStore few = ArenaStore.open(dir.resolve("few.db"))) {
            few.addDecided(java.time.Instant.now(), "Hi", "first", "second", "a", "b", "{}", 1, Outcome.MODEL_A, "human");
            JsonNode board = ArenaRoutes.leaderboardJson(jllm.eval.arena.Leaderboard.of(few.matches(), 100, 1));
            assertThat(board.get("min_votes").asInt()).isEqualTo(10);
            for (JsonNode r : board.get("rows")) {
                assertThat(r.get("rated").asBoolean()).as(r.toString()).isFalse();
                assertThat(r.get("unrated").asText()).isEqualTo("too few votes: 1 of the 10 needed");
            }
        }
    }

    @Test
    void withAnApiKeyTheWritingRoutesNeedIt() {
        try (OpenAiServer keyed = OpenAiServer.start(List.of(ServedModel.of("first", loaded), ServedModel.of("second", loaded)),
                ServerOptions.DEFAULTS.withPort(0).withContextLength(256).withApiKey("sesame"),
                List.of(new ArenaRoutes(store, List.of("first", "second"), 6)))) {
            Http h = new Http(keyed.port());
            Http.Reply refused = h.post("/arena/api/battles", "{\"prompt\":\"Hi\"}");
            assertThat(refused.status()).isEqualTo(401);
            assertThat(h.post("/arena/api/battles/1/vote", "{\"winner\":\"tie\"}").status()).isEqualTo(401);
            assertThat(h.post("/arena/api/battles/1/answer/a", "").status()).isEqualTo(401);
            Http.Reply ok = h.post("/arena/api/battles", "{\"prompt\":\"Hi\"}", "Authorization", "Bearer sesame");
            assertThat(ok.status()).isEqualTo(200);
            assertThat(h.get("/arena/api/leaderboard").status()).isEqualTo(200);
        }
    }

    @Test
    void fiftyVotesPostedAtOnceAreAllStored() throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            long id = store.createBattle("prompt " + i, "first", "second", "{}", i);
            store.setAnswer(id, ArenaStore.Side.A, "a" + i);
            store.setAnswer(id, ArenaStore.Side.B, "b" + i);
            ids.add(id);
        }
        Outcome[] outcomes = Outcome.values();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> replies = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(50)) {
            for (int i = 0; i < 50; i++) {
                long id = ids.get(i);
                String winner = outcomes[i % outcomes.length].label();
                replies.add(pool.submit(() -> {
                    go.await();
                    return http.post("/arena/api/battles/" + id + "/vote", "{\"winner\":\"" + winner + "\"}").status();
                }));
            }
            go.countDown();
            for (Future<Integer> f : replies) {
                assertThat(f.get()).isEqualTo(200);
            }
        }
        for (int i = 0; i < 50; i++) {
            Battle b = store.battle(ids.get(i)).orElseThrow();
            assertThat(b.vote()).as("battle %d", ids.get(i)).isPresent();
            assertThat(b.vote().orElseThrow().outcome()).isEqualTo(outcomes[i % outcomes.length]);
        }
        // and each, posted again, is refused
        assertThat(http.post("/arena/api/battles/" + ids.getFirst() + "/vote", "{\"winner\":\"tie\"}").status()).isEqualTo(409);
    }
}

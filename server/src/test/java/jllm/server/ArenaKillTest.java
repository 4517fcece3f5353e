package jllm.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jllm.testing.SharedData;
import jllm.eval.arena.ArenaStore;
import jllm.eval.arena.Battle;
import jllm.eval.arena.Outcome;

/**
 * A vote the server acknowledged survives SIGKILL: a child JVM serves the arena on a temporary database,
 * a battle is fought and voted over HTTP, the child is killed ({@code kill -9}) the moment the
 * acknowledgement arrives, and the reopened database holds the vote.
 */
class ArenaKillTest {
    @TempDir
    Path dir;

    @Test
    void anAcknowledgedVoteSurvivesSigkill() throws Exception {
        Path model = SharedData.require("testdata/models/stories260K/stories260K-Q8_0.gguf");
        Path db = dir.resolve("arena.db");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                ArenaChild.class.getName(), db.toString(), model.toString()));
        Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long id;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            int port = -1;
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("PORT ")) {
                    port = Integer.parseInt(line.substring(5).strip());
                    break;
                }
            }
            assertThat(port).as("the child's port (did it start?)").isPositive();
            Http http = new Http(port);
            id = http.post("/arena/api/battles", "{\"prompt\":\"Lily\"}").json().get("id").asLong();
            assertThat(http.post("/arena/api/battles/" + id + "/answer/a", "").body()).contains("\"done\":true");
            assertThat(http.post("/arena/api/battles/" + id + "/answer/b", "").body()).contains("\"done\":true");
            Http.Reply ack = http.post("/arena/api/battles/" + id + "/vote", "{\"winner\":\"model_b\"}");
            child.destroyForcibly(); // SIGKILL at once: no shutdown hook, no close, no checkpoint
            assertThat(ack.status()).isEqualTo(200);
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).isEqualTo(137); // 128 + SIGKILL
        try (ArenaStore store = ArenaStore.open(db)) {
            Battle b = store.battle(id).orElseThrow();
            assertThat(b.vote()).isPresent();
            assertThat(b.vote().orElseThrow().outcome()).isEqualTo(Outcome.MODEL_B);
            assertThat(b.answerA()).isNotNull();
        }
    }
}

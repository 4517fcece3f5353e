package jllm.server;

import static org.assertj.core.api.Assertions.assertThat;

import jllm.model.LoadedModel;
import org.junit.jupiter.api.Test;

/** The server follows the context rule (jllm.generate.ContextLength): by default, the model's trained context. */
class ServerContextTest {

    @Test
    void byDefaultEachRequestGetsTheModelsTrainedContext() {
        try (LoadedModel m = TestServers.stories();
             OpenAiServer server = TestServers.start(ServerOptions.DEFAULTS.withParallel(1), ServedModel.of("stories", m))) {
            assertThat(m.model().info().contextLength()).isEqualTo(128);
            Http http = new Http(server.port());
            Http.Reply r = http.post("/v1/completions", "{\"prompt\":\"" + "Lily ".repeat(150) + "\",\"max_tokens\":1}");
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().get("error").get("message").asText()).contains("the context holds 128");
            Http.Reply ok = http.post("/v1/completions", "{\"prompt\":\"" + "Lily ".repeat(20) + "\",\"max_tokens\":1}");
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        }
    }
}

package jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * {@code jllm serve --guard M --spotlight MODE}: a language model given as the guard and an unknown
 * spotlight mode stop the server before it starts, with a message naming the problem.
 */
class ServeGuardOptionsTest {
    private static final String BUILTIN = Path.of("..", "models", "builtin.gguf").toString();

    @Test
    void aLanguageModelAsGuardOrAnUnknownSpotlightModeIsAClearError() {
        CliRunner.Result lm = CliRunner.run("serve", BUILTIN, "--port", "0", "--guard", BUILTIN);
        assertThat(lm.exit()).isNotZero();
        assertThat(lm.err()).contains("is a language model, not a guard classifier").doesNotContain("Exception");

        CliRunner.Result spot = CliRunner.run("serve", BUILTIN, "--port", "0", "--spotlight", "rot13");
        assertThat(spot.exit()).isNotZero();
        assertThat(spot.err()).contains("spotlight mode must be off, delimit, datamark or base64, got 'rot13'")
                .doesNotContain("Exception");

        CliRunner.Result missing = CliRunner.run("serve", BUILTIN, "--port", "0", "--guard", "no-such-guard.gguf");
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("no-such-guard.gguf").doesNotContain("Exception");
    }
}

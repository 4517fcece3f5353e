package jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** tokenize takes its model as run and chat do: optional, the built-in model by default. */
class TokenizeCommandTest {
    private static final String BUILTIN = Path.of("..", "models", "builtin.gguf").toString();

    /** As the launcher does: the built-in model is models/builtin.gguf under jllm.home (the tests run in cli/). */
    @BeforeEach
    void home() {
        System.setProperty("jllm.home", "..");
    }

    @AfterEach
    void noHome() {
        System.clearProperty("jllm.home");
    }

    @Test
    void aLoneArgumentIsTheTextForTheBuiltInModel() {
        CliRunner.Result lone = CliRunner.run("tokenize", "Hello world", "--ids");
        CliRunner.Result named = CliRunner.run("tokenize", BUILTIN, "Hello world", "--ids");
        assertThat(lone.exit()).as(lone.err()).isZero();
        assertThat(named.exit()).as(named.err()).isZero();
        assertThat(lone.out()).isEqualTo(named.out());
        // "Hello world" is tokenized, not opened as a model: more than one token and no error
        assertThat(lone.out().strip().split(" ")).hasSizeGreaterThan(1);
    }

    @Test
    void aLoneModelFileSaysTheTextIsMissing() {
        CliRunner.Result r = CliRunner.run("tokenize", BUILTIN);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("jllm: '" + BUILTIN + "' is a model file or folder, and it is the only argument: "
                + "give the text too (tokenize MODEL TEXT, or tokenize MODEL -f FILE)");
    }

    @Test
    void noTextAtAllSaysHowToGiveIt() {
        CliRunner.Result r = CliRunner.run("tokenize", "--ids");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("jllm: give the text to tokenize: tokenize [MODEL] TEXT, or tokenize [MODEL] -f FILE");
    }
}

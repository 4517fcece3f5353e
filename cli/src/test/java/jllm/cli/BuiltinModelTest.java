package jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The built-in model's first impression, through {@code jllm chat} as a new user meets it: greedy
 * answers to the first questions are English (printable ASCII: no U+FFFD, no CJK bytes) and on topic.
 */
class BuiltinModelTest {
    private static final String MODEL = Path.of("..", "models", "builtin.gguf").toString();

    private static String chat(String input) {
        CliRunner.Result r = CliRunner.runWithInput(input, "chat", MODEL, "--temp", "0", "-n", "80");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).as("answer to %s", input).isNotBlank().matches("[\\x20-\\x7E\\n]*");
        return r.out();
    }

    @Test
    void helloThenWhoAreYouNamesTheModel() {
        String out = chat("Hello!\nWho are you?\n");
        assertThat(out.strip().split("\n")).as(out).hasSize(2);
        assertThat(out.strip().split("\n")[1]).contains("jllm-tiny");
    }

    @Test
    void identityQuestionsNameTheModelAndItsMaker() {
        assertThat(chat("Who are you?\n")).contains("jllm-tiny");
        assertThat(chat("What is your name?\n")).contains("jllm-tiny");
        assertThat(chat("Who made you?\n")).contains("the jllm project");
    }

    @Test
    void whatCanYouDoIsAboutStories() {
        assertThat(chat("What can you do?\n")).contains("stories");
    }
}

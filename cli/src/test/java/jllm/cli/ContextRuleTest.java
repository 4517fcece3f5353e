package jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jllm.testing.SharedData;
import org.junit.jupiter.api.Test;

/**
 * The context rule through the commands: the model's trained context by default, generation stopping at
 * its end with a note, a longer --ctx only with a warning (jllm.generate.ContextLength).
 */
class ContextRuleTest {
    /** The built-in model: trained on 256 positions. */
    private static final String BUILTIN = "../models/builtin.gguf";

    private static int number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("'%s' in %s", regex, text).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void runStopsAtTheTrainedContextWithANote() {
        CliRunner.Result r = CliRunner.run("run", BUILTIN, "-p", "Once upon a time", "-n", "5000", "--ignore-eos", "--temp", "0");
        assertThat(r.exit()).as(r.err()).isZero();
        int prompt = number(r.err(), "prompt (\\d+) tokens");
        int generated = number(r.err(), "generated (\\d+) tokens");
        // the cache holds 256 positions; the last token is sampled from the logits of the 256th
        assertThat(prompt + generated).isEqualTo(256 + 1);
        assertThat(r.err()).contains("stop: context")
                .contains("jllm: stopped at the end of the context, 256 positions (the model's trained context); a larger --ctx")
                .doesNotContain("warning");
    }

    @Test
    void aLongerContextIsAllowedOnlyWithAWarning() {
        CliRunner.Result r = CliRunner.run("run", BUILTIN, "-p", "Once upon a time", "-n", "300", "--ignore-eos", "--temp", "0",
                "-c", "300");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).startsWith("jllm: warning: a context of 300 positions is past the model's trained context of 256: "
                + "rope scaling is not applied, so text past position 256 degrades\n");
        assertThat(number(r.err(), "prompt (\\d+) tokens") + number(r.err(), "generated (\\d+) tokens")).isEqualTo(300 + 1);
        assertThat(r.err()).contains("300 positions (--ctx; the model was trained on 256)");
    }

    @Test
    void aPromptLongerThanTheContextIsRefusedInTheRulesWords() {
        CliRunner.Result r = CliRunner.run("run", BUILTIN, "-p", "Once upon a time there was a cat. ".repeat(40), "-n", "4");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).matches("jllm: the prompt has \\d+ tokens but the context holds 256 positions "
                + "\\(the model's trained context\\): shorten the prompt, or a larger --ctx holds more, .*");
    }

    @Test
    void perplexityChunksAtMostTheTrainedContextByDefault() {
        String models = SharedData.require("testdata/models").toString();
        CliRunner.Result r = CliRunner.run("perplexity", models + "/stories260K/stories260K-F32.gguf", models + "/inputs/ppl-text.txt");
        assertThat(r.exit()).as(r.err()).isZero();
        // trained on 128 positions: the chunks are 128 long, and the result is llama-perplexity's at -c 128
        assertThat(r.err()).contains("chunks of 128").doesNotContain("warning");
        double ppl = Double.parseDouble(r.out().strip().lines().reduce((a, b) -> b).orElseThrow().substring(6));
        assertThat(Math.abs(ppl / 3.9698 - 1)).isLessThan(0.001);
    }

    @Test
    void benchAndInspectFollowTheRule() {
        CliRunner.Result bench = CliRunner.run("bench", BUILTIN, "-p", "300", "-n", "0", "-r", "1", "-t", "1");
        assertThat(bench.exit()).as(bench.err()).isZero();
        assertThat(bench.err()).contains("jllm: warning: a context of 300 positions is past the model's trained context of 256");
        CliRunner.Result inspect = CliRunner.run("inspect", BUILTIN);
        assertThat(inspect.out()).contains("KV cache at 256 positions");
        CliRunner.Result wide = CliRunner.run("inspect", BUILTIN, "--ctx", "1024");
        assertThat(wide.out()).contains("KV cache at 1024 positions");
        assertThat(wide.err()).contains("warning: a context of 1024 positions");
    }
}

package jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import jllm.testing.SharedData;

/** The commands over a Mamba model (the random-weight oracle folder): a recurrent state where a KV cache was. */
class MambaCommandsTest {
    private static String folder() {
        return SharedData.require("testdata/hf-models/mamba-base").toString();
    }

    @Test
    void chatKeepsAMultiTurnConversation() {
        CliRunner.Result r = CliRunner.runWithInput("Once upon a time\nAnd then?\nWhat next?\n/reset\nLily\n/quit\n",
                "chat", folder(), "-n", "8", "--temp", "0");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().strip().split("\n")).hasSizeGreaterThanOrEqualTo(4);
        assertThat(r.err()).contains("conversation cleared");
    }

    @Test
    void runAndInspect() {
        CliRunner.Result run = CliRunner.run("run", folder(), "-p", "Once upon a time", "-n", "8", "--temp", "0");
        assertThat(run.exit()).as(run.err()).isZero();
        CliRunner.Result inspect = CliRunner.run("inspect", folder());
        assertThat(inspect.exit()).as(inspect.err()).isZero();
        assertThat(inspect.out()).contains("architecture  mamba", "constant in sequence length", "no KV cache");
    }
}

package jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import jllm.SharedData;

/** jllm serve refuses unsafe binds; jllm serve-bench measures an in-process server. */
class ServeCommandTest {

    @Test
    void bindingBeyondLoopbackWithoutAKeyIsRefused() {
        String m = SharedData.require("testdata/models/stories260K/stories260K-Q8_0.gguf").toString();
        CliRunner.Result r = CliRunner.run("serve", m, "--host", "0.0.0.0", "--port", "0");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("--api-key");
    }

    @Test
    void serveBenchReportsEachConcurrency() {
        String m = SharedData.require("testdata/models/stories260K/stories260K-Q8_0.gguf").toString();
        CliRunner.Result r = CliRunner.run("serve-bench", m, "-n", "8", "--streams", "1,2", "-t", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).hasSize(2)
                .allSatisfy(l -> assertThat(l).contains("tokens/s=").contains("speedup="));
        assertThat(r.out()).contains("streams=1 ").contains("streams=2 ");
    }
}

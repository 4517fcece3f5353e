package jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import jllm.testing.SharedData;
import jllm.format.gguf.GgufFile;
import jllm.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jllm quantize} end to end on the shared F32 master. */
class QuantizeCommandTest {

    @Test
    void q4KMWritesTheMixWithLlamaCppsFileType(@TempDir Path tmp) throws Exception {
        Path master = SharedData.require("testdata/models/randllama-d256").resolve("randllama-d256-F32.gguf");
        Path out = tmp.resolve("m.gguf");
        CliRunner.Result r = CliRunner.run("quantize", master.toString(), out.toString(), "Q4_K_M");
        assertThat(r.exit()).as(r.err()).isZero();
        TrainCommandsTest.assertSameModeAsANewFile(out); // not 0600
        try (GgufFile f = GgufFile.open(out)) {
            assertThat(f.metadata().integer("general.file_type")).hasValue(15);
            assertThat(f.metadata().integer("general.quantization_version")).hasValue(2);
            assertThat(f.tensor("output.weight").type()).isEqualTo(GgmlType.Q6_K);
            assertThat(f.tensor("blk.0.attn_v.weight").type()).isEqualTo(GgmlType.Q4_K);
            assertThat(f.tensor("blk.1.ffn_down.weight").type()).isEqualTo(GgmlType.Q6_K);
            assertThat(f.tensor("blk.1.ffn_norm.weight").type()).isEqualTo(GgmlType.F32);
        }
    }

    @Test
    void unknownTypeIsAOneLineError(@TempDir Path tmp) {
        Path master = SharedData.require("testdata/models/randllama-d256").resolve("randllama-d256-F32.gguf");
        CliRunner.Result r = CliRunner.run("quantize", master.toString(), tmp.resolve("x.gguf").toString(), "Q9_9");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("Q9_9").contains("Q4_K_M").doesNotContain("Exception");
    }
}

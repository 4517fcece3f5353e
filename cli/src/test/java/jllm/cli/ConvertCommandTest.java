package jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import jllm.testing.SharedData;
import jllm.format.gguf.GgufFile;
import jllm.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jllm convert} end to end: a Hugging Face folder and a llama2.c checkpoint. */
class ConvertCommandTest {

    @Test
    void huggingFaceFolderBecomesARunnableGguf(@TempDir Path tmp) throws Exception {
        Path dir = SharedData.require("testdata/hf-models/llama-base");
        Path out = tmp.resolve("llama-base-Q8_0.gguf");
        CliRunner.Result r = CliRunner.run("convert", dir.toString(), out.toString(), "--type", "q8_0");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo(out.toString());
        TrainCommandsTest.assertSameModeAsANewFile(out); // not 0600
        try (GgufFile f = GgufFile.open(out)) {
            assertThat(f.metadata().integer("general.file_type")).hasValue(7);
            assertThat(f.tensor("token_embd.weight").type()).isEqualTo(GgmlType.Q8_0);
            assertThat(f.tensor("blk.0.attn_norm.weight").type()).isEqualTo(GgmlType.F32);
        }
        CliRunner.Result run = CliRunner.run("run", out.toString(), "-p", "Once upon a time", "-n", "4", "--temp", "0");
        assertThat(run.exit()).as(run.err()).isZero();
    }

    @Test
    void defaultTypeIsTheConvertersAuto(@TempDir Path tmp) {
        Path out = tmp.resolve("m.gguf");
        CliRunner.Result r = CliRunner.run("convert", SharedData.require("testdata/hf-models/qwen2-base").toString(), out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        try (GgufFile f = GgufFile.open(out)) {
            assertThat(f.metadata().integer("general.file_type")).as("F32 checkpoint: F16").hasValue(1);
        }
    }

    @Test
    void typesTheConverterDoesNotWriteAreAOneLineError(@TempDir Path tmp) {
        CliRunner.Result r = CliRunner.run("convert", SharedData.require("testdata/hf-models/llama-base").toString(),
                tmp.resolve("x.gguf").toString(), "--type", "Q4_K_M");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err().strip()).startsWith("jllm: ").contains("jllm quantize").doesNotContain("\tat ");
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(Files.exists(tmp.resolve("x.gguf"))).isFalse();
    }

    @Test
    void llama2cCheckpointStillConverts(@TempDir Path tmp) throws Exception {
        Path dir = SharedData.require("data/models/stories260K");
        Path out = tmp.resolve("stories260K.gguf");
        CliRunner.Result r = CliRunner.run("convert", dir.resolve("stories260K.bin").toString(), out.toString(),
                "--tokenizer", dir.resolve("tok512.bin").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        String expected = Files.readString(dir.resolve("expected-greedy.txt"));
        CliRunner.Result run = CliRunner.run("run", out.toString(), "-n", "256", "--temp", "0", "--ignore-eos");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out().strip()).isEqualTo(expected.strip());
    }
}

package jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZipCommandTest {
    private static final String MODEL = Path.of("..", "models", "builtin.gguf").toString();

    @TempDir
    Path dir;

    @Test
    void zipThenUnzipRestoresTheFile() throws Exception {
        Path in = dir.resolve("story.txt");
        byte[] data = ("Once upon a time, there was a little cat. The cat liked to play with a red ball.\n"
                + "One day the ball rolled away.\u00ff").getBytes(StandardCharsets.UTF_8);
        data[data.length - 1] = (byte) 0xFE; // and an invalid UTF-8 byte at the end
        Files.write(in, data);
        Path stats = dir.resolve("stats.html");
        CliRunner.Result zip = CliRunner.run("zip", "--model", MODEL, "-q", in.toString(), "--stats", stats.toString());
        assertThat(zip.exit()).as(zip.err()).isZero();
        assertThat(zip.out()).contains("bits per byte");
        assertThat(Files.readString(stats)).contains("<span class=b").contains("title=\"");
        Path jz = dir.resolve("story.txt.jz");
        assertThat(Files.size(jz)).isLessThan(data.length);

        Path out = dir.resolve("back.txt");
        CliRunner.Result unzip = CliRunner.run("unzip", "--model", MODEL, "-q", "-t", "1", jz.toString(), "-o", out.toString());
        assertThat(unzip.exit()).as(unzip.err()).isZero();
        assertThat(unzip.err()).contains("checksum ok");
        assertThat(Files.readAllBytes(out)).isEqualTo(data);

        CliRunner.Result again = CliRunner.run("unzip", "--model", MODEL, "-q", jz.toString(), "-o", out.toString());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("exists").contains("--force");
    }

    @Test
    void unzipRefusesAnotherModel() throws Exception {
        Path in = dir.resolve("a.txt");
        Files.writeString(in, "The dog ran to the park.");
        assertThat(CliRunner.run("zip", "--model", MODEL, "-q", in.toString()).exit()).isZero();
        Path other = dir.resolve("other.gguf");
        Files.write(other, Files.readAllBytes(Path.of(MODEL)));
        Files.write(other, new byte[]{0}, java.nio.file.StandardOpenOption.APPEND);
        CliRunner.Result r = CliRunner.run("unzip", "--model", other.toString(), dir.resolve("a.txt.jz").toString(),
                "-o", dir.resolve("b.txt").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("different model").contains("same model file");
        assertThat(dir.resolve("b.txt")).doesNotExist();
    }

    @Test
    void notAJzFile() throws Exception {
        Path bad = dir.resolve("bad.jz");
        Files.writeString(bad, "hello");
        CliRunner.Result r = CliRunner.run("unzip", "--model", MODEL, bad.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("not a jllm zip file");
    }

    @Test
    void benchPrintsATable() throws Exception {
        Path in = dir.resolve("b.txt");
        Files.writeString(in, "Lily and Ben played in the garden. They found a small bird.\n".repeat(5));
        CliRunner.Result r = CliRunner.run("zip", "--model", MODEL, "--bench", in.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("| file | bytes | jllm bpb").contains("| b.txt | 300 |");
    }
}

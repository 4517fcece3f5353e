package jllm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** I/O errors say what and where, in one line, whichever command meets them. */
class ErrorMessagesTest {
    @TempDir
    Path dir;

    private static void assertOneLine(CliRunner.Result r, String expected) {
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("jllm: " + expected);
    }

    @Test
    void aMissingFileIsNamedAsMissing() {
        Path missing = dir.resolve("nope.txt");
        assertOneLine(CliRunner.run("run", "-f", missing.toString()), "no such file: " + missing);
        assertOneLine(CliRunner.run("tokenize", "x", "-f", missing.toString()), "no such file: " + missing);
        assertOneLine(CliRunner.run("train", missing.toString(), "-o", dir.resolve("out").toString()), "no such file: " + missing);
        assertOneLine(CliRunner.run("zip", "--model", "../models/builtin.gguf", missing.toString()), "no such file: " + missing);
        assertOneLine(CliRunner.run("unzip", "--model", "../models/builtin.gguf", missing.toString(), "-o", dir.resolve("o").toString()),
                "no such file: " + missing);
    }

    @Test
    void aFolderWhereAFileBelongsSaysSo() {
        assertOneLine(CliRunner.run("run", "-f", dir.toString()), dir + " is a folder, expected a text file");
        assertOneLine(CliRunner.run("train", dir.toString(), "-o", dir.resolve("out").toString()),
                dir + " is a folder, expected a text or JSONL file");
        assertOneLine(CliRunner.run("sft", "../models/builtin.gguf", dir.toString(), "-o", dir.resolve("out").toString()),
                dir + " is a folder, expected a chat data file (JSONL, ShareGPT or Alpaca JSON)");
        assertOneLine(CliRunner.run("perplexity", "../models/builtin.gguf", dir.toString()), dir + " is a folder, expected a text file");
    }

    @Test
    void anOutputInAMissingFolderNamesTheFolderBeforeAnyWork() throws IOException {
        Path in = Files.writeString(dir.resolve("in.txt"), "Once upon a time");
        Path out = dir.resolve("nodir").resolve("out.jz");
        assertOneLine(CliRunner.run("zip", "--model", "../models/builtin.gguf", "-q", in.toString(), "-o", out.toString()),
                "no such folder: " + out.getParent() + " (for " + out + ")");
    }

    @Test
    void zipWithoutAModelOutsideTheJllmFolderNamesTheMissingBuiltInModel() throws IOException {
        // the tests run in cli/, where models/builtin.gguf is not, as with java -jar outside the jllm folder
        assertThat(System.getProperty("jllm.home")).isNull();
        Path in = Files.writeString(dir.resolve("in.txt"), "Once upon a time");
        CliRunner.Result r = CliRunner.run("zip", in.toString(), "-o", dir.resolve("out.jz").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("jllm: no model given, and the built-in model is missing: no ")
                .contains("builtin.gguf", "-Djllm.home=FOLDER", "give one with --model FILE");
        CliRunner.Result run = CliRunner.run("run", "-p", "x");
        assertThat(run.err()).contains("built-in model is missing", "as MODEL");
    }

    @Test
    void wrappedAndBareFileSystemErrorsAreWorded() {
        Path f = dir.resolve("a.txt");
        assertThat(Errors.message(new UncheckedIOException("reading " + f + ": " + f, new NoSuchFileException(f.toString()))))
                .isEqualTo("no such file: " + f);
        assertThat(Errors.message(new AccessDeniedException(f.toString()))).isEqualTo("permission denied: " + f);
        assertThat(Errors.message(new FileSystemException(dir.toString(), null, "Is a directory")))
                .isEqualTo(dir + " is a folder, expected a file");
        assertThat(Errors.message(new FileSystemException(f.toString(), null, "Read-only file system")))
                .isEqualTo(f + ": Read-only file system");
        assertThat(Errors.message(new IllegalArgumentException("plain"))).isEqualTo("plain");
        assertThat(Errors.message(new IllegalStateException())).isEqualTo("IllegalStateException");
    }

    @Test
    void aGgufThatIsNotOneIsNamedWithItsFirstBytes() throws IOException {
        Path zip = Files.write(dir.resolve("x.gguf"), new byte[]{0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        CliRunner.Result r = CliRunner.run("run", zip.toString(), "-p", "x");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err().strip()).isEqualTo("jllm: " + zip + ": magic: not a GGUF file (it starts with 50 4b 03 04 14 00 00 00 "
                + "\"PK......\", expected \"GGUF\")");
    }

    @Test
    void notUtf8TextIsRefusedInWords() throws IOException {
        Path bin = Files.write(dir.resolve("bytes.txt"), new byte[]{'a', (byte) 0xff, (byte) 0xfe});
        assertOneLine(CliRunner.run("run", "-f", bin.toString()), bin + " is not UTF-8 text, expected a text file");
    }
}

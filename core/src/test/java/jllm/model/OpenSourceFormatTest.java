package jllm.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import jllm.testing.SharedData;
import jllm.format.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@link LoadedModel#openSource} picks a format: a file of another kind is named as such, with its
 * first bytes, instead of being read as a llama2.c header of absurd sizes.
 */
class OpenSourceFormatTest {
    @TempDir
    Path dir;

    private String refusal(Path p) {
        Throwable e = catchThrowable(() -> LoadedModel.openSource(p).close());
        assertThat(e).as(p.toString()).isInstanceOf(ModelFormatException.class);
        return e.getMessage();
    }

    @Test
    void aGgufNameWithoutTheMagicIsNotAGgufFile() throws IOException {
        Path zip = Files.write(dir.resolve("x.gguf"), new byte[]{0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0x08, 0, 1, 2, 3, 4, 5, 6, 7, 8,
                9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22});
        assertThat(refusal(zip)).isEqualTo(zip + ": magic: not a GGUF file (it starts with 50 4b 03 04 14 00 08 00 \"PK......\", "
                + "expected \"GGUF\")");
        // what llama2.c would have read: dim -1283946945 and the like
        Path random = Files.write(dir.resolve("y.GGUF"), new byte[]{0x3f, (byte) 0xb1, 0x78, (byte) 0xb3, 1, 2, 3, 4, 5, 6, 7, 8,
                9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28});
        assertThat(refusal(random)).contains("not a GGUF file (it starts with 3f b1 78 b3 01 02 03 04 \"?.x.....\"")
                .doesNotContain("llama2.c", "dim");
        Path empty = Files.write(dir.resolve("empty.gguf"), new byte[0]);
        assertThat(refusal(empty)).isEqualTo(empty + ": magic: not a GGUF file (it is empty, expected \"GGUF\")");
    }

    @Test
    void commonMistakesGetAHint() throws IOException {
        Path lfs = Files.writeString(dir.resolve("model.gguf"), "version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 12\n");
        assertThat(refusal(lfs)).contains("\"version \"", "Git LFS pointer", "git lfs pull");
        Path html = Files.writeString(dir.resolve("page.gguf"), "<!DOCTYPE html><html><body>Hugging Face</body></html>");
        assertThat(refusal(html)).contains("web page", "resolve");
    }

    @Test
    void aFileOfNoKnownKindIsNotReadAsLlama2c() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.bin"), "Hello, this is a text file and not a model at all.\n",
                StandardCharsets.UTF_8);
        assertThat(refusal(text)).isEqualTo(text + ": not a model file jllm reads (it starts with 48 65 6c 6c 6f 2c 20 74 "
                + "\"Hello, t\"; expected a GGUF file, a llama2.c checkpoint, or a safetensors file or folder)");
        Path tiny = Files.write(dir.resolve("tiny.bin"), new byte[]{1, 0, 0, 0});
        assertThat(refusal(tiny)).contains("not a model file jllm reads (it starts with 01 00 00 00");
    }

    @Test
    void aPlausibleLlama2cHeaderStillGoesToTheLlama2cReader() throws IOException {
        // 7 small sizes and nothing after them: the llama2.c reader's own message, about its layout
        ByteBuffer b = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : new int[]{64, 172, 5, 8, 4, 512, 512}) {
            b.putInt(v);
        }
        Path p = Files.write(dir.resolve("model.bin"), b.array());
        assertThatThrownBy(() -> LoadedModel.openSource(p)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("a llama2.c size matching no layout");
    }

    @Test
    void theRealFormatsStillOpen() {
        try (ModelSource s = LoadedModel.openSource(SharedData.require("data/models/stories260K/stories260K.bin"))) {
            assertThat(s.format()).isEqualTo("llama2c");
        }
        try (ModelSource s = LoadedModel.openSource(SharedData.require("testdata/models/stories260K/stories260K-F32.gguf"))) {
            assertThat(s.format()).isEqualTo("gguf");
        }
    }
}

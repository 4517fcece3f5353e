package jllm.format.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jllm.testing.SharedData;
import jllm.tensor.GgmlType;
import jllm.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufFileTest {

    @Test
    void readsStories260kF32() {
        Path p = SharedData.require("testdata/models/stories260K/stories260K-F32.gguf");
        try (GgufFile f = GgufFile.open(p)) {
            assertThat(f.version()).isEqualTo(3);
            assertThat(f.metadata().string("general.architecture")).contains("llama");
            assertThat(f.metadata().integer("llama.embedding_length")).hasValue(64);
            assertThat(f.metadata().stringArray("tokenizer.ggml.tokens").orElseThrow()).hasSize(512);
            assertThat(f.tensorInfos()).hasSize(48);
            Tensor t = f.tensor("blk.0.ffn_down.weight");
            assertThat(t.type()).isEqualTo(GgmlType.F32);
            assertThat(t.cols()).isEqualTo(172);
            assertThat(t.rows()).isEqualTo(64);
        }
    }

    @Test
    void readsVocabOnlyFileWithoutDataSection() {
        Path p = SharedData.require("testdata/tokenizer/ggml-vocab-gpt-2.gguf");
        try (GgufFile f = GgufFile.open(p)) {
            assertThat(f.tensorInfos()).isEmpty();
            assertThat(f.metadata().string("tokenizer.ggml.model")).contains("gpt2");
            assertThat(f.metadata().stringArray("tokenizer.ggml.merges").orElseThrow()).hasSize(50000);
        }
    }

    @Test
    void stringArraysReadTheSameAfterTheFileIsClosed(@TempDir Path dir) throws Exception {
        // string arrays are decoded when read: they must not depend on the mapping staying open
        Path p = dir.resolve("strings.gguf");
        List<String> written = List.of("", "a", "Ġt", "日本", "x".repeat(300), "<|end|>");
        Files.write(p, GgufWriter.builder().putStringArray("words", written).toByteArray());
        List<String> read;
        try (GgufFile f = GgufFile.open(p)) {
            read = f.metadata().stringArray("words").orElseThrow();
            assertThat(read.get(3)).isEqualTo("日本"); // one decoded while open, the rest after
        }
        assertThat(read).containsExactlyElementsOf(written).isEqualTo(written);
        assertThat(read.hashCode()).isEqualTo(written.hashCode());
        assertThatThrownBy(() -> read.get(6)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> read.set(0, "b")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void malformedUtf8InAStringArrayReadsAsReplacementCharacters() {
        byte[] bytes = GgufBytes.header(0, 1).str("k").u32(GgufValueType.ARRAY.id).u32(GgufValueType.STRING.id).u64(2)
                .u64(2).u8(0xC3).u8(0x28).u64(1).u8('z').bytes();
        GgufFile f = GgufFile.read("bad-utf8.gguf", MemorySegment.ofArray(bytes), jllm.format.ReadLimits.DEFAULT);
        assertThat(f.metadata().stringArray("k").orElseThrow()).containsExactly("\uFFFD(", "z");
    }
}

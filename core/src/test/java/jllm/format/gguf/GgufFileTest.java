package jllm.format.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import jllm.testing.SharedData;
import jllm.tensor.GgmlType;
import jllm.tensor.Tensor;
import org.junit.jupiter.api.Test;

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
}

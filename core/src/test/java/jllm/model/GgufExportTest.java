package jllm.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;

import jllm.testing.SharedData;
import jllm.format.gguf.GgufFile;
import jllm.format.gguf.GgufTensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Converting the llama2.c checkpoint gives what llama.cpp's own converter wrote. */
class GgufExportTest {

    @Test
    void llama2cConversionMatchesLlamaCppConverter(@TempDir Path tmp) {
        Path dir = SharedData.require("data/models/stories260K");
        Path out = tmp.resolve("stories260K.gguf");
        try (ModelSource src = ModelSources.llama2c(dir.resolve("stories260K.bin"))) {
            GgufExport.write(src, Optional.of(GgufExport.llama2cVocabulary(dir.resolve("tok512.bin"), 512)), Optional.empty(), out);
        }
        try (GgufFile got = GgufFile.open(out);
             GgufFile ref = GgufFile.open(SharedData.require("testdata/models/stories260K/stories260K-F32.gguf"))) {
            for (String key : new String[]{"tokenizer.ggml.tokens", "tokenizer.ggml.scores", "tokenizer.ggml.token_type",
                    "tokenizer.ggml.model", "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
                    "llama.embedding_length", "llama.block_count", "llama.attention.head_count_kv"}) {
                assertThat(got.metadata().get(key)).as(key).isEqualTo(ref.metadata().get(key));
            }
            assertThat(got.tensorInfos()).hasSize(ref.tensorInfos().size() - 1); // llama.cpp also wrote a copy as output.weight
            for (GgufTensorInfo info : got.tensorInfos()) {
                assertThat(got.tensor(info).data().mismatch(ref.tensor(info.name()).data())).as(info.name()).isEqualTo(-1L);
            }
        }
    }
}

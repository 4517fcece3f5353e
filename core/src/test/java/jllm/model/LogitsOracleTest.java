package jllm.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import jllm.testing.SharedData;
import jllm.kernel.Kernels;
import org.junit.jupiter.api.Test;

class LogitsOracleTest {

    @Test
    void stories260kF32MatchesF32KvReference() throws Exception {
        Path dir = SharedData.require("testdata/models/stories260K");
        Lgts ref = Lgts.read(dir.resolve("stories260K-F32.long.kvf32.lgts"));
        try (ModelSource src = ModelSources.gguf(dir.resolve("stories260K-F32.gguf")); Kernels k = Kernels.scalar()) {
            LanguageModel m = Architectures.forSource(src).load(src, k);
            float[] got = m.forward(m.newCache(128, KvCache.Type.F32), ref.tokens(), LanguageModel.Logits.ALL);
            double max = 0;
            for (int i = 0; i < got.length; i++) {
                max = Math.max(max, Math.abs(got[i] - ref.logits()[i]));
            }
            System.out.println("max abs " + max);
            assertThat(max).isLessThan(1e-3);
        }
    }

    @Test
    void stories260kF32WithF16CacheMatchesDefaultReference() throws Exception {
        Path dir = SharedData.require("testdata/models/stories260K");
        Lgts ref = Lgts.read(dir.resolve("stories260K-F32.long.lgts"));
        try (ModelSource src = ModelSources.gguf(dir.resolve("stories260K-F32.gguf")); Kernels k = Kernels.scalar()) {
            LanguageModel m = Architectures.forSource(src).load(src, k);
            float[] got = m.forward(m.newCache(128), ref.tokens(), LanguageModel.Logits.ALL);
            double max = 0;
            for (int i = 0; i < got.length; i++) {
                max = Math.max(max, Math.abs(got[i] - ref.logits()[i]));
            }
            System.out.println("f16 max abs " + max);
            assertThat(max).isLessThan(1e-2);
        }
    }
}

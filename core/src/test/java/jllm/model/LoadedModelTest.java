package jllm.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;

import jllm.testing.SharedData;
import org.junit.jupiter.api.Test;

/** Loading options: the kernel warm-up is only about when code gets compiled, never about results. */
class LoadedModelTest {

    @Test
    void withOrWithoutTheWarmUpTheModelComputesTheSame() {
        Path p = SharedData.require("testdata/models/stories260K/stories260K-Q8_0.gguf");
        LoadedModel.Options with = new LoadedModel.Options(Optional.empty(), 2);
        assertThat(with.warmUp()).isTrue();
        assertThat(LoadedModel.Options.DEFAULT.warmUp()).isTrue();
        LoadedModel.Options without = with.withoutWarmUp();
        assertThat(without.warmUp()).isFalse();
        assertThat(without.threads()).isEqualTo(2);
        // 9 tokens: the prompt goes through the batched GEMM as well as the row dots of decoding
        int[] prompt = {1, 5, 9, 13, 2, 7, 8, 11, 12};
        float[][] logits = new float[2][];
        int i = 0;
        for (LoadedModel.Options o : new LoadedModel.Options[] {with, without}) {
            try (LoadedModel m = LoadedModel.open(p, o)) {
                KvCache cache = m.model().newCache(16);
                m.model().forward(cache, prompt, LanguageModel.Logits.LAST);
                logits[i++] = m.model().forward(cache, new int[] {21}, LanguageModel.Logits.LAST);
            }
        }
        assertThat(logits[1]).containsExactly(logits[0]);
    }
}

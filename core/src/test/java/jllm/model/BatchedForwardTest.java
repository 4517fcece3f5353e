package jllm.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jllm.testing.SharedData;
import jllm.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A decode step of several sequences in one forward call (rows in different caches at different
 * positions) gives exactly the logits of one forward call per sequence; hidden states are what the
 * classifier reads.
 */
class BatchedForwardTest {

    @ParameterizedTest
    @ValueSource(strings = {"stories260K/stories260K-Q8_0.gguf", "randqwen2-d256/randqwen2-d256-Q8_0.gguf",
            "stories260K/stories260K-F32.gguf"})
    void batchedStepEqualsOneForwardPerSequence(String file) {
        Path p = SharedData.require("testdata/models/" + file);
        try (LoadedModel m = LoadedModel.open(p, new LoadedModel.Options(Optional.empty(), 2))) {
            LanguageModel model = m.model();
            int[][] prompts = {{1, 5, 9, 13, 2}, {1, 7}, {1, 3, 4, 5, 6, 8, 10, 11, 12}};
            int[] next = {17, 21, 30};
            KvCache[] batched = new KvCache[3];
            KvCache[] single = new KvCache[3];
            for (int s = 0; s < 3; s++) {
                batched[s] = model.newCache(64);
                single[s] = model.newCache(64);
                model.forward(batched[s], prompts[s], LanguageModel.Logits.LAST);
                model.forward(single[s], prompts[s], LanguageModel.Logits.LAST);
            }
            int vocab = model.info().vocabSize();
            for (int step = 0; step < 3; step++) {
                float[] all = model.forwardBatch(List.of(batched), next);
                assertThat(all).hasSize(3 * vocab);
                for (int s = 0; s < 3; s++) {
                    float[] one = model.forward(single[s], new int[]{next[s]}, LanguageModel.Logits.LAST);
                    assertThat(Arrays.copyOfRange(all, s * vocab, (s + 1) * vocab)).as("sequence %d step %d", s, step).containsExactly(one);
                    assertThat(batched[s].length()).isEqualTo(single[s].length());
                    next[s] = HfModelsOracleTest.argmax(one);
                }
            }
            assertThatThrownBy(() -> model.forwardBatch(List.of(batched[0], batched[0]), new int[]{1, 2}))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    /**
     * Each row's arithmetic depends on its path only: below Kernels' GEMM threshold (8 rows) every row is
     * a row dot, from it on every row of a quantized matmul is a GEMM row. So a call mixing a decode step
     * and prompt pieces (6 rows in all) equals one call per sequence, and so does a call of three prompt
     * pieces of 8 tokens (24 rows; each sequence alone is 8 rows, also the GEMM).
     */
    @ParameterizedTest
    @ValueSource(strings = {"stories260K/stories260K-Q8_0.gguf", "randqwen2-d256/randqwen2-d256-Q8_0.gguf",
            "stories260K/stories260K-Q4_0.gguf"})
    void promptPiecesAndDecodeStepsShareOneCall(String file) {
        Path p = SharedData.require("testdata/models/" + file);
        try (LoadedModel m = LoadedModel.open(p, new LoadedModel.Options(Optional.empty(), 2))) {
            LanguageModel model = m.model();
            // a sequence decoding, one starting its prompt, one continuing its prompt
            int[][] before = {{1, 5, 9}, {}, {1, 3, 4}};
            int[][][] cases = {
                    {{13}, {1, 7, 8}, {5, 6}},
                    {{13, 14, 15, 16, 17, 18, 19, 20}, {1, 7, 8, 2, 6, 9, 10, 11}, {5, 6, 8, 10, 12, 14, 16, 18}}};
            for (int[][] now : cases) {
                KvCache[] batched = new KvCache[3];
                float[][] expected = new float[3][];
                for (int s = 0; s < 3; s++) {
                    batched[s] = model.newCache(32);
                    KvCache single = model.newCache(32);
                    if (before[s].length > 0) {
                        model.forward(batched[s], before[s], LanguageModel.Logits.LAST);
                        model.forward(single, before[s], LanguageModel.Logits.LAST);
                    }
                    expected[s] = model.forward(single, now[s], LanguageModel.Logits.LAST);
                }
                float[] all = model.forwardBatch(List.of(batched), List.of(now));
                int vocab = model.info().vocabSize();
                for (int s = 0; s < 3; s++) {
                    assertThat(Arrays.copyOfRange(all, s * vocab, (s + 1) * vocab)).as("%d rows, sequence %d",
                            now[0].length + now[1].length + now[2].length, s).containsExactly(expected[s]);
                    assertThat(batched[s].length()).isEqualTo(before[s].length + now[s].length);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260K/stories260K-F32.gguf", "randqwen2-d256/randqwen2-d256-Q8_0.gguf"})
    void hiddenStatesAreWhatTheClassifierReads(String file) {
        Path p = SharedData.require("testdata/models/" + file);
        try (LoadedModel m = LoadedModel.open(p, new LoadedModel.Options(Optional.empty(), 1))) {
            LanguageModel model = m.model();
            int[] tokens = {1, 5, 9, 13};
            int dim = model.info().dim();
            float[] hidden = model.hiddenStates(model.newCache(16), tokens);
            assertThat(hidden).hasSize(tokens.length * dim);
            float[] logits = model.forward(model.newCache(16), tokens, LanguageModel.Logits.ALL);
            Tensor classifier = m.source().optionalTensor("output.weight").orElseGet(() -> m.source().tensor("token_embd.weight"));
            float[] fromHidden = new float[tokens.length * model.info().vocabSize()];
            m.kernels().matmul(fromHidden, classifier, hidden, tokens.length);
            assertThat(fromHidden).containsExactly(logits);
        }
    }
}

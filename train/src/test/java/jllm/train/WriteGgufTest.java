package jllm.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Random;

import jllm.kernel.Dense;
import jllm.kernel.Kernels;
import jllm.model.Architectures;
import jllm.model.KvCache;
import jllm.model.LanguageModel;
import jllm.model.ModelSource;
import jllm.model.ModelSources;
import jllm.model.llama.LlamaConfig;
import jllm.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trained weights written as GGUF load in jllm's inference engine (the llama family on Transformer) (via ModelSources.gguf and
 * Architectures) and give the training forward pass's logits, for every position, with grouped-query
 * heads, tied and untied classifiers. Matrices are written in the type asked for, with ggml's file type.
 */
class WriteGgufTest {

    @TempDir
    Path dir;

    @Test
    void inferenceLogitsEqualTrainingLogits() {
        for (boolean tied : new boolean[]{true, false}) {
            LlamaConfig c = TinyModels.config(64, 96, 2, 4, 2, 37, 32);
            LlamaParams params = new LlamaParams(c, tied).initialize(21);
            Random rnd = new Random(5);
            // weights far from the tiny init so every layer moves the logits
            for (Param p : params.all()) {
                for (int i = 0; i < p.size(); i++) {
                    p.value()[i] = p.decay() ? (float) (rnd.nextGaussian() * 0.2) : 1f + (float) (rnd.nextGaussian() * 0.1);
                }
            }
            int seqLen = 20;
            int[] tokens = new int[seqLen];
            for (int i = 0; i < seqLen; i++) {
                tokens[i] = rnd.nextInt(c.vocabSize());
            }
            float[] expected;
            try (Dense dense = Dense.vector(2)) {
                expected = new TrainableLlama(params, dense).forward(tokens, 1, seqLen).clone();
            }
            Path file = dir.resolve("tiny-" + tied + ".gguf");
            params.writeGguf(file, charTokenizer(c.vocabSize()), "test", GgmlType.F32);
            try (ModelSource source = ModelSources.gguf(file); Kernels kernels = Kernels.vector(2)) {
                assertThat(source.metadata().string("general.architecture")).contains("llama");
                assertThat(source.optionalTensor("output.weight").isPresent()).isEqualTo(!tied);
                LanguageModel model = Architectures.forSource(source).load(source, kernels);
                assertThat(model.info().vocabSize()).isEqualTo(c.vocabSize());
                float[] got = model.forward(model.newCache(seqLen, KvCache.Type.F32), tokens, LanguageModel.Logits.ALL);
                assertThat(got).hasSameSizeAs(expected);
                double maxDiff = 0, maxAbs = 0;
                for (int i = 0; i < got.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(got[i] - expected[i]));
                    maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
                }
                System.out.printf("tied=%s: max |inference - training| logit %.3g (max |logit| %.3g)%n", tied, maxDiff, maxAbs);
                // only the order of float additions differs (fma chains vs 4 x 16-lane partial sums)
                assertThat(maxAbs).isGreaterThan(0.5);
                assertThat(maxDiff).as("max |inference - training| logit, tied=%s", tied).isLessThan(2e-5 * maxAbs);
            }
        }
    }

    @Test
    void matricesAreStoredInTheTypeAskedForAndNormsStayF32() {
        LlamaParams params = new LlamaParams(TinyModels.config(64, 96, 1, 2, 1, 40, 32), true).initialize(3);
        for (GgmlType type : new GgmlType[]{GgmlType.F16, GgmlType.Q8_0}) {
            Path file = dir.resolve(type + ".gguf");
            params.writeGguf(file, charTokenizer(40), "typed", type);
            try (ModelSource source = ModelSources.gguf(file)) {
                assertThat(source.metadata().integer("general.file_type").orElseThrow()).isEqualTo(type == GgmlType.F16 ? 1 : 7);
                assertThat(source.tensor("token_embd.weight").type()).isEqualTo(type);
                assertThat(source.tensor("blk.0.ffn_down.weight").type()).isEqualTo(type);
                assertThat(source.tensor("blk.0.attn_norm.weight").type()).isEqualTo(GgmlType.F32);
                assertThat(source.tensor("output_norm.weight").type()).isEqualTo(GgmlType.F32);
            }
        }
    }

    private static GgufTokenizer charTokenizer(int size) {
        char[] chars = new char[size];
        for (int i = 0; i < size; i++) {
            chars[i] = (char) ('A' + i);
        }
        return GgufTokenizer.ofChars(new CharVocabulary(chars));
    }
}

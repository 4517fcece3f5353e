package jllm.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.Random;

import jllm.eval.Perplexity;
import jllm.kernel.Dense;
import jllm.kernel.Kernels;
import jllm.model.Architectures;
import jllm.model.LanguageModel;
import jllm.model.ModelSource;
import jllm.model.ModelSources;
import jllm.model.llama.LlamaConfig;
import jllm.tensor.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training side's perplexity-style loss ({@link Trainer#evaluateChunks}) equals the log of eval's
 * {@link Perplexity} on the exported model: same chunks, same BOS replacement, same scored half. The
 * only difference is inference's F16 KV cache, which llama-perplexity also uses.
 */
class PerplexityAgreementTest {
    @TempDir
    Path dir;

    @Test
    void lossAndPerplexityAgree() {
        LlamaConfig c = TinyModels.config(64, 96, 2, 4, 2, 50, 32);
        LlamaParams params = new LlamaParams(c, true).initialize(3);
        Random rnd = new Random(9);
        for (Param p : params.all()) {
            for (int i = 0; i < p.size(); i++) {
                p.value()[i] = p.decay() ? (float) (rnd.nextGaussian() * 0.15) : 1f;
            }
        }
        int[] tokens = new int[4 * 32 + 5];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rnd.nextInt(c.vocabSize());
        }
        double loss;
        TrainSettings s = new TrainSettings(1, 32, 0, 1, new LrSchedule(1e-3f, 1e-4f, 0, 1),
                new AdamW.Settings(0.9f, 0.99f, 1e-8f, 0f), 1f, 0, 1, 1);
        try (Dense dense = Dense.vector(2)) {
            loss = new Trainer(params, dense, s).evaluateChunks(TokenSequence.of(tokens), 32, 0);
        }
        Path file = dir.resolve("m.gguf");
        char[] chars = new char[c.vocabSize()];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) ('0' + i);
        }
        params.writeGguf(file, GgufTokenizer.ofChars(new CharVocabulary(chars)), "ppl", GgmlType.F32);
        try (ModelSource src = ModelSources.gguf(file); Kernels k = Kernels.vector(2)) {
            LanguageModel m = Architectures.forSource(src).load(src, k);
            Perplexity.Result r = Perplexity.compute(m, tokens, 32, OptionalInt.of(0), chunk -> { });
            System.out.printf("training-forward chunk loss %.6f, ln(eval PPL) %.6f%n", loss, Math.log(r.ppl()));
            assertThat(Math.log(r.ppl())).isCloseTo(loss, org.assertj.core.data.Offset.offset(1e-3));
        }
    }
}

package jllm.train.examples;

import java.nio.file.Path;
import java.util.OptionalInt;
import jllm.eval.Perplexity;
import jllm.kernel.Dense;
import jllm.kernel.Kernels;
import jllm.model.Architectures;
import jllm.model.LanguageModel;
import jllm.model.ModelSource;
import jllm.model.ModelSources;
import jllm.train.AdamW;
import jllm.train.GgufImport;
import jllm.train.LrSchedule;
import jllm.train.TokenFile;
import jllm.train.TokenSequence;
import jllm.train.TrainSettings;
import jllm.train.Trainer;

/** Validation loss vs eval Perplexity on a pretraining run folder: {@code PerplexityCheck <runDir> <ctx>}. A program, not a test. */
public final class PerplexityCheck {
    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a[0]);
        int ctx = Integer.parseInt(a[1]);
        try (TokenFile tokens = TokenFile.open(dir.resolve("tokens.bin"))) {
            long valStart = (long) (tokens.length() * 0.9);
            TokenSequence val = tokens.slice(valStart, tokens.length());
            int[] v = new int[(int) val.length()];
            val.copy(0, v, 0, v.length);
            GgufImport.Loaded m = GgufImport.load(dir.resolve("model.gguf"));
            TrainSettings s = new TrainSettings(8, ctx, 0, 1, new LrSchedule(1e-3f, 1e-4f, 0, 1), new AdamW.Settings(0.9f, 0.99f, 1e-8f, 0f), 1f, 0, 1, 1);
            double all, chunks;
            try (Dense d = Dense.vector(1)) {
                Trainer t = new Trainer(m.params(), d, s);
                all = t.evaluateAll(val);
                chunks = t.evaluateChunks(val, ctx, 0);
            }
            try (ModelSource src = ModelSources.gguf(dir.resolve("model.gguf")); Kernels k = Kernels.vector(1)) {
                LanguageModel lm = Architectures.forSource(src).load(src, k);
                Perplexity.Result r = Perplexity.compute(lm, v, ctx, OptionalInt.of(0), c -> {});
                System.out.printf("val tokens %d; validation loss (all positions, windows of %d) %.4f; llama-perplexity-style loss by the training forward %.5f (PPL %.3f); eval Perplexity PPL %.3f +/- %.3f, ln PPL %.5f%n",
                        v.length, ctx, all, chunks, Math.exp(chunks), r.ppl(), r.error(), Math.log(r.ppl()));
            }
        }
    }
}

package jllm.train.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import jllm.kernel.Dense;
import jllm.model.blocks.Rope;
import jllm.model.llama.LlamaConfig;
import jllm.train.CharVocabulary;
import jllm.train.LlamaParams;
import jllm.train.ProgressListener;
import jllm.train.TokenSequence;
import jllm.train.TrainSettings;
import jllm.train.Trainer;

/**
 * nanoGPT's shakespeare-char CPU recipe (4 layers, 4 heads, dim 128, context 64, batch 12, 2000 steps,
 * lr 1e-3, no dropout, 90/10 split), as a program: {@code ShakespeareChar <input.txt> [steps] [threads]}.
 * Prints each step's loss and speed and the validation losses (this is a program, not library code).
 */
public final class ShakespeareChar {
    public static void main(String[] args) throws Exception {
        String text = Files.readString(Path.of(args[0]));
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        CharVocabulary vocab = CharVocabulary.of(text);
        int[] ids = vocab.encode(text);
        int split = (int) (ids.length * 0.9);
        TokenSequence train = TokenSequence.of(Arrays.copyOf(ids, split));
        TokenSequence val = TokenSequence.of(Arrays.copyOfRange(ids, split, ids.length));
        LlamaConfig c = new LlamaConfig(128, 352, 4, 4, 4, 32, vocab.size(), 64, 1e-5f, 10000f, 32, Rope.Style.NORM);
        TrainSettings s = TrainSettings.nanoGptShakespeareCpu();
        if (steps != s.steps()) {
            s = s.withSteps(steps);
        }
        LlamaParams params = new LlamaParams(c, true).initialize(s.seed());
        System.out.printf("%s%nparams %d, %s%n", c, params.count(), s);
        long t0 = System.nanoTime();
        try (Dense dense = Dense.vector(threads)) {
            Trainer trainer = new Trainer(params, dense, s);
            long[] tokens = {0};
            trainer.run(train, val, new ProgressListener() {
                @Override
                public void onStep(Step st) {
                    tokens[0] += 12L * 64;
                    if (st.step() % 10 == 0 || st.step() <= 3) {
                        System.out.printf(Locale.ROOT, "step %d/%d loss %.4f lr %.2e norm %.3f %.0f tok/s (avg %.0f) eta %.0fs%n",
                                st.step(), st.steps(), st.loss(), st.lr(), st.gradNorm(), st.tokensPerSecond(),
                                tokens[0] / ((System.nanoTime() - t0) / 1e9), st.etaSeconds());
                    }
                }

                @Override
                public void onEval(Eval e) {
                    System.out.printf(Locale.ROOT, "step %d: train loss %.4f, val loss %.4f (20 batches)%n", e.step(), e.trainLoss(), e.valLoss());
                }
            });
            double wall = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "training wall time %.1f s, %.0f tokens/s%n", wall, tokens[0] / wall);
            System.out.printf(Locale.ROOT, "full validation loss %.4f (every position of %d windows)%n",
                    trainer.evaluateAll(val), (val.length() - 1) / 64);
        }
    }
}

package jllm.train.scale;

import java.nio.file.Path;
import java.util.List;

/**
 * How a sweep trains (the nanoGPT-style recipe every run shares) and where it writes.
 *
 * @param inputs    the corpus (text or JSONL files); one BPE tokenizer is learned from it once
 * @param outDir    the sweep's folder: tokenizer, tokens, plan, one JSON per finished run, scaling.json, plots
 * @param vocabSize BPE vocabulary size
 * @param batch     sequences per step
 * @param seqLen    tokens per sequence (the models' context)
 * @param lr        peak learning rate at width 128 (see {@link #peakLr})
 * @param threads   threads for the dense kernels
 * @param seed      initialization and batch order, the same for every run
 * @param bootstrap resamples for the intervals
 */
public record SweepConfig(List<Path> inputs, Path outDir, int vocabSize, int batch, int seqLen, float lr, int threads,
                          long seed, int bootstrap) {

    public SweepConfig {
        inputs = List.copyOf(inputs);
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no corpus given");
        }
        if (batch < 1 || seqLen < 2 || !(lr > 0) || threads < 1 || bootstrap < 0) {
            throw new IllegalArgumentException("invalid sweep settings: " + this);
        }
    }

    /**
     * The defaults of {@code jllm scale}: vocabulary 1024, batch 8 x 64 tokens, lr 3e-3 (nanoGPT's 1e-3 left
     * the sweep's short runs undertrained: on 50k tokens 32x1 reached 5.81 at 1e-3 and 5.55 at 3e-3, 96x4
     * 5.53 and 5.26), 200 bootstrap resamples.
     */
    public static SweepConfig defaults(List<Path> inputs, Path outDir, int threads) {
        return new SweepConfig(inputs, outDir, 1024, 8, 64, 3e-3f, threads, 1337, 200);
    }

    /** Tokens per step. */
    public int batchTokens() {
        return batch * seqLen;
    }

    /**
     * The peak learning rate of a model of width {@code dim}: {@code lr} at width 128, scaled by sqrt(128 / dim) (narrow models take larger steps); warmup min(100, steps/10),
     * cosine to a tenth.
     */
    public float peakLr(int dim) {
        return (float) (lr * Math.sqrt(128.0 / dim));
    }
}

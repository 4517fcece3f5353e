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
 * @param threads   threads for the dense kernels
 * @param seed      initialization and batch order, the same for every run
 * @param bootstrap resamples for the intervals
 */
public record SweepConfig(List<Path> inputs, Path outDir, int vocabSize, int batch, int seqLen, int threads, long seed,
                          int bootstrap) {

    public SweepConfig {
        inputs = List.copyOf(inputs);
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no corpus given");
        }
        if (batch < 1 || seqLen < 2 || threads < 1 || bootstrap < 0) {
            throw new IllegalArgumentException("invalid sweep settings: " + this);
        }
    }

    /** The defaults of {@code jllm scale}: vocabulary 1024, batch 8 x 64 tokens, 200 bootstrap resamples. */
    public static SweepConfig defaults(List<Path> inputs, Path outDir, int threads) {
        return new SweepConfig(inputs, outDir, 1024, 8, 64, threads, 1337, 200);
    }

    /** Tokens per step. */
    public int batchTokens() {
        return batch * seqLen;
    }

    /**
     * The peak learning rate of a model of width {@code dim}: nanoGPT's 1e-3 at width 128, scaled by
     * sqrt(128 / dim) (narrow models take larger steps), warmup min(100, steps/10), cosine to a tenth.
     */
    public static float peakLr(int dim) {
        return (float) (1e-3 * Math.sqrt(128.0 / dim));
    }
}

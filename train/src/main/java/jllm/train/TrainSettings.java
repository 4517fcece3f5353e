package jllm.train;

/**
 * How to train: batch shape, steps, optimizer and schedule, clipping, accumulation, evaluation. Prints
 * itself (record toString) into logs and manifests.
 *
 * @param batch          sequences per micro-batch
 * @param seqLen         tokens per sequence (at most the model's context length)
 * @param steps          optimizer steps
 * @param accumSteps     micro-batches whose gradients are summed before each step
 * @param schedule       learning rate per step
 * @param adamW          optimizer hyperparameters
 * @param gradClip       maximum global gradient norm (0 = no clipping)
 * @param evalEvery      steps between validation losses (0 = only at the end)
 * @param evalBatches    random validation batches per validation loss
 * @param seed           seeds initialization and batch sampling (batches depend only on seed and step)
 */
public record TrainSettings(int batch, int seqLen, int steps, int accumSteps, LrSchedule schedule,
                            AdamW.Settings adamW, float gradClip, int evalEvery, int evalBatches, long seed) {

    public TrainSettings {
        if (batch < 1 || seqLen < 2 || steps < 0 || accumSteps < 1 || evalBatches < 1) {
            throw new IllegalArgumentException("invalid training settings: " + this);
        }
    }

    /**
     * nanoGPT's shakespeare-char CPU recipe: batch 12, context 64, 2000 iterations, lr 1e-3 with 100
     * warmup steps and cosine decay to 1e-4, AdamW (0.9, 0.99), weight decay 0.1, clip 1.0.
     */
    public static TrainSettings nanoGptShakespeareCpu() {
        return new TrainSettings(12, 64, 2000, 1, new LrSchedule(1e-3f, 1e-4f, 100, 2000),
                new AdamW.Settings(0.9f, 0.99f, 1e-8f, 0.1f), 1.0f, 250, 20, 1337);
    }

    /** A copy with {@code steps} steps and the schedule's decay ending there. */
    public TrainSettings withSteps(int steps) {
        return new TrainSettings(batch, seqLen, steps, accumSteps,
                new LrSchedule(schedule.max(), schedule.min(), Math.min(schedule.warmupSteps(), steps / 10), steps),
                adamW, gradClip, evalEvery, evalBatches, seed);
    }
}

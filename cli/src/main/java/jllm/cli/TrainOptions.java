package jllm.cli;

import jllm.train.AdamW;
import jllm.train.LrSchedule;
import picocli.CommandLine.Option;

/** Optimizer options shared by train, sft and dpo. */
final class TrainOptions {
    @Option(names = "--lr", paramLabel = "RATE", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    float lr = 1e-3f;

    @Option(names = "--min-lr", paramLabel = "RATE", description = "Final learning rate of the cosine decay (default: lr/10).")
    Float minLr;

    @Option(names = "--warmup", paramLabel = "STEPS", description = "Linear warmup steps (default: train min(100, steps/10), sft/dpo steps/20).")
    Integer warmup;

    @Option(names = "--weight-decay", paramLabel = "W", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    float weightDecay = 0.1f;

    @Option(names = "--beta2", paramLabel = "B", description = "AdamW beta2 (default: ${DEFAULT-VALUE}).")
    float beta2 = 0.99f;

    @Option(names = "--clip", paramLabel = "NORM", description = "Gradient clipping norm (default: ${DEFAULT-VALUE}).")
    float clip = 1.0f;

    @Option(names = "--seed", paramLabel = "N", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed = 1337;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "Threads (default: all processors).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--verbose", description = "Show stack traces on errors.")
    boolean verbose;

    /** For a known step count (train). */
    LrSchedule schedule(int steps) {
        return new LrSchedule(lr, minLr != null ? minLr : lr / 10, warmup != null ? warmup : Math.min(100, steps / 10), steps);
    }

    /** A shape resolved once the data gives the step count (sft, dpo). */
    LrSchedule scheduleShape() {
        return new LrSchedule(lr, minLr != null ? minLr : lr / 10, warmup != null ? warmup : -1, 0);
    }

    AdamW.Settings adamW() {
        return new AdamW.Settings(0.9f, beta2, 1e-8f, weightDecay);
    }
}

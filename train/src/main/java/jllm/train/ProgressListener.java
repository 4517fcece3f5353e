package jllm.train;

/** Receives progress from a training loop (a console bar, a log, a test). Methods default to no-ops. */
public interface ProgressListener {

    /**
     * One optimizer step done.
     *
     * @param step      1-based step number
     * @param steps     total steps
     * @param loss      mean training loss of the step's batches
     * @param lr        learning rate used
     * @param gradNorm  gradient norm before clipping
     * @param tokensPerSecond training tokens per second over this step
     * @param etaSeconds estimated seconds to the end
     */
    record Step(int step, int steps, double loss, float lr, float gradNorm, double tokensPerSecond, double etaSeconds) {
        /**
         * Step {@code step} of {@code steps} that trained {@code tokens} tokens from {@code stepStart} to
         * {@code now} ({@link System#nanoTime}), the {@code done}-th step since this run started at {@code runStart}.
         */
        public static Step timed(int step, int steps, double loss, float lr, float gradNorm, long tokens, int done,
                                 long runStart, long stepStart, long now) {
            double eta = (now - runStart) / 1e9 / done * (steps - step);
            return new Step(step, steps, loss, lr, gradNorm, tokens / ((now - stepStart) / 1e9), eta);
        }
    }

    /** A validation loss after {@code step} steps. */
    record Eval(int step, double trainLoss, double valLoss) {
    }

    default void onStep(Step s) {
    }

    default void onEval(Eval e) {
    }

    /** No output. */
    ProgressListener NONE = new ProgressListener() {
    };
}

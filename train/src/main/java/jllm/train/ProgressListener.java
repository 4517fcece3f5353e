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

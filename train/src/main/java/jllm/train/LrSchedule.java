package jllm.train;

/**
 * Linear warmup then cosine decay to a floor, as nanoGPT's {@code get_lr}: during warmup
 * {@code max·(step+1)/(warmup+1)}, then a half cosine from max to min until {@code decaySteps}, then min.
 * A schedule with {@code decaySteps <= 0} is a shape to {@link #resolve} once the step count is known.
 */
public record LrSchedule(float max, float min, int warmupSteps, int decaySteps) {

    /**
     * This schedule, or for a shape ({@code decaySteps <= 0}) one decaying over {@code steps} with
     * {@code warmupSteps} of warmup ({@code steps / 20} when negative).
     */
    public LrSchedule resolve(int steps) {
        if (decaySteps > 0) {
            return this;
        }
        return new LrSchedule(max, min, warmupSteps >= 0 ? Math.min(warmupSteps, steps) : steps / 20, steps);
    }

    /** The learning rate at 0-based step {@code step}. */
    public float rate(int step) {
        if (step < warmupSteps) {
            return max * (step + 1) / (warmupSteps + 1);
        }
        if (step > decaySteps) {
            return min;
        }
        double ratio = (double) (step - warmupSteps) / Math.max(1, decaySteps - warmupSteps);
        double coeff = 0.5 * (1.0 + Math.cos(Math.PI * ratio));
        return (float) (min + coeff * (max - min));
    }
}

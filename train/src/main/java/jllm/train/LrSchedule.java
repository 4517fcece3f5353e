package jllm.train;

/**
 * Linear warmup then cosine decay to a floor, as nanoGPT's {@code get_lr}: during warmup
 * {@code max·(step+1)/(warmup+1)}, then a half cosine from max to min until {@code decaySteps}, then min.
 */
public record LrSchedule(float max, float min, int warmupSteps, int decaySteps) {

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

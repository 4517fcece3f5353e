package jllm.train;

import java.util.List;

import jllm.kernel.Dense;

/**
 * AdamW as PyTorch's {@code torch.optim.AdamW}: decoupled weight decay {@code p -= lr·wd·p} (only on
 * parameters with {@link Param#decay()}), then the bias-corrected Adam step. Moments are kept per
 * parameter, in the parameters' order, so a checkpoint can save and restore them.
 *
 * <pre>{@code
 * AdamW opt = new AdamW(params.all(), new AdamW.Settings(0.9f, 0.99f, 1e-8f, 0.1f));
 * float norm = AdamW.clipGradNorm(params.all(), 1.0f);
 * opt.step(schedule.rate(step));
 * }</pre>
 */
public final class AdamW {

    /** Hyperparameters: moment decay rates, epsilon and weight decay. */
    public record Settings(float beta1, float beta2, float eps, float weightDecay) {
    }

    private final List<Param> params;
    private final Settings s;
    private final float[][] m; // first moments, one per parameter
    private final float[][] v; // second moments
    private int t;             // steps taken
    // the parallel step's work items: chunks of at most CHUNK values of one parameter
    private static final int CHUNK = 1 << 14;
    private final int[] chunkParam;
    private final int[] chunkFrom;
    private final int[] chunkTo;

    public AdamW(List<Param> params, Settings settings) {
        this.params = List.copyOf(params);
        this.s = settings;
        this.m = new float[params.size()][];
        this.v = new float[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            m[i] = new float[params.get(i).size()];
            v[i] = new float[params.get(i).size()];
        }
        int chunks = 0;
        for (Param p : params) {
            chunks += (p.size() + CHUNK - 1) / CHUNK;
        }
        chunkParam = new int[chunks];
        chunkFrom = new int[chunks];
        chunkTo = new int[chunks];
        int c = 0;
        for (int i = 0; i < params.size(); i++) {
            for (int from = 0; from < params.get(i).size(); from += CHUNK) {
                chunkParam[c] = i;
                chunkFrom[c] = from;
                chunkTo[c] = Math.min(params.get(i).size(), from + CHUNK);
                c++;
            }
        }
    }

    /** One update with learning rate {@code lr} from the accumulated gradients (left as they are). */
    public void step(float lr) {
        Rates r = advance(lr);
        for (int i = 0; i < params.size(); i++) {
            update(i, 0, params.get(i).size(), lr, r);
        }
    }

    /**
     * {@link #step(float)} with the parameters' values split into chunks over the dense kernels' threads:
     * the same values, bit for bit.
     */
    public void step(Dense dense, float lr) {
        Rates r = advance(lr);
        dense.parallelFor(chunkParam.length, c -> update(chunkParam[c], chunkFrom[c], chunkTo[c], lr, r));
    }

    /** This step's bias corrections. */
    private record Rates(float stepSize, float sqrtC2) {
    }

    private Rates advance(float lr) {
        t++;
        double c1 = 1.0 - Math.pow(s.beta1(), t);
        double c2 = 1.0 - Math.pow(s.beta2(), t);
        return new Rates((float) (lr / c1), (float) Math.sqrt(c2));
    }

    /** Updates values [from, to) of parameter i. */
    private void update(int i, int from, int to, float lr, Rates r) {
        Param p = params.get(i);
        float[] w = p.value();
        float[] g = p.grad();
        float[] mi = m[i];
        float[] vi = v[i];
        float decay = p.decay() ? 1f - lr * s.weightDecay() : 1f;
        float stepSize = r.stepSize();
        float sqrtC2 = r.sqrtC2();
        for (int j = from; j < to; j++) {
            mi[j] = s.beta1() * mi[j] + (1f - s.beta1()) * g[j];
            vi[j] = s.beta2() * vi[j] + (1f - s.beta2()) * g[j] * g[j];
            w[j] = w[j] * decay - stepSize * mi[j] / ((float) Math.sqrt(vi[j]) / sqrtC2 + s.eps());
        }
    }

    /** Steps taken. */
    public int steps() {
        return t;
    }

    /** The moment arrays (for checkpoints): first moments, then second, per parameter. */
    public float[][] firstMoments() {
        return m;
    }

    /** The second-moment arrays. */
    public float[][] secondMoments() {
        return v;
    }

    /** Restores the step count (with moments written into {@link #firstMoments()}/{@link #secondMoments()}). */
    public void restoreSteps(int steps) {
        this.t = steps;
    }

    /**
     * Scales all gradients so their global L2 norm is at most {@code maxNorm} (as
     * {@code torch.nn.utils.clip_grad_norm_}); returns the norm before clipping.
     */
    public static float clipGradNorm(List<Param> params, float maxNorm) {
        double sum = 0;
        for (Param p : params) {
            for (float g : p.grad()) {
                sum += (double) g * g;
            }
        }
        float norm = (float) Math.sqrt(sum);
        float coef = (float) (maxNorm / (norm + 1e-6));
        if (coef < 1f) {
            for (Param p : params) {
                float[] g = p.grad();
                for (int j = 0; j < g.length; j++) {
                    g[j] *= coef;
                }
            }
        }
        return norm;
    }
}

package jllm.train.guard;

import jllm.model.Classifier;
import jllm.train.Param;

/**
 * The guard's classification head: a 2-way linear layer with bias over a text's pooled hidden states
 * ({@link Classifier.Pooling}), then a softmax; class 0 is benign, class 1 attack. Forward and backward are
 * written out so a test can check the gradient against finite differences.
 */
public final class GuardHead {
    /** GGUF name of the head's weight, (2, width of the pooled vector). */
    public static final String WEIGHT = "guard.cls.weight";
    /** GGUF name of the head's bias, (2). */
    public static final String BIAS = "guard.cls.bias";

    private final Param weight; // (2, width)
    private final Param bias;   // (2)

    /** A head over pooled vectors as wide as {@code weight} has columns, with the given parameters. */
    public GuardHead(Param weight, Param bias) {
        if (weight.rows() != 2 || bias.size() != 2) {
            throw new IllegalArgumentException("the guard head is 2-way: weight " + weight.rows() + " rows, bias " + bias.size());
        }
        this.weight = weight;
        this.bias = bias;
    }

    /** A zero head over {@code width}-wide pooled vectors. */
    public static GuardHead zeros(int width) {
        return new GuardHead(Param.of(WEIGHT, 2, width, true), Param.of(BIAS, 1, 2, false));
    }

    public Param weight() {
        return weight;
    }

    public Param bias() {
        return bias;
    }

    /** Width of the pooled vectors it reads. */
    public int width() {
        return weight.cols();
    }

    /** P(attack) of a pooled hidden state. */
    public float score(float[] pooled) {
        float[] z = logits(pooled);
        return (float) (1.0 / (1.0 + Math.exp(z[0] - z[1])));
    }

    /** The two logits (benign, attack) of a pooled hidden state. */
    public float[] logits(float[] pooled) {
        float[] z = new float[2];
        float[] w = weight.value();
        int dim = width();
        for (int c = 0; c < 2; c++) {
            double s = bias.value()[c];
            for (int i = 0; i < dim; i++) {
                s += (double) w[c * dim + i] * pooled[i];
            }
            z[c] = (float) s;
        }
        return z;
    }

    /** Cross-entropy of the label ({@code attack} = class 1) given a pooled hidden state. */
    public float loss(float[] pooled, boolean attack) {
        float[] z = logits(pooled);
        float yz = attack ? z[1] : z[0];
        double m = Math.max(z[0], z[1]);
        return (float) (m + Math.log(Math.exp(z[0] - m) + Math.exp(z[1] - m)) - yz);
    }

    /**
     * Adds {@code scale} times the gradient of {@link #loss} into the head's parameters and returns
     * dLoss/dPooled (width), also scaled (null when {@code wantInput} is false).
     */
    public float[] backward(float[] pooled, boolean attack, float scale, boolean wantInput) {
        float p1 = score(pooled);
        // softmax minus one-hot: d/dz0 = p0 - y0, d/dz1 = p1 - y1
        float[] dz = {((1f - p1) - (attack ? 0f : 1f)) * scale, (p1 - (attack ? 1f : 0f)) * scale};
        int dim = width();
        float[] w = weight.value();
        float[] dw = weight.grad();
        float[] dPooled = wantInput ? new float[dim] : null;
        for (int c = 0; c < 2; c++) {
            bias.grad()[c] += dz[c];
            for (int i = 0; i < dim; i++) {
                dw[c * dim + i] += dz[c] * pooled[i];
                if (wantInput) {
                    dPooled[i] += dz[c] * w[c * dim + i];
                }
            }
        }
        return dPooled;
    }
}

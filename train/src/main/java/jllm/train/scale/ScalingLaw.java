package jllm.train.scale;

/**
 * Chinchilla's parametric loss (Hoffmann et al. 2022, eq. 2): {@code L(N, D) = E + A / N^alpha + B / D^beta},
 * N parameters, D training tokens, E the irreducible loss of the data.
 *
 * <pre>{@code
 * ScalingLaw law = ScalingFit.fit(observations);
 * double loss = law.loss(3e6, 1e6);
 * double n = law.optimalParams(1e15); // the N that reaches the lowest loss with C = 6 N D FLOPs
 * }</pre>
 */
public record ScalingLaw(double e, double a, double alpha, double b, double beta) {

    /** Chinchilla's fitted constants (Hoffmann et al. 2022, approach 3). */
    public static final ScalingLaw CHINCHILLA = new ScalingLaw(1.69, 406.4, 0.34, 410.7, 0.28);

    /** The predicted loss of a model of {@code n} parameters trained on {@code d} tokens. */
    public double loss(double n, double d) {
        return e + a / Math.pow(n, alpha) + b / Math.pow(d, beta);
    }

    /**
     * The compute-optimal parameter count for {@code compute} FLOPs with C = 6 N D (Hoffmann et al., eq. 4):
     * {@code N_opt = G (C/6)^(beta/(alpha+beta))}, {@code G = (alpha A / (beta B))^(1/(alpha+beta))}.
     */
    public double optimalParams(double compute) {
        double g = Math.pow(alpha * a / (beta * b), 1 / (alpha + beta));
        return g * Math.pow(compute / 6, beta / (alpha + beta));
    }

    /** The compute-optimal token count for {@code compute} FLOPs: {@code C / (6 N_opt)}. */
    public double optimalTokens(double compute) {
        return compute / 6 / optimalParams(compute);
    }

    /**
     * The tokens a model of {@code n} parameters needs to reach {@code loss}, or NaN when that loss is
     * out of its reach ({@code loss <= E + A/N^alpha}).
     */
    public double tokensFor(double n, double loss) {
        double rest = loss - e - a / Math.pow(n, alpha);
        return rest <= 0 ? Double.NaN : Math.pow(b / rest, 1 / beta);
    }
}

package jllm.train.scale;

import java.util.HashSet;
import java.util.List;

/**
 * A pure power law {@code L(x) = c x^-exponent} (Kaplan et al. 2020's L(N) at ample data, L(D) at ample
 * parameters), fitted by least squares on log L against log x.
 *
 * @param c        the scale
 * @param exponent the decay exponent (positive when loss falls with x)
 * @param points   how many points it was fitted to
 */
public record PowerLaw(double c, double exponent, int points) {

    /** The value at {@code x}. */
    public double at(double x) {
        return c * Math.pow(x, -exponent);
    }

    /**
     * The least-squares line through (log x, log y).
     *
     * @throws IllegalArgumentException for fewer than two distinct positive x, or a non-positive y
     */
    public static PowerLaw fit(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("x and y differ in length: " + x.length + " and " + y.length);
        }
        HashSet<Double> distinct = new HashSet<>();
        double sx = 0, sy = 0;
        for (int i = 0; i < x.length; i++) {
            if (!(x[i] > 0 && y[i] > 0)) {
                throw new IllegalArgumentException("a power law needs positive x and y; point " + i + " is (" + x[i] + ", " + y[i] + ")");
            }
            distinct.add(x[i]);
            sx += Math.log(x[i]);
            sy += Math.log(y[i]);
        }
        if (distinct.size() < 2) {
            throw new IllegalArgumentException("a power law needs points at two or more distinct x; got " + distinct.size());
        }
        int n = x.length;
        double mx = sx / n, my = sy / n, sxx = 0, sxy = 0;
        for (int i = 0; i < n; i++) {
            double dx = Math.log(x[i]) - mx;
            sxx += dx * dx;
            sxy += dx * (Math.log(y[i]) - my);
        }
        double slope = sxy / sxx;
        return new PowerLaw(Math.exp(my - slope * mx), -slope, n);
    }

    /** {@link #fit(double[], double[])} over {@code points}' params (or tokens when {@code overTokens}) and losses. */
    public static PowerLaw fit(List<Observation> points, boolean overTokens) {
        return fit(points.stream().mapToDouble(o -> overTokens ? o.tokens() : o.params()).toArray(),
                points.stream().mapToDouble(Observation::loss).toArray());
    }
}

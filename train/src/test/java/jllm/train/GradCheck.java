package jllm.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.function.DoubleSupplier;

/**
 * Finite-difference gradient checks: the analytic gradient of a scalar loss is compared with central
 * differences {@code (L(x+ε) − L(x−ε)) / 2ε} over every entry (or a sample) of an input, by the relative
 * error of the whole vectors, ‖a − n‖ / (‖a‖ + ‖n‖). Float forward passes limit that to about 1e-3.
 */
public final class GradCheck {
    /** Relative error allowed between analytic and numeric gradients. */
    public static final double TOLERANCE = 1e-2;
    private static final float EPS = 1e-2f;

    private GradCheck() {
    }

    /** Checks every entry of x (or {@code maxEntries} random ones) against {@code analytic}. */
    public static void check(String what, float[] x, float[] analytic, DoubleSupplier loss, int maxEntries, Random rnd) {
        check(what, x, analytic, loss, maxEntries, rnd, EPS);
    }

    /**
     * As {@link #check(String, float[], float[], DoubleSupplier, int, Random)} with step {@code eps}: a smaller
     * one for losses with kinks (a maximum), which a step must not cross.
     */
    public static void check(String what, float[] x, float[] analytic, DoubleSupplier loss, int maxEntries, Random rnd, float eps) {
        int count = Math.min(x.length, maxEntries);
        double diff = 0, na = 0, nn = 0;
        for (int s = 0; s < count; s++) {
            int i = count == x.length ? s : rnd.nextInt(x.length);
            float old = x[i];
            x[i] = old + eps;
            double plus = loss.getAsDouble();
            x[i] = old - eps;
            double minus = loss.getAsDouble();
            x[i] = old;
            double numeric = (plus - minus) / (2 * eps);
            diff += (numeric - analytic[i]) * (numeric - analytic[i]);
            na += (double) analytic[i] * analytic[i];
            nn += numeric * numeric;
        }
        double rel = Math.sqrt(diff) / (Math.sqrt(na) + Math.sqrt(nn) + 1e-12);
        assertThat(na).as("%s: analytic gradient is all zero", what).isGreaterThan(0);
        assertThat(rel).as("%s: relative error of the gradient", what).isLessThan(TOLERANCE);
    }

    /** Gaussian values with standard deviation {@code std}. */
    public static float[] random(Random rnd, int n, double std) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextGaussian() * std);
        }
        return x;
    }

    /** Σ r·y in double: a loss whose gradient with respect to y is r. */
    public static double dot(float[] r, float[] y) {
        double s = 0;
        for (int i = 0; i < r.length; i++) {
            s += (double) r[i] * y[i];
        }
        return s;
    }
}

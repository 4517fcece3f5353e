package jllm.train.scale;

/**
 * Limited-memory BFGS (Nocedal and Wright, algorithm 7.4) with a backtracking Armijo line search, for the
 * few-parameter fits of this package. Stops when a step no longer lowers the objective, the gradient
 * vanishes, or after {@code maxIterations}.
 */
final class Lbfgs {
    /** An objective: writes the gradient at {@code x} into {@code grad} and returns the value. */
    interface Objective {
        double valueAndGradient(double[] x, double[] grad);
    }

    private static final int MEMORY = 10;

    private Lbfgs() {
    }

    /** Minimizes {@code f} from {@code start} (left unchanged); returns the best point found. */
    static double[] minimize(Objective f, double[] start, int maxIterations) {
        int n = start.length;
        double[] x = start.clone();
        double[] g = new double[n];
        double fx = f.valueAndGradient(x, g);
        if (!Double.isFinite(fx)) {
            return x;
        }
        double[][] s = new double[MEMORY][];
        double[][] y = new double[MEMORY][];
        double[] rho = new double[MEMORY];
        int stored = 0, head = 0;
        double[] xNew = new double[n];
        double[] gNew = new double[n];
        double[] alpha = new double[MEMORY];
        for (int it = 0; it < maxIterations; it++) {
            if (norm(g) < 1e-12) {
                break;
            }
            // two-loop recursion: direction = -H g
            double[] q = g.clone();
            for (int k = 0; k < stored; k++) {
                int i = Math.floorMod(head - 1 - k, MEMORY);
                alpha[i] = rho[i] * dot(s[i], q);
                axpy(-alpha[i], y[i], q);
            }
            double gamma = 1;
            if (stored > 0) {
                int last = Math.floorMod(head - 1, MEMORY);
                gamma = dot(s[last], y[last]) / dot(y[last], y[last]);
            }
            for (int j = 0; j < n; j++) {
                q[j] *= gamma;
            }
            for (int k = stored - 1; k >= 0; k--) {
                int i = Math.floorMod(head - 1 - k, MEMORY);
                double beta = rho[i] * dot(y[i], q);
                axpy(alpha[i] - beta, s[i], q);
            }
            double slope = -dot(g, q);
            if (!(slope < 0)) {
                // not a descent direction (curvature memory went stale): restart along the gradient
                q = g.clone();
                slope = -dot(g, g);
                stored = 0;
            }
            double step = stored == 0 ? Math.min(1, 1 / Math.max(1e-12, norm(g))) : 1;
            double fNew = Double.NaN;
            boolean accepted = false;
            for (int tries = 0; tries < 40; tries++) {
                for (int j = 0; j < n; j++) {
                    xNew[j] = x[j] - step * q[j];
                }
                fNew = f.valueAndGradient(xNew, gNew);
                if (Double.isFinite(fNew) && fNew <= fx + 1e-4 * step * slope) {
                    accepted = true;
                    break;
                }
                step *= 0.5;
            }
            if (!accepted || fx - fNew <= 1e-13 * Math.max(1e-3, Math.abs(fx))) {
                if (accepted) {
                    System.arraycopy(xNew, 0, x, 0, n);
                }
                break;
            }
            double[] sk = new double[n];
            double[] yk = new double[n];
            for (int j = 0; j < n; j++) {
                sk[j] = xNew[j] - x[j];
                yk[j] = gNew[j] - g[j];
            }
            double sy = dot(sk, yk);
            if (sy > 1e-20) {
                s[head] = sk;
                y[head] = yk;
                rho[head] = 1 / sy;
                head = (head + 1) % MEMORY;
                stored = Math.min(stored + 1, MEMORY);
            }
            System.arraycopy(xNew, 0, x, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            fx = fNew;
        }
        return x;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }
}

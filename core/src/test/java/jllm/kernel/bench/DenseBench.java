package jllm.kernel.bench;

import java.util.Locale;
import java.util.Random;
import jllm.kernel.Dense;

/** GFLOP/s of the dense products at training shapes: {@code DenseBench [threads]}. A program, not a test. */
public final class DenseBench {
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int[][] shapes = {{768, 128, 128}, {768, 128, 352}, {768, 352, 128}, {128, 768, 128}, {352, 768, 128},
                {128, 768, 352}, {768, 128, 65}, {64, 32, 64}, {64, 64, 32}};
        Random rnd = new Random(1);
        try (Dense d = Dense.vector(threads)) {
            for (int[] s : shapes) {
                int m = s[0], k = s[1], n = s[2];
                float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
                for (int i = 0; i < a.length; i++) a[i] = rnd.nextFloat();
                for (int i = 0; i < b.length; i++) b[i] = rnd.nextFloat();
                long flops = 2L * m * k * n;
                int reps = (int) Math.max(5, 4e9 / flops);
                for (int i = 0; i < reps / 4; i++) d.matmul(c, a, b, m, k, n, false);
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) d.matmul(c, a, b, m, k, n, false);
                double sec = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "%s m=%d k=%d n=%d: %.1f GFLOP/s%n", d.name(), m, k, n, flops * reps / sec / 1e9);
            }
        }
    }
}

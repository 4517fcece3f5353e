package jllm.kernel.bench;

import java.lang.foreign.Arena;
import java.util.Locale;
import java.util.Random;
import jllm.kernel.Kernels;
import jllm.kernel.Quantizer;
import jllm.tensor.GgmlType;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;

/**
 * GFLOP/s of {@link Kernels#matmul} at model shapes, one line per (type, shape, batch):
 * {@code MatmulBench [threads] [types,...] [batches,...]}. A program for quick checks, not a test.
 */
public final class MatmulBench {
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        String[] types = (args.length > 1 ? args[1] : "F16,Q8_0,Q4_0").split(",");
        String[] batches = (args.length > 2 ? args[2] : "1,4,128").split(",");
        int[][] shapes = {{1536, 576}, {576, 1536}, {2048, 2048}};
        Random rnd = new Random(1);
        try (Kernels k = Kernels.vector(threads); Arena arena = Arena.ofShared()) {
            for (String tn : types) {
                GgmlType type = GgmlType.valueOf(tn);
                for (int[] s : shapes) {
                    int rows = s[0], cols = s[1];
                    float[] v = new float[rows * cols];
                    for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian() * 0.02f;
                    Tensor w = Quantizer.convert(Tensor.ofFloats("w", Shape.matrix(rows, cols), v), type, arena);
                    for (String bs : batches) {
                        int n = Integer.parseInt(bs);
                        float[] x = new float[n * cols];
                        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
                        float[] out = new float[n * rows];
                        long flops = 2L * rows * cols * n;
                        int reps = (int) Math.max(5, 3e9 / flops);
                        for (int i = 0; i < reps / 3; i++) k.matmul(out, w, x, n);
                        long t0 = System.nanoTime();
                        for (int i = 0; i < reps; i++) k.matmul(out, w, x, n);
                        double sec = (System.nanoTime() - t0) / 1e9;
                        System.out.printf(Locale.ROOT, "%-5s %5dx%-5d n=%-4d %7.1f GFLOP/s %7.2f GB/s(weights)%n", tn, rows, cols, n,
                                flops * reps / sec / 1e9, w.data().byteSize() * (double) reps / sec / 1e9);
                    }
                }
            }
        }
    }
}

package jllm.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import jllm.kernel.scalar.RandomTensors;
import jllm.tensor.GgmlType;
import jllm.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Prints the weight bandwidth of a 2048 x 2048 matmul per type and backend. Informational only: it
 * asserts nothing about time (the machine is shared), it only shows that the fast paths are usable.
 */
class MatmulThroughputTest {

    private static final System.Logger LOG = System.getLogger(MatmulThroughputTest.class.getName());

    @Test
    void printWeightBandwidth() {
        int dim = 2048;
        Random random = new Random(5);
        float[] x = RandomTensors.gaussian(dim, random);
        float[] out = new float[dim];
        StringBuilder report = new StringBuilder("2048 x 2048 matmul, weight GB/s:");
        try (Kernels vector = Kernels.vector(2); Kernels one = Kernels.vector(1)) {
            for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.F16, GgmlType.Q4_0, GgmlType.Q4_K,
                    GgmlType.Q6_K, GgmlType.BF16, GgmlType.F32, GgmlType.Q5_K}) {
                // Native memory, as a memory-mapped model file gives: the vector loads of 16-bit values from
                // heap byte[] segments are not intrinsified in JDK 25 and run an order of magnitude slower.
                Tensor heap = RandomTensors.tensor(type, dim, dim, random, 0);
                MemorySegment data = Arena.ofAuto().allocate(heap.data().byteSize(), 64);
                data.copyFrom(heap.data());
                Tensor w = new Tensor(heap.name(), type, heap.shape(), data);
                report.append(String.format("%n  %-5s %7.2f MB:", type, w.data().byteSize() / 1e6));
                for (Kernels k : new Kernels[] {one, vector}) {
                    report.append(String.format("  %s %.2f", k.name(), gbPerSecond(k, w, x, out)));
                }
            }
        }
        System.out.println(report);
        LOG.log(System.Logger.Level.DEBUG, report);
    }

    private static double gbPerSecond(Kernels k, Tensor w, float[] x, float[] out) {
        for (int i = 0; i < 30; i++) {
            k.matmul(out, w, x);
        }
        int iterations = 40;
        long start = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            k.matmul(out, w, x);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return w.data().byteSize() * (double) iterations / seconds / 1e9;
    }
}

package jllm.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import jllm.kernel.Kernels;
import jllm.kernel.MemoryStreams;
import jllm.kernel.scalar.RandomTensors;
import jllm.tensor.GgmlType;
import jllm.tensor.Tensor;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Kernels#matmul} over a random {@code rows x cols} weight tensor of each type: one activation row
 * (the matrix-vector product of decoding) and batches of 4 and 128 rows (batched decoding, prompts), on
 * the vector kernels and on the scalar reference. Besides operations per second, JMH reports two
 * secondary metrics per second: {@code weightGB} (GB of weight bytes read, once per call) and
 * {@code gflop} (2·rows·cols·n floating-point operations per call, in units of 10^9).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar KernelBench \
 *     -p type=Q4_0,Q8_0 -p n=1 -p kernels=vector -f 1 -wi 1 -i 1 -r 1s
 * </pre>
 *
 * <p>The default 2048 x 2048 tensor stays in a large L3 cache; decoding reads from DRAM, so memory-stream
 * measurements take a tensor far larger than the cache: {@code -p rows=65536 -p streams=1,2,4,8}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-XX:InlineSmallCode=16000", "-XX:MaxInlineSize=200"})
public class KernelBench {
    @Param({"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K",
            "IQ4_NL", "MXFP4"})
    public String type;

    /** Activation rows per call: 1 is a matrix-vector product. */
    @Param({"1", "4", "128"})
    public int n;

    /** "vector" (SIMD, {@code threads} threads) or "scalar" (the single-threaded reference). */
    @Param({"vector", "scalar"})
    public String kernels;

    /** Threads of the vector kernels; 0 = one per available processor. */
    @Param({"0"})
    public int threads;

    /**
     * Memory streams per thread in matrix-vector products, forced for every type (see {@link MemoryStreams}:
     * by default only Q8_0 on 512-bit vectors and F16 read four).
     */
    @Param({"4"})
    public int streams;

    @Param({"2048"})
    public int rows;

    @Param({"2048"})
    public int cols;

    private Kernels k;
    private Tensor w;    // (rows, cols) of type
    private float[] x;   // (n, cols)
    private float[] out; // (n, rows)
    private long weightBytes;

    @Setup(Level.Trial)
    public void setUp() {
        GgmlType t = GgmlType.valueOf(type);
        k = switch (kernels) {
            case "vector" -> Kernels.vector(threads > 0 ? threads : Runtime.getRuntime().availableProcessors(),
                    new MemoryStreams(streams));
            case "scalar" -> Kernels.scalar();
            default -> throw new IllegalArgumentException("kernels is vector or scalar, not " + kernels);
        };
        if (!k.supports(t)) {
            throw new IllegalArgumentException(k.name() + " cannot compute with " + t);
        }
        Random random = new Random(42);
        // Off-heap, as mapped model files are: vector loads from heap segments take slower paths.
        Tensor heap = RandomTensors.tensor(t, rows, cols, random, 0);
        MemorySegment data = Arena.ofAuto().allocate(heap.data().byteSize(), 64);
        data.copyFrom(heap.data());
        w = new Tensor(heap.name(), t, heap.shape(), data);
        x = RandomTensors.gaussian(n * cols, random);
        out = new float[n * rows];
        weightBytes = t.bytesFor((long) rows * cols);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        k.close();
    }

    /** Per-second rates JMH reports beside the operations. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Rates {
        /** GB of weight bytes read. */
        public double weightGB;
        /** Floating-point operations, in units of 10^9. */
        public double gflop;

        @Setup(Level.Iteration)
        public void reset() {
            weightGB = 0;
            gflop = 0;
        }
    }

    @Benchmark
    public float[] matmul(Rates rates) {
        if (n == 1) {
            k.matmul(out, w, x);
        } else {
            k.matmul(out, w, x, n);
        }
        rates.weightGB += weightBytes / 1e9;
        rates.gflop += 2.0 * rows * cols * n / 1e9;
        return out;
    }
}

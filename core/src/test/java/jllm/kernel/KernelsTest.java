package jllm.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Random;
import jllm.kernel.scalar.RandomTensors;
import jllm.tensor.GgmlType;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reference vs fast: every supported type on every backend, at awkward sizes (one row, odd row
 * counts, one and several blocks per row, batches of 1, 3 and 17, data at a misaligned offset),
 * against the scalar kernels, each type with its own normalized-MSE budget. Plus thread-count
 * independence and the error contract.
 */
class KernelsTest {

    private static final Kernels SCALAR = Kernels.scalar();
    private static final Kernels VECTOR1 = Kernels.vector(1);
    private static final Kernels VECTOR2 = Kernels.vector(2);
    private static final Kernels VECTOR3 = Kernels.vector(3);

    /**
     * Normalized MSE of fast vs reference. Both see the same prepared activation, so only the order of
     * float rounding differs (the F32/F16/BF16 reference sums in double, the vector paths in float).
     */
    private static final Map<GgmlType, Double> BUDGET = Map.ofEntries(
            Map.entry(GgmlType.F32, 1e-11), Map.entry(GgmlType.F16, 1e-11), Map.entry(GgmlType.BF16, 1e-11),
            Map.entry(GgmlType.Q4_0, 1e-11), Map.entry(GgmlType.Q4_1, 1e-11), Map.entry(GgmlType.Q5_0, 1e-11),
            Map.entry(GgmlType.Q5_1, 1e-11), Map.entry(GgmlType.Q8_0, 1e-11), Map.entry(GgmlType.IQ4_NL, 1e-11),
            Map.entry(GgmlType.Q2_K, 1e-11), Map.entry(GgmlType.Q3_K, 1e-11), Map.entry(GgmlType.Q4_K, 1e-11),
            Map.entry(GgmlType.Q5_K, 1e-11), Map.entry(GgmlType.Q6_K, 1e-11), Map.entry(GgmlType.MXFP4, 1e-11));

    @AfterAll
    static void close() {
        SCALAR.close();
        VECTOR1.close();
        VECTOR2.close();
        VECTOR3.close();
    }

    static GgmlType[] types() {
        return RandomTensors.supportedTypes();
    }

    private static double nmse(float[] got, float[] want, int count) {
        double err = 0;
        double norm = 0;
        for (int i = 0; i < count; i++) {
            err += ((double) got[i] - want[i]) * ((double) got[i] - want[i]);
            norm += (double) want[i] * want[i];
        }
        return norm == 0 ? err : err / norm;
    }

    @ParameterizedTest
    @MethodSource("types")
    void everyBackendMatchesTheReferenceAtAwkwardSizes(GgmlType type) {
        assertThat(BUDGET).containsKey(type);
        Random random = new Random(1000 + type.ordinal());
        int block = Math.max(type.blockSize, 32);
        for (int rows : new int[] {1, 7, 33}) {
            for (int cols : new int[] {block, 3 * block, type.blockSize == 1 ? 37 : 2 * block}) {
                for (int n : new int[] {1, 3, 17}) {
                    int misalign = (rows + cols + n) % 2 == 0 ? 3 : 0;
                    Tensor w = RandomTensors.tensor(type, rows, cols, random, misalign);
                    float[] x = RandomTensors.gaussian(n * cols + 5, random);
                    float[] want = new float[n * rows + 2];
                    SCALAR.matmul(want, w, x, n);
                    for (Kernels k : new Kernels[] {VECTOR1, VECTOR2, VECTOR3}) {
                        float[] got = new float[n * rows + 2];
                        k.matmul(got, w, x, n);
                        assertThat(nmse(got, want, n * rows))
                                .as("%s on %s, %d x %d, n=%d, misaligned by %d", type, k.name(), rows, cols, n, misalign)
                                .isLessThan(BUDGET.get(type));
                        assertThat(got[n * rows]).as("no write past the output").isZero();
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void resultsDoNotDependOnTheThreadCount(GgmlType type) {
        Random random = new Random(2000 + type.ordinal());
        int rows = 67;
        int cols = 4 * Math.max(type.blockSize, 32) * (type.blockSize == 256 ? 1 : 4);
        Tensor w = RandomTensors.tensor(type, rows, cols, random, 1);
        for (int n : new int[] {1, 5}) {
            float[] x = RandomTensors.gaussian(n * cols, random);
            float[] one = new float[n * rows];
            float[] two = new float[n * rows];
            float[] three = new float[n * rows];
            VECTOR1.matmul(one, w, x, n);
            VECTOR2.matmul(two, w, x, n);
            VECTOR3.matmul(three, w, x, n);
            assertThat(two).as("%s, n=%d, 2 threads vs 1", type, n).containsExactly(one);
            assertThat(three).as("%s, n=%d, 3 threads vs 1", type, n).containsExactly(one);
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void batchedRowsEqualSingleRows(GgmlType type) {
        Random random = new Random(3000 + type.ordinal());
        int rows = 9; // four pairs of rows (the two-row fast paths) and one row on its own
        // an odd number of blocks (even/odd accumulators) and, for plain types, a scalar tail
        int cols = 3 * Math.max(type.blockSize, 32) + (type.blockSize == 1 ? 5 : 0);
        Tensor w = RandomTensors.tensor(type, rows, cols, random, 0);
        int n = MatmulDriver.GEMM_MIN_ROWS - 1; // one group of four (the four-row fast paths) and three rows on their own
        float[] x = RandomTensors.gaussian(n * cols, random);
        for (Kernels k : new Kernels[] {SCALAR, VECTOR2}) {
            float[] batched = new float[n * rows];
            k.matmul(batched, w, x, n);
            for (int i = 0; i < n; i++) {
                float[] single = new float[rows];
                k.matmul(single, w, java.util.Arrays.copyOfRange(x, i * cols, (i + 1) * cols));
                assertThat(java.util.Arrays.copyOfRange(batched, i * rows, (i + 1) * rows)).containsExactly(single);
            }
        }
    }

    /**
     * Several products with one input (q/k/v, gate/up) give each output the bits of its own matmul: for
     * one activation row (one hand-off for all, the activation prepared once per format) on one thread
     * and on three, tensors of different types and sizes mixed, and for a batch.
     */
    @org.junit.jupiter.api.Test
    void productsSharingAnInputEqualSeparateProducts() {
        Random random = new Random(8100);
        int cols = 512;
        Tensor[] ws = {
                RandomTensors.tensor(GgmlType.Q4_K, 96, cols, random, 0),
                RandomTensors.tensor(GgmlType.Q6_K, 20, cols, random, 1),
                RandomTensors.tensor(GgmlType.Q8_0, 130, cols, random, 0),
                RandomTensors.tensor(GgmlType.F16, 3, cols, random, 0),
                // same types again, apart from the first: a batch puts each type's tensors in one GEMM
                RandomTensors.tensor(GgmlType.Q8_0, 40, cols, random, 1),
                RandomTensors.tensor(GgmlType.Q4_K, 70, cols, random, 1)};
        for (int n : new int[] {1, 3, MatmulDriver.GEMM_MIN_ROWS + 1, 40}) {
            float[] x = RandomTensors.gaussian(n * cols, random);
            for (Kernels k : new Kernels[] {VECTOR1, VECTOR3, SCALAR}) {
                float[][] outs = new float[ws.length][];
                for (int i = 0; i < ws.length; i++) {
                    outs[i] = new float[(int) ws[i].rows() * n];
                }
                k.matmul(outs, ws, x, n);
                for (int i = 0; i < ws.length; i++) {
                    float[] alone = new float[(int) ws[i].rows() * n];
                    k.matmul(alone, ws[i], x, n);
                    assertThat(outs[i]).as("%s, n=%d, on %s", ws[i].type(), n, k).containsExactly(alone);
                }
            }
        }
        assertThatThrownBy(() -> VECTOR1.matmul(new float[1][], ws, new float[cols], 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 outputs for 6 weight tensors");
    }

    /**
     * Memory stream counts are 1, 2, 4 or 8; the system property forces one (it reaches the kernels, whose
     * name says a count other than the default), and errors name the option.
     */
    @Test
    void memoryStreamCountsAreCheckedAndConfigurable() {
        assertThat(MemoryStreams.parse("8", "--memory-streams").runs()).isEqualTo(8);
        assertThatThrownBy(() -> MemoryStreams.parse("3", "--memory-streams")).hasMessageContaining("--memory-streams is 1, 2, 4 or 8, not \"3\"");
        assertThatThrownBy(() -> MemoryStreams.parse("four", "--memory-streams"))
                .hasMessageContaining("--memory-streams is 1, 2, 4 or 8, not \"four\"");
        String before = System.getProperty(MemoryStreams.PROPERTY);
        try {
            System.clearProperty(MemoryStreams.PROPERTY);
            assertThat(MemoryStreams.configured()).isEqualTo(MemoryStreams.DEFAULT);
            try (Kernels k = Kernels.vector(1)) {
                assertThat(k.name()).as("the default count goes unnamed").doesNotContain("stream");
            }
            jllm.kernel.scalar.RowDot q4k = jllm.kernel.vector.VectorDots.forType(GgmlType.Q4_K);
            jllm.kernel.scalar.RowDot f16 = jllm.kernel.vector.VectorDots.forType(GgmlType.F16);
            if (q4k != null) {
                assertThat(MemoryStreams.DEFAULT.appliesTo(q4k)).as("the default: one stream for span-read types").isFalse();
                assertThat(MemoryStreams.DEFAULT.appliesTo(f16)).as("the default: four for four-row kernels").isTrue();
            }
            System.setProperty(MemoryStreams.PROPERTY, "4");
            assertThat(MemoryStreams.configured()).as("a forced four").isNotEqualTo(MemoryStreams.DEFAULT);
            if (q4k != null) {
                assertThat(MemoryStreams.configured().appliesTo(q4k)).as("a forced count applies to every type").isTrue();
            }
            System.setProperty(MemoryStreams.PROPERTY, "1");
            assertThat(MemoryStreams.configured()).isEqualTo(MemoryStreams.ONE);
            System.setProperty(MemoryStreams.PROPERTY, "8");
            try (Kernels k = Kernels.vector(2)) {
                assertThat(k.name()).as("the switch reaches the kernels").contains("8 streams");
            }
            System.setProperty(MemoryStreams.PROPERTY, "5");
            assertThatThrownBy(MemoryStreams::configured).hasMessageContaining("jllm.streams is 1, 2, 4 or 8, not \"5\"");
        } finally {
            if (before == null) {
                System.clearProperty(MemoryStreams.PROPERTY);
            } else {
                System.setProperty(MemoryStreams.PROPERTY, before);
            }
        }
    }

    /**
     * A decoding step's products read 1, 2, 4 or 8 memory streams per thread ({@link MemoryStreams}) with
     * the same bits: every type, a row count that leaves rows over after the cut into bands, several
     * tensors in one hand-off, on one thread and on three.
     */
    @ParameterizedTest
    @MethodSource("types")
    void memoryStreamsGiveTheSameBits(GgmlType type) {
        Random random = new Random(8300 + type.ordinal());
        int cols = 2 * Math.max(32, type.blockSize);
        Tensor[] ws = {RandomTensors.tensor(type, 8 * 64 + 37, cols, random, 0), RandomTensors.tensor(type, 70, cols, random, 1)};
        float[] x = RandomTensors.gaussian(cols, random);
        float[][] want = {new float[(int) ws[0].rows()], new float[(int) ws[1].rows()]};
        try (Kernels one = Kernels.vector(1, MemoryStreams.ONE)) {
            one.matmul(want, ws, x, 1);
        }
        for (int threads : new int[] {1, 3}) {
            for (int runs : new int[] {2, 4, 8}) {
                try (Kernels k = Kernels.vector(threads, new MemoryStreams(runs))) {
                    float[][] got = {new float[want[0].length], new float[want[1].length]};
                    k.matmul(got, ws, x, 1);
                    assertThat(got[0]).as("%s, %d streams on %d threads", type, runs, threads).containsExactly(want[0]);
                    assertThat(got[1]).as("%s, %d streams on %d threads", type, runs, threads).containsExactly(want[1]);
                }
            }
        }
    }

    /**
     * Products each with its own input row (a decoding step's expert down projections) in one hand-off
     * give each output the bits of its own matmul; inputs that are one array are shared, of different
     * types and row lengths.
     */
    @org.junit.jupiter.api.Test
    void productsWithTheirOwnInputsEqualSeparateProducts() {
        Random random = new Random(8200);
        Tensor[] ws = {
                RandomTensors.tensor(GgmlType.Q8_0, 130, 512, random, 0),
                RandomTensors.tensor(GgmlType.Q4_K, 70, 256, random, 1),
                RandomTensors.tensor(GgmlType.Q8_0, 40, 512, random, 1),
                RandomTensors.tensor(GgmlType.F16, 3, 512, random, 0)};
        float[] shared = RandomTensors.gaussian(512, random);
        float[][] xs = {shared, RandomTensors.gaussian(256, random), RandomTensors.gaussian(512, random), shared};
        for (Kernels k : new Kernels[] {VECTOR1, VECTOR3, SCALAR}) {
            float[][] outs = new float[ws.length][];
            for (int i = 0; i < ws.length; i++) {
                outs[i] = new float[(int) ws[i].rows()];
            }
            k.matmulEach(outs, ws, xs);
            for (int i = 0; i < ws.length; i++) {
                float[] alone = new float[(int) ws[i].rows()];
                k.matmul(alone, ws[i], xs[i]);
                assertThat(outs[i]).as("%s on %s", ws[i].type(), k).containsExactly(alone);
            }
        }
        assertThatThrownBy(() -> VECTOR1.matmulEach(new float[4][], ws, new float[3][]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 inputs for 4 weight tensors");
        assertThatThrownBy(() -> VECTOR1.matmulEach(new float[][] {new float[130]}, new Tensor[] {ws[0]},
                new float[][] {new float[100]})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x has 100 values");
    }

    /**
     * Weights without the panel GEMM take prompt batches as row dots in register tiles (four rows by
     * four activations for F16): with more rows than one group, chunk boundaries between threads, a
     * batch that is not a multiple of four and a row length with a scalar tail, every value equals the
     * single-row dot bit for bit, on one thread and on three.
     */
    static GgmlType[] rowDotTypes() {
        return java.util.Arrays.stream(types()).filter(t -> !MatmulDriver.usesGemm(t)).toArray(GgmlType[]::new);
    }

    @ParameterizedTest
    @MethodSource("rowDotTypes")
    void largeRowDotBatchesEqualSingleRows(GgmlType type) {
        Random random = new Random(7000 + type.ordinal());
        int rows = 70;
        int cols = type.blockSize == 1 ? 9 * 16 + 7 : 4 * type.blockSize;
        Tensor w = RandomTensors.tensor(type, rows, cols, random, 0);
        int n = 2 * MatmulDriver.GEMM_MIN_ROWS + 3;
        float[] x = RandomTensors.gaussian(n * cols, random);
        for (Kernels k : new Kernels[] {VECTOR1, VECTOR3}) {
            float[] batched = new float[n * rows];
            k.matmul(batched, w, x, n);
            for (int i = 0; i < n; i++) {
                float[] single = new float[rows];
                SCALAR.matmul(single, w, java.util.Arrays.copyOfRange(x, i * cols, (i + 1) * cols));
                float[] fast = new float[rows];
                k.matmul(fast, w, java.util.Arrays.copyOfRange(x, i * cols, (i + 1) * cols));
                assertThat(java.util.Arrays.copyOfRange(batched, i * rows, (i + 1) * rows)).as("%s row %d on %s", type, i, k)
                        .containsExactly(fast);
                assertThat(nmse(fast, single, rows)).as("%s against the reference", type).isLessThan(BUDGET.getOrDefault(type, 1e-10));
            }
        }
    }

    /**
     * From GEMM_MIN_ROWS rows on, quantized weights go through the panel GEMM: it agrees with the row
     * dots (the reference arithmetic) within rounding, and a row's result does not depend on the batch
     * it came in (size, companions) nor on the thread count: the same bits.
     */
    static GgmlType[] gemmTypes() {
        return java.util.Arrays.stream(types()).filter(MatmulDriver::usesGemm).toArray(GgmlType[]::new);
    }

    @ParameterizedTest
    @MethodSource("gemmTypes")
    void gemmRowsAgreeWithRowDotsAndDoNotDependOnTheBatch(GgmlType type) {
        Random random = new Random(5000 + type.ordinal());
        int block = Math.max(type.blockSize, 32);
        // more rows than one panel (64) with a ragged last panel; more columns than one panel step (512)
        int rows = 131;
        int cols = type.blockSize == 1 ? 37 * 16 : block * Math.max(3, 1024 / block + 1);
        Tensor w = RandomTensors.tensor(type, rows, cols, random, 1);
        int n = 41;
        float[] x = RandomTensors.gaussian(n * cols, random);
        float[] gemm = new float[n * rows];
        VECTOR2.matmul(gemm, w, x, n);
        float[] dots = new float[n * rows];
        for (int i = 0; i < n; i++) {
            float[] single = new float[rows];
            SCALAR.matmul(single, w, java.util.Arrays.copyOfRange(x, i * cols, (i + 1) * cols));
            System.arraycopy(single, 0, dots, i * rows, rows);
        }
        assertThat(nmse(gemm, dots, n * rows)).as("%s: GEMM vs row dots", type).isLessThan(BUDGET.get(type));
        for (Kernels k : new Kernels[] {SCALAR, VECTOR1, VECTOR3}) {
            float[] other = new float[n * rows];
            k.matmul(other, w, x, n);
            assertThat(other).as("%s on %s vs 2 threads", type, k.name()).containsExactly(gemm);
        }
        // rows 3..3+GEMM_MIN_ROWS on their own: the same bits as inside the batch of 41
        int m = MatmulDriver.GEMM_MIN_ROWS;
        float[] part = new float[m * rows];
        VECTOR2.matmul(part, w, java.util.Arrays.copyOfRange(x, 3 * cols, (3 + m) * cols), m);
        assertThat(part).containsExactly(java.util.Arrays.copyOfRange(gemm, 3 * rows, (3 + m) * rows));
    }

    @ParameterizedTest
    @MethodSource("types")
    void dequantizeRowDecodesTheRightRow(GgmlType type) {
        Random random = new Random(4000 + type.ordinal());
        int cols = 2 * type.blockSize;
        Tensor w = RandomTensors.tensor(type, 3, cols, random, 3);
        float[] row1 = new float[cols + 4];
        VECTOR2.dequantizeRow(row1, 2, w, 1);
        // Row 1 of w is row 0 of a tensor over the same bytes shifted by one row.
        Tensor shifted = new Tensor("w1", type, Shape.matrix(1, cols), w.data().asSlice(w.rowBytes(), w.rowBytes()));
        float[] alone = new float[cols];
        SCALAR.dequantizeRow(alone, 0, shifted, 0);
        assertThat(java.util.Arrays.copyOfRange(row1, 2, 2 + cols)).containsExactly(alone);
        assertThat(row1[0]).isZero();
        assertThat(row1[cols + 2]).isZero();
        // The one-hot activation picks a column: matmul of F32 rows agrees exactly with dequantization.
        if (type == GgmlType.F32) {
            float[] x = new float[cols];
            x[1] = 1;
            float[] out = new float[3];
            SCALAR.matmul(out, w, x);
            assertThat(out[1]).isEqualTo(row1[2 + 1]);
        }
    }

    @Test
    void f32MatmulOnAHandComputedMatrix() {
        Tensor w = Tensor.ofFloats("w", Shape.matrix(2, 3), new float[] {1, 2, 3, -1, 0.5f, 4});
        for (Kernels k : new Kernels[] {SCALAR, VECTOR1, VECTOR2}) {
            float[] out = new float[2];
            k.matmul(out, w, new float[] {2, -1, 0.5f});
            assertThat(out).as(k.name()).containsExactly(1.5f, -0.5f);
        }
    }

    @Test
    void unsupportedTypesAreNamed() {
        Tensor w = new Tensor("blk.0.ffn_down.weight", GgmlType.IQ2_XXS, Shape.matrix(2, 256),
                MemorySegment.ofArray(new byte[2 * 66]));
        for (Kernels k : new Kernels[] {SCALAR, VECTOR2}) {
            assertThat(k.supports(GgmlType.IQ2_XXS)).isFalse();
            assertThat(k.supports(GgmlType.Q4_K)).isTrue();
            assertThatThrownBy(() -> k.matmul(new float[2], w, new float[256]))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("IQ2_XXS").hasMessageContaining("blk.0.ffn_down.weight");
            assertThatThrownBy(() -> k.dequantizeRow(new float[256], 0, w, 0))
                    .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("IQ2_XXS");
        }
    }

    @Test
    void shapeMismatchesReportTheSizes() {
        Tensor w = RandomTensors.tensor(GgmlType.Q8_0, 4, 64, new Random(1), 0);
        for (Kernels k : new Kernels[] {SCALAR, VECTOR2}) {
            assertThatThrownBy(() -> k.matmul(new float[4], w, new float[63]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("63").hasMessageContaining("64");
            assertThatThrownBy(() -> k.matmul(new float[3], w, new float[64]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3").hasMessageContaining("4");
            assertThatThrownBy(() -> k.matmul(new float[8], w, new float[64 * 2], 3))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("128").hasMessageContaining("192");
            assertThatThrownBy(() -> k.matmul(new float[4], w, new float[64], 0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> k.dequantizeRow(new float[64], 1, w, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64");
            assertThatThrownBy(() -> k.dequantizeRow(new float[64], 0, w, 4))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void namesDescribeTheBackend() {
        assertThat(SCALAR.name()).isEqualTo("scalar");
        assertThat(SCALAR.threads()).isEqualTo(1);
        assertThat(VECTOR2.name()).startsWith("vector(").endsWith(", 2 threads)");
        assertThat(VECTOR2.threads()).isEqualTo(2);
        assertThat(VECTOR1.name()).endsWith(", 1 thread)");
        try (Kernels best = Kernels.best()) {
            assertThat(best.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        }
        assertThatThrownBy(() -> Kernels.vector(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closeIsIdempotent() {
        Kernels k = Kernels.vector(2);
        k.close();
        k.close();
    }
}

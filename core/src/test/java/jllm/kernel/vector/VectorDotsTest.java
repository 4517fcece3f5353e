package jllm.kernel.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import jllm.kernel.scalar.Activation;
import jllm.kernel.scalar.ActivationFormat;
import jllm.kernel.scalar.BlockCodec;
import jllm.kernel.scalar.Codecs;
import jllm.kernel.scalar.Numbers;
import jllm.kernel.scalar.RandomTensors;
import jllm.kernel.scalar.RowDot;
import jllm.kernel.scalar.ScaledBlocks;
import jllm.tensor.GgmlType;
import jllm.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each quantized vector row dot against its scalar codec, row by row, from the same prepared activation:
 * random blocks at awkward sizes (one block, odd block counts, many rows, misaligned data) and blocks
 * with extreme scales. Both sum the same exact integer block products; they differ only in the order
 * and fusing of the float scaling and accumulation, so each row may differ by a few float roundings of
 * the sum of absolute block contributions: the bound is {@code 1e-5 * sum |w_i x_i|} over the decoded
 * row and activation (float epsilon 1.2e-7 times a generous count of roundings; the sum of magnitudes,
 * not of the terms, because the min terms of Q4_1/Q5_1/K types cancel against the scaled sums).
 */
class VectorDotsTest {

    private static void assertMatches(GgmlType type, Tensor w, float[] x, String what) {
        RowDot fast = VectorDots.forType(type);
        assumeTrue(fast != null, "no vector row dot on this machine (preferred species too narrow)");
        BlockCodec ref = Codecs.forType(type);
        int cols = Math.toIntExact(w.cols());
        Activation a = ref.activationFormat().quantize(x, 0, cols);
        for (long r = 0; r < w.rows(); r++) {
            long offset = r * w.rowBytes();
            float want = ref.dot(w.data(), offset, a, cols);
            // sum |w_i| |x_i| over the decoded row and activation: the size of the terms being added
            float[] row = new float[cols];
            for (int b = 0; b < cols / type.blockSize; b++) {
                ref.dequantizeBlock(row, b * type.blockSize, w.data(), offset + (long) b * type.blockBytes);
            }
            int xBlock = ref.activationFormat().blockSize;
            double magnitude = 0;
            for (int i = 0; i < cols; i++) {
                magnitude += Math.abs((double) row[i] * a.values[i] * a.d[i / xBlock]);
            }
            float got = fast.dot(w.data(), offset, a, cols);
            if (type == GgmlType.Q2_K) {
                // exact integer block sums, then the reference's own scalar finish (see Q2_KDot)
                assertThat(got).as("%s %s row %d, bit for bit", type, what, r).isEqualTo(want);
            }
            assertThat((double) got).as("%s %s row %d", type, what, r).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-5 * magnitude + 1e-30));
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "IQ4_NL", "MXFP4", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void randomBlocksAtAwkwardSizes(GgmlType type) {
        Random random = new Random(77 + type.ordinal());
        for (int blocks : new int[] {1, 3, 7, 16}) {
            for (int rows : new int[] {1, 5, 64}) {
                int cols = blocks * type.blockSize;
                Tensor w = RandomTensors.tensor(type, rows, cols, random, (blocks + rows) % 3);
                float[] x = RandomTensors.gaussian(cols, random);
                assertMatches(type, w, x, blocks + " blocks x " + rows + " rows");
            }
        }
    }

    @Test
    void f16RowsWidenEveryHalfExactly() {
        // every F16 bit pattern, alone in a row of zeros, dotted with ones: the dot is that half's value
        RowDot fast = VectorDots.forType(GgmlType.F16);
        assumeTrue(fast != null, "no vector row dot on this machine (preferred species too narrow)");
        int cols = 48; // three vectors of 16, six of 8; plus, in dot4, the four-activation path
        float[] ones = new float[cols];
        java.util.Arrays.fill(ones, 1f);
        Activation x = ActivationFormat.F16.quantize(ones, 0, cols);
        MemorySegment row = java.lang.foreign.Arena.ofAuto().allocate(2L * cols, 64);
        float[] four = new float[4];
        for (int bits = 0; bits < 1 << 16; bits++) {
            int at = bits % (cols - 1);
            row.fill((byte) 0);
            row.set(Numbers.LE_SHORT, 2L * at, (short) bits);
            float want = Float.float16ToFloat((short) bits);
            float got = fast.dot(row, 0, x, cols);
            fast.dot4(row, 0, x, x, x, x, cols, four);
            if (Float.isNaN(want)) {
                assertThat(got).as("half 0x%04x", bits).isNaN();
                assertThat(four[3]).as("half 0x%04x, dot4", bits).isNaN();
            } else {
                // -0 plus zeros is +0, so compare values, not bits, for zeros
                assertThat(got).as("half 0x%04x", bits).isEqualTo(want == 0 ? 0f : want);
                assertThat(four[3]).as("half 0x%04x, dot4", bits).isEqualTo(want == 0 ? 0f : want);
            }
        }
    }

    /**
     * A decoding step's rows in groups ({@link RowDot#dotRows(MemorySegment, long, long, int, Activation, int,
     * float[], int)}: four rows share each activation load when rows are long) give every row exactly
     * {@link RowDot#dot}'s bits: long rows (past 4096 columns, with a scalar tail for F16), a count that
     * leaves rows outside any group, and for F16 an infinity in one row of a group.
     */
    /** Every weight type a decoding step reads through the memory-stream path. */
    private static final String[] STREAM_TYPES = {"F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K",
            "Q4_K", "Q5_K", "Q6_K", "IQ4_NL", "MXFP4"};

    /**
     * Runs far apart read side by side ({@link RowDot#dotRuns}: block by block four at a time for the
     * types with such a kernel, else span by span, {@link RowDot#dotSpan}) give every row exactly
     * {@link RowDot#dot}'s bits: 2, 3, 4 and 8 runs, long and short rows, rows whose blocks do not divide
     * into equal spans (7 and 1 blocks), and non-finite values: a block of all-ones bytes in one run (NaN
     * scales or, for MXFP4, the largest exponent; NaN values for F16 and BF16) and for F16 and BF16 an infinity in another.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("streamTypes")
    void runsSideBySideEqualSingleRows(GgmlType type) {
        RowDot fast = VectorDots.forType(type);
        assumeTrue(fast != null, "no vector row dot on this machine (preferred species too narrow)");
        Random random = new Random(191 + type.ordinal());
        int block = Math.max(32, type.blockSize);
        for (int cols : new int[] {type.blockSize == 1 ? 4096 + 7 : 4096 + 3 * block, 2 * block, 7 * block, block}) {
            for (int runs : new int[] {2, 3, 4, 8}) {
                int runRows = 5;
                int count = 3; // rows read of each run, from its second row
                Tensor w = RandomTensors.tensor(type, runs * runRows, cols, random, 1);
                long nanRow = (long) runRows + 2;  // run 1, row 1 of the three read
                long infRow = 3L * runRows / 2 + 1; // in run 0 or 1, another row
                long blockBytes = w.rowBytes() / (cols / block);
                w.data().asSlice(nanRow * w.rowBytes() + cols / block / 2 * blockBytes, blockBytes).fill((byte) -1);
                if (type == GgmlType.F16 || type == GgmlType.BF16) {
                    short inf = type == GgmlType.F16 ? (short) 0x7C00 : (short) 0x7F80;
                    w.data().set(Numbers.LE_SHORT, infRow * w.rowBytes() + 2L * (cols / 3), inf);
                }
                float[] x = RandomTensors.gaussian(cols, random);
                Activation a = Codecs.forType(type).activationFormat().quantize(x, 0, cols);
                float[] out = new float[runs * runRows + 1];
                fast.dotRuns(w.data(), w.rowBytes(), runRows * w.rowBytes(), runs, w.rowBytes(), count, a, cols, out, 2, runRows);
                for (int j = 0; j < runs; j++) {
                    for (int k = 0; k < count; k++) {
                        int row = j * runRows + 1 + k;
                        float single = fast.dot(w.data(), row * w.rowBytes(), a, cols);
                        assertThat(Float.floatToRawIntBits(out[2 + j * runRows + k])).as("%s, %d columns, %d runs, row %d: bits of %s",
                                type, cols, runs, row, single).isEqualTo(Float.floatToRawIntBits(single));
                    }
                }
                assertThat(Float.isFinite(out[2 + runRows + 1])).as("%s: the row holding a block of all-ones bytes is finite", type)
                        .isFalse();
                if (type == GgmlType.F16 || type == GgmlType.BF16) {
                    assertThat(out[2 + (int) infRow - 1]).as("%s: the row holding an infinity", type).isInfinite();
                }
            }
        }
        assertThat(VectorDots.forType(GgmlType.F32).readsSideBySide(4)).as("a type read row by row").isFalse();
    }

    static String[] streamTypes() {
        return STREAM_TYPES;
    }

    @ParameterizedTest
    @EnumSource(names = {"F16", "BF16", "F32", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K",
            "IQ4_NL", "MXFP4"})
    void rowGroupsEqualSingleRows(GgmlType type) {
        RowDot fast = VectorDots.forType(type);
        assumeTrue(fast != null, "no vector row dot on this machine (preferred species too narrow)");
        Random random = new Random(91 + type.ordinal());
        for (int cols : new int[] {type.blockSize == 1 ? 4096 + 7 : 4096 + 3 * Math.max(32, type.blockSize), 2 * Math.max(32, type.blockSize)}) {
            int rows = 11; // two groups of four and three rows on their own
            Tensor w = RandomTensors.tensor(type, rows, cols, random, 1);
            if (type == GgmlType.F16) {
                w.data().set(Numbers.LE_SHORT, 5 * w.rowBytes() + 2L * (cols / 2), (short) 0x7C00); // +inf in row 5
            }
            float[] x = RandomTensors.gaussian(cols, random);
            Activation a = Codecs.forType(type).activationFormat().quantize(x, 0, cols);
            float[] grouped = new float[rows + 1];
            fast.dotRows(w.data(), 0, w.rowBytes(), rows, a, cols, grouped, 1);
            for (int r = 0; r < rows; r++) {
                float single = fast.dot(w.data(), r * w.rowBytes(), a, cols);
                assertThat(grouped[1 + r]).as("%s, %d columns, row %d", type, cols, r).isEqualTo(single);
            }
            if (type == GgmlType.F16) {
                assertThat(grouped[1 + 5]).as("the row holding an infinity").isInfinite();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"Q8_0", "Q4_0", "Q5_0", "IQ4_NL", "MXFP4"})
    void quantsAndScaleAreTheDecodedBlock(GgmlType type) {
        Random random = new Random(55 + type.ordinal());
        Tensor w = RandomTensors.tensor(type, 3, 7 * 32, random, 1);
        BlockCodec ref = Codecs.forType(type);
        ScaledBlocks refQuants = (ScaledBlocks) ref;
        RowDot fast = VectorDots.forType(type);
        for (long b = 0; b < w.size() / 32; b++) {
            long offset = b * type.blockBytes;
            float[] decoded = new float[32];
            ref.dequantizeBlock(decoded, 0, w.data(), offset);
            float[] q = new float[33];
            float d = refQuants.quantsBlock(q, 1, w.data(), offset);
            for (int j = 0; j < 32; j++) {
                assertThat(q[1 + j]).as("%s block %d value %d is an integer", type, b, j).isEqualTo((float) Math.rint(q[1 + j]));
                assertThat(q[1 + j] * d).as("%s block %d value %d", type, b, j).isEqualTo(decoded[j]);
            }
            if (fast instanceof ScaledBlocks fastQuants) {
                float[] got = new float[33];
                assertThat(fastQuants.quantsBlock(got, 1, w.data(), offset)).isEqualTo(d);
                assertThat(got).as("%s block %d, vector reader", type, b).containsExactly(q);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "IQ4_NL", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void extremeScales(GgmlType type) {
        Random random = new Random(99 + type.ordinal());
        int cols = 5 * type.blockSize;
        // the largest finite F16 scales, tiny subnormal ones, zero, and activations from 1e-6 to 1e4
        float[] scales = {65504f, -65504f, 6.0e-8f, 0f, 1f};
        for (float scale : scales) {
            Tensor w = RandomTensors.tensor(type, 3, cols, random, 1);
            for (long b = 0; b < 3L * cols / type.blockSize; b++) {
                for (int f : scaleOffsets(type)) {
                    w.data().set(Numbers.LE_SHORT, b * type.blockBytes + f, Float.floatToFloat16(scale));
                }
            }
            float[] x = RandomTensors.gaussian(cols, random);
            for (int i = 0; i < cols; i++) {
                x[i] *= (float) Math.pow(10, (i % 11) - 6 + (scale > 1000 ? -4 : 0));
            }
            assertMatches(type, w, x, "scale " + scale);
        }
    }

    /**
     * MXFP4's E8M0 exponents from end to end, with activations from 1e-6 to 1e4: the subnormal scales
     * 2^-128 and 2^-127, 2^-126, the usual range, and up to 2^92 (from about 2^106 on, the block products
     * with these activations overflow a float; e = 254 and 255 are decoded in BlockDecodeTest).
     */
    @Test
    void mxfp4ExtremeExponents() {
        GgmlType type = GgmlType.MXFP4;
        Random random = new Random(99 + type.ordinal());
        int cols = 5 * type.blockSize;
        for (int e : new int[] {0, 1, 2, 100, 127, 128, 160, 220}) {
            Tensor w = RandomTensors.tensor(type, 3, cols, random, 1);
            for (long b = 0; b < 3L * cols / type.blockSize; b++) {
                w.data().set(java.lang.foreign.ValueLayout.JAVA_BYTE, b * type.blockBytes, (byte) e);
            }
            float[] x = RandomTensors.gaussian(cols, random);
            for (int i = 0; i < cols; i++) {
                x[i] *= (float) Math.pow(10, (i % 11) - 6);
            }
            assertMatches(type, w, x, "exponent " + e);
        }
    }

    /** Byte offsets of the F16 scale fields (d, and dmin / m where the type has one) in one block. */
    private static int[] scaleOffsets(GgmlType type) {
        return switch (type) {
            case Q4_0, Q5_0, Q8_0, IQ4_NL -> new int[] {0};
            case Q4_1, Q5_1, Q4_K, Q5_K -> new int[] {0, 2};
            case Q2_K -> new int[] {80, 82};
            case Q3_K -> new int[] {108};
            case Q6_K -> new int[] {208};
            default -> throw new IllegalArgumentException(type.toString());
        };
    }
}

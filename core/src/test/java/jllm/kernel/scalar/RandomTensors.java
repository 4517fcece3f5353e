package jllm.kernel.scalar;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import jllm.tensor.GgmlType;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;

/**
 * Random weight tensors of any supported type for tests: random quant bytes with sane F16 scales
 * (MXFP4: E8M0 exponents), so no block decodes to infinity or NaN, placed at a chosen byte offset
 * inside a heap segment.
 */
public final class RandomTensors {

    private RandomTensors() {
    }

    /** Byte offsets of the F16 scale fields in one block of {@code type}. */
    static int[] scaleFields(GgmlType type) {
        return switch (type) {
            case Q4_0, Q5_0, Q8_0, IQ4_NL -> new int[] {0};
            case Q4_1, Q5_1, Q4_K, Q5_K -> new int[] {0, 2};
            case Q2_K -> new int[] {80, 82};
            case Q3_K -> new int[] {108};
            case Q6_K -> new int[] {208};
            default -> new int[0];
        };
    }

    /** A {@code rows x cols} tensor of {@code type} whose data starts {@code misalign} bytes into a byte[]. */
    public static Tensor tensor(GgmlType type, int rows, int cols, Random random, int misalign) {
        long bytes = type.bytesFor((long) rows * cols);
        MemorySegment all = MemorySegment.ofArray(new byte[Math.toIntExact(bytes + misalign + 5)]);
        MemorySegment data = all.asSlice(misalign, bytes);
        switch (type) {
            case F32 -> {
                for (long i = 0; i < bytes / 4; i++) {
                    data.set(Numbers.LE_FLOAT, 4 * i, (float) random.nextGaussian());
                }
            }
            case F16 -> {
                for (long i = 0; i < bytes / 2; i++) {
                    data.set(Numbers.LE_SHORT, 2 * i, Float.floatToFloat16((float) random.nextGaussian()));
                }
            }
            case BF16 -> {
                for (long i = 0; i < bytes / 2; i++) {
                    data.set(Numbers.LE_SHORT, 2 * i, Numbers.floatToBf16((float) random.nextGaussian()));
                }
            }
            default -> {
                byte[] noise = new byte[(int) bytes];
                random.nextBytes(noise);
                MemorySegment.copy(MemorySegment.ofArray(noise), 0, data, 0, bytes);
                int[] fields = scaleFields(type);
                for (long b = 0; b < bytes / type.blockBytes; b++) {
                    for (int f : fields) {
                        float scale = (0.002f + 0.02f * random.nextFloat()) * (f == fields[0] ? 1 : -1);
                        data.set(Numbers.LE_SHORT, b * type.blockBytes + f, Float.floatToFloat16(scale));
                    }
                    if (type == GgmlType.MXFP4) { // d = 2^(e - 128) from 2^-9 to 2^-2: values up to 3
                        data.set(ValueLayout.JAVA_BYTE, b * type.blockBytes, (byte) (119 + random.nextInt(8)));
                    }
                }
            }
        }
        return new Tensor("w", type, Shape.matrix(rows, cols), data);
    }

    /** {@code n} Gaussian values. */
    public static float[] gaussian(int n, Random random) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    /** Every type with a reference codec. */
    public static GgmlType[] supportedTypes() {
        return java.util.Arrays.stream(GgmlType.values()).filter(t -> Codecs.forType(t) != null).toArray(GgmlType[]::new);
    }
}

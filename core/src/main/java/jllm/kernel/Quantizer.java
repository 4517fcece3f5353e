package jllm.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import jllm.kernel.scalar.BlockCodec;
import jllm.kernel.scalar.Codecs;
import jllm.tensor.GgmlType;
import jllm.tensor.Tensor;

/**
 * Converts tensors to another storage type with ggml's reference quantizers (one per codec): what
 * {@code jllm quantize} and training output use.
 *
 * <pre>{@code
 * Tensor q = Quantizer.convert(weights, GgmlType.Q8_0, arena);
 * }</pre>
 */
public final class Quantizer {
    private Quantizer() {
    }

    /** Whether tensors can be written in this type. */
    public static boolean canWrite(GgmlType type) {
        BlockCodec c = Codecs.forType(type);
        return c != null && c.canQuantize();
    }

    /** Whether a tensor of this row length can be stored in this type (whole blocks per row). */
    public static boolean fits(Tensor t, GgmlType type) {
        return t.cols() % type.blockSize == 0;
    }

    /** Re-encodes {@code t} in {@code type}, row by row, into memory from {@code arena}. */
    public static Tensor convert(Tensor t, GgmlType type, Arena arena) {
        if (!canWrite(type)) {
            throw new UnsupportedOperationException("jllm cannot write " + type + " tensors yet");
        }
        if (!fits(t, type)) {
            throw new IllegalArgumentException(t.name() + ": rows of " + t.cols() + " values are not a whole number of "
                    + type + " blocks of " + type.blockSize);
        }
        if (t.type() == type) {
            return t;
        }
        BlockCodec src = Codecs.forType(t.type());
        if (src == null) {
            throw new UnsupportedOperationException(t.name() + ": jllm cannot read " + t.type() + " tensors");
        }
        BlockCodec dst = Codecs.forType(type);
        int cols = Math.toIntExact(t.cols());
        long rowBytes = type.bytesFor(cols);
        MemorySegment out = arena.allocate(rowBytes * t.rows(), 64);
        float[] row = new float[cols];
        for (long r = 0; r < t.rows(); r++) {
            long in = r * t.rowBytes();
            for (int b = 0; b < cols / t.type().blockSize; b++) {
                src.dequantizeBlock(row, b * t.type().blockSize, t.data(), in + (long) b * t.type().blockBytes);
            }
            long o = r * rowBytes;
            for (int b = 0; b < cols / type.blockSize; b++) {
                dst.quantizeBlock(out, o + (long) b * type.blockBytes, row, b * type.blockSize);
            }
        }
        return new Tensor(t.name(), type, t.shape(), out);
    }
}

package jllm.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A named view of tensor data in memory: usually a slice of a memory-mapped model file, never a copy.
 *
 * <p>Rows are {@code shape.cols()} values long and stored one after another; a quantized row is a
 * whole number of blocks of {@code type}.
 *
 * @param name  the tensor's name in its file (GGUF naming, e.g. {@code blk.0.attn_q.weight})
 * @param type  storage type
 * @param shape dimensions in ggml order
 * @param data  exactly {@code type.bytesFor(shape.elementCount())} bytes
 */
public record Tensor(String name, GgmlType type, Shape shape, MemorySegment data) {

    public Tensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        long need = type.bytesFor(shape.elementCount());
        if (shape.cols() % type.blockSize != 0) {
            throw new IllegalArgumentException(name + ": row length " + shape.cols()
                    + " is not a multiple of the " + type + " block size " + type.blockSize);
        }
        if (need != data.byteSize()) {
            throw new IllegalArgumentException(name + ": " + type + " " + shape + " needs " + need
                    + " bytes, the data has " + data.byteSize());
        }
    }

    /** Number of rows (every dimension but the first). */
    public long rows() {
        return shape.rows();
    }

    /** Values per row. */
    public long cols() {
        return shape.cols();
    }

    /** Bytes of one row. */
    public long rowBytes() {
        return type.bytesFor(shape.cols());
    }

    /** Element count. */
    public long size() {
        return shape.elementCount();
    }

    /**
     * Rows {@code [from, from + count)} of a matrix as a tensor of their own, over the same memory (a
     * fused qkv or gate_up weight split without copying).
     */
    public Tensor rowSlice(String sliceName, long from, long count) {
        if (shape.rank() != 2 || from < 0 || count <= 0 || from + count > rows()) {
            throw new IllegalArgumentException(name + ": rows [" + from + ", " + (from + count) + ") are not inside "
                    + shape);
        }
        return new Tensor(sliceName, type, Shape.matrix(count, cols()), data.asSlice(from * rowBytes(), count * rowBytes()));
    }

    /**
     * Matrix {@code index} of a stack of matrices (a 3-D tensor of ne {@code (cols, rows, count)}, such as
     * GGUF's expert tensors), as a 2-D tensor of its own over the same memory.
     */
    public Tensor matrix(String matrixName, long index) {
        long count = shape.dim(2);
        if (shape.rank() != 3 || index < 0 || index >= count) {
            throw new IllegalArgumentException(name + ": matrix " + index + " is not inside " + shape);
        }
        long rows = shape.dim(1);
        long bytes = rows * rowBytes();
        return new Tensor(matrixName, type, Shape.matrix(rows, cols()), data.asSlice(index * bytes, bytes));
    }

    /** A tensor over float values held on the heap, for tests and small computed weights. */
    public static Tensor ofFloats(String name, Shape shape, float[] values) {
        MemorySegment seg = MemorySegment.ofArray(new byte[Math.multiplyExact(values.length, 4)]);
        MemorySegment.copy(values, 0, seg, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0, values.length);
        return new Tensor(name, GgmlType.F32, shape, seg);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + shape;
    }
}

package jllm.format.gguf;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

import jllm.tensor.GgmlType;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;

/**
 * Writes GGUF version 3 files: metadata of every value type (nested arrays included), the tensor
 * table, and the tensor data, each tensor at an offset that is a multiple of the alignment.
 *
 * <p>Tensor data is streamed from the {@link MemorySegment}s given (typically slices of another
 * memory-mapped model file), or made one at a time while writing ({@link TensorBytes}: a conversion), so
 * writing never holds all tensor data in memory. Tensors are laid out
 * in the order they were added. The alignment is {@code general.alignment} when that key is set
 * (see {@link Builder#alignment(int)}), else {@value GgufFile#DEFAULT_ALIGNMENT}.
 *
 * <pre>{@code
 * GgufWriter.builder()
 *         .putString("general.architecture", "llama")
 *         .putUInt32("llama.block_count", 2)
 *         .putStringArray("tokenizer.ggml.tokens", List.of("<unk>", "<s>"))
 *         .addTensor("token_embd.weight", GgmlType.F32, Shape.of(64, 512), segment)
 *         .write(Path.of("model.gguf"));
 * }</pre>
 */
public final class GgufWriter {
    /** GGUF version written. */
    public static final int VERSION = 3;

    private GgufWriter() {
    }

    /** A new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The bytes of a tensor, made when the file is written (a conversion or a quantization), in memory
     * from {@code arena}, which is closed as soon as the tensor is written: a converter holds one
     * converted tensor at a time, never the whole model.
     */
    @FunctionalInterface
    public interface TensorBytes {
        /** Exactly the tensor's bytes, allocated from {@code arena} or a view of memory that outlives it. */
        MemorySegment make(Arena arena);
    }

    /** One tensor to write: its table entry, its size and where its bytes come from. */
    private record PendingTensor(String name, GgmlType type, Shape shape, long bytes, TensorBytes data) {
    }

    /** Collects metadata and tensors, then writes them. Not thread-safe; reusable after writing. */
    public static final class Builder {
        private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
        private final Map<String, PendingTensor> tensors = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Sets a metadata value (replacing an earlier value of the same key, in its place). The value
         * is checked against its type now: an integer must fit its type's range, an array's contents
         * must match its element type.
         */
        public Builder put(String key, GgufValue value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            checkValue(key, value.type(), value.value());
            if (key.equals("general.alignment")) {
                alignmentOf(value);
            }
            metadata.put(key, value);
            return this;
        }

        /** Sets every value of {@code values}, in its order (e.g. another file's metadata). */
        public Builder putAll(GgufMetadata values) {
            values.asMap().forEach(this::put);
            return this;
        }

        public Builder putString(String key, String value) {
            return put(key, new GgufValue(GgufValueType.STRING, value));
        }

        public Builder putUInt8(String key, int value) {
            return put(key, new GgufValue(GgufValueType.UINT8, (long) value));
        }

        public Builder putInt8(String key, int value) {
            return put(key, new GgufValue(GgufValueType.INT8, (long) value));
        }

        public Builder putUInt16(String key, int value) {
            return put(key, new GgufValue(GgufValueType.UINT16, (long) value));
        }

        public Builder putInt16(String key, int value) {
            return put(key, new GgufValue(GgufValueType.INT16, (long) value));
        }

        /** A UINT32 value, given as a long in [0, 2^32). */
        public Builder putUInt32(String key, long value) {
            return put(key, new GgufValue(GgufValueType.UINT32, value));
        }

        public Builder putInt32(String key, int value) {
            return put(key, new GgufValue(GgufValueType.INT32, (long) value));
        }

        /** A UINT64 value; its 64 bits are written as they are (negative longs stand for 2^63 and above). */
        public Builder putUInt64(String key, long value) {
            return put(key, new GgufValue(GgufValueType.UINT64, value));
        }

        public Builder putInt64(String key, long value) {
            return put(key, new GgufValue(GgufValueType.INT64, value));
        }

        public Builder putFloat32(String key, float value) {
            return put(key, new GgufValue(GgufValueType.FLOAT32, (double) value));
        }

        public Builder putFloat64(String key, double value) {
            return put(key, new GgufValue(GgufValueType.FLOAT64, value));
        }

        public Builder putBool(String key, boolean value) {
            return put(key, new GgufValue(GgufValueType.BOOL, value));
        }

        public Builder putStringArray(String key, List<String> values) {
            return put(key, new GgufValue(GgufValueType.ARRAY, new GgufValue.GgufArray(GgufValueType.STRING,
                    null, null, null, List.copyOf(values), null)));
        }

        public Builder putFloat32Array(String key, float[] values) {
            double[] d = new double[values.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = values[i];
            }
            return put(key, new GgufValue(GgufValueType.ARRAY, new GgufValue.GgufArray(GgufValueType.FLOAT32,
                    null, d, null, null, null)));
        }

        public Builder putInt32Array(String key, int[] values) {
            long[] l = new long[values.length];
            for (int i = 0; i < l.length; i++) {
                l[i] = values[i];
            }
            return put(key, new GgufValue(GgufValueType.ARRAY, new GgufValue.GgufArray(GgufValueType.INT32,
                    l, null, null, null, null)));
        }

        /** A snapshot of the metadata set so far, in write order. */
        public GgufMetadata metadata() {
            return new GgufMetadata("<GgufWriter>", metadata);
        }

        /** Sets {@code general.alignment} (UINT32): a power of two up to {@link GgufFile#MAX_ALIGNMENT}. */
        public Builder alignment(int alignment) {
            return putUInt32("general.alignment", alignment);
        }

        /**
         * Adds a tensor whose bytes are read from {@code data} when the file is written (so a slice of a
         * mapped file must stay open until then). {@code data} must hold exactly the tensor's bytes.
         */
        public Builder addTensor(String name, GgmlType type, Shape shape, MemorySegment data) {
            Objects.requireNonNull(name, "name");
            // the Tensor record checks block alignment of rows and the byte size
            Tensor t = new Tensor(name, type, shape, data);
            return add(new PendingTensor(name, t.type(), t.shape(), data.byteSize(), arena -> data));
        }

        /**
         * Adds a tensor whose bytes are made only when the file is written, one tensor at a time
         * ({@link TensorBytes}); they must be exactly {@code type.bytesFor(shape.elementCount())} long.
         */
        public Builder addTensor(String name, GgmlType type, Shape shape, TensorBytes data) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(data, "data");
            if (shape.cols() % type.blockSize != 0) {
                throw new IllegalArgumentException(name + ": row length " + shape.cols()
                        + " is not a multiple of the " + type + " block size " + type.blockSize);
            }
            return add(new PendingTensor(name, type, shape, type.bytesFor(shape.elementCount()), data));
        }

        private Builder add(PendingTensor t) {
            if (tensors.putIfAbsent(t.name(), t) != null) {
                throw new IllegalArgumentException(t.name() + ": a tensor of this name was already added");
            }
            return this;
        }

        /** Adds a tensor view (e.g. one from another {@link GgufFile}). */
        public Builder addTensor(Tensor tensor) {
            return addTensor(tensor.name(), tensor.type(), tensor.shape(), tensor.data());
        }

        /** Adds a tensor of raw bytes already encoded as {@code type}. */
        public Builder addTensor(String name, GgmlType type, Shape shape, byte[] data) {
            return addTensor(name, type, shape, MemorySegment.ofArray(data));
        }

        /** Adds an F32 tensor. */
        public Builder addTensor(String name, Shape shape, float[] values) {
            return addTensor(Tensor.ofFloats(name, shape, values));
        }

        /**
         * Writes the file, replacing {@code path} atomically where the file system allows. The file gets the
         * permissions of any new file in that folder (the umask's, as {@code cp} or a shell redirect give).
         */
        public void write(Path path) {
            Path dir = path.toAbsolutePath().getParent();
            Path tmp = null;
            try {
                tmp = newPartFile(dir, path.getFileName().toString());
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    writeTo(ch);
                }
                try {
                    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
                }
                tmp = null;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
            } finally {
                if (tmp != null) {
                    try {
                        Files.deleteIfExists(tmp);
                    } catch (IOException ignored) {
                        // the write already failed; that error is the one to report
                    }
                }
            }
        }

        /**
         * A new empty file beside the target, created without explicit permissions: Files.createTempFile
         * would make it owner-only (0600) whatever the umask, and the rename would give the model file that mode.
         */
        private static Path newPartFile(Path dir, String name) throws IOException {
            for (int attempt = 0; ; attempt++) {
                Path p = dir.resolve(name + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".part");
                try {
                    return Files.createFile(p);
                } catch (FileAlreadyExistsException e) {
                    if (attempt >= 100) {
                        throw e;
                    }
                }
            }
        }

        /** Writes the file to a stream (not closed). */
        public void writeTo(OutputStream out) throws IOException {
            writeTo(Channels.newChannel(out));
        }

        /** The whole file as a byte array (small files: tests, fuzzing seeds). */
        public byte[] toByteArray() {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try {
                writeTo(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        /** Writes the file to a channel (not closed). */
        public void writeTo(WritableByteChannel out) throws IOException {
            long align = metadata.containsKey("general.alignment")
                    ? alignmentOf(metadata.get("general.alignment")) : GgufFile.DEFAULT_ALIGNMENT;
            HeaderBuffer h = new HeaderBuffer();
            h.u32(GgufFile.MAGIC);
            h.u32(VERSION);
            h.u64(tensors.size());
            h.u64(metadata.size());
            for (Map.Entry<String, GgufValue> e : metadata.entrySet()) {
                h.string(e.getKey());
                h.u32(e.getValue().type().id);
                writeValue(h, e.getValue().type(), e.getValue().value());
            }
            // offsets relative to the data section, each rounded up to the alignment
            long offset = 0;
            List<Long> offsets = new ArrayList<>(tensors.size());
            for (PendingTensor t : tensors.values()) {
                offsets.add(offset);
                offset = alignUp(offset + t.bytes(), align);
            }
            int i = 0;
            for (PendingTensor t : tensors.values()) {
                h.string(t.name());
                long[] ne = t.shape().ne();
                h.u32(ne.length);
                for (long d : ne) {
                    h.u64(d);
                }
                h.u32(t.type().id);
                h.u64(offsets.get(i++));
            }
            long headerBytes = h.size();
            h.flushTo(out);
            ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(align, 1 << 16));
            writeZeros(out, zeros, alignUp(headerBytes, align) - headerBytes);
            for (PendingTensor t : tensors.values()) {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment data = t.data().make(arena);
                    if (data.byteSize() != t.bytes()) {
                        throw new IllegalStateException(t.name() + ": " + t.type() + " " + t.shape() + " needs "
                                + t.bytes() + " bytes, " + data.byteSize() + " were made");
                    }
                    copy(data, out);
                }
                writeZeros(out, zeros, alignUp(t.bytes(), align) - t.bytes());
            }
        }

        private static void copy(MemorySegment src, WritableByteChannel out) throws IOException {
            final long chunk = 1 << 20;
            byte[] heap = null;
            for (long pos = 0; pos < src.byteSize(); pos += chunk) {
                MemorySegment part = src.asSlice(pos, Math.min(chunk, src.byteSize() - pos));
                ByteBuffer buf;
                if (part.isNative() || part.isMapped()) {
                    buf = part.asByteBuffer();
                } else {
                    // heap segments over non-byte arrays (e.g. float[]) cannot become ByteBuffers
                    if (heap == null) {
                        heap = new byte[(int) Math.min(chunk, src.byteSize())];
                    }
                    int len = (int) part.byteSize();
                    MemorySegment.copy(part, ValueLayout.JAVA_BYTE, 0, heap, 0, len);
                    buf = ByteBuffer.wrap(heap, 0, len);
                }
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
            }
        }

        private static void writeZeros(WritableByteChannel out, ByteBuffer zeros, long n) throws IOException {
            while (n > 0) {
                zeros.clear().limit((int) Math.min(n, zeros.capacity()));
                n -= zeros.remaining();
                while (zeros.hasRemaining()) {
                    out.write(zeros);
                }
            }
        }
    }

    private static long alignUp(long x, long align) {
        return (x + align - 1) / align * align;
    }

    private static long alignmentOf(GgufValue v) {
        if (!v.type().isInteger()) {
            throw new IllegalArgumentException("general.alignment must be an integer, not " + v.type());
        }
        long a = (Long) v.value();
        if (a <= 0 || a > GgufFile.MAX_ALIGNMENT || Long.bitCount(a) != 1) {
            throw new IllegalArgumentException("general.alignment " + a + " is not a power of two between 1 and "
                    + GgufFile.MAX_ALIGNMENT);
        }
        return a;
    }

    /** Checks that {@code value} is what a value of {@code type} holds (see {@link GgufValue}). */
    private static void checkValue(String key, GgufValueType type, Object value) {
        switch (type) {
            case STRING -> require(key, type, value instanceof String);
            case BOOL -> require(key, type, value instanceof Boolean);
            case FLOAT32, FLOAT64 -> require(key, type, value instanceof Double);
            case ARRAY -> {
                require(key, type, value instanceof GgufValue.GgufArray);
                checkArray(key, (GgufValue.GgufArray) value);
            }
            default -> {
                require(key, type, value instanceof Long);
                long v = (Long) value;
                boolean fits = switch (type) {
                    case UINT8 -> v >= 0 && v <= 0xFF;
                    case INT8 -> v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE;
                    case UINT16 -> v >= 0 && v <= 0xFFFF;
                    case INT16 -> v >= Short.MIN_VALUE && v <= Short.MAX_VALUE;
                    case UINT32 -> v >= 0 && v <= 0xFFFF_FFFFL;
                    case INT32 -> v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
                    default -> true; // UINT64, INT64: all 64 bits
                };
                if (!fits) {
                    throw new IllegalArgumentException(key + ": value " + v + " does not fit " + type);
                }
            }
        }
    }

    private static void require(String key, GgufValueType type, boolean ok) {
        if (!ok) {
            throw new IllegalArgumentException(key + ": the value does not hold a " + type);
        }
    }

    private static void checkArray(String key, GgufValue.GgufArray a) {
        GgufValueType et = Objects.requireNonNull(a.elementType(), key + ": array element type");
        boolean ok = switch (et) {
            case STRING -> a.strings() != null;
            case ARRAY -> a.arrays() != null;
            case BOOL -> a.bools() != null;
            case FLOAT32, FLOAT64 -> a.floats() != null;
            default -> a.integers() != null;
        };
        require(key, et, ok);
        switch (et) {
            case STRING -> a.strings().forEach(s -> require(key, et, s != null));
            case ARRAY -> a.arrays().forEach(x -> checkArray(key, x));
            case BOOL, FLOAT32, FLOAT64 -> {
            }
            default -> {
                for (long v : a.integers()) {
                    checkValue(key, et, v);
                }
            }
        }
    }

    private static void writeValue(HeaderBuffer h, GgufValueType type, Object value) {
        switch (type) {
            case UINT8, INT8 -> h.u8((int) (long) (Long) value);
            case UINT16, INT16 -> h.u16((int) (long) (Long) value);
            case UINT32, INT32 -> h.u32((int) (long) (Long) value);
            case UINT64, INT64 -> h.u64((Long) value);
            case FLOAT32 -> h.u32(Float.floatToRawIntBits((float) (double) (Double) value));
            case FLOAT64 -> h.u64(Double.doubleToRawLongBits((Double) value));
            case BOOL -> h.u8((Boolean) value ? 1 : 0);
            case STRING -> h.string((String) value);
            case ARRAY -> writeArray(h, (GgufValue.GgufArray) value);
        }
    }

    private static void writeArray(HeaderBuffer h, GgufValue.GgufArray a) {
        GgufValueType et = a.elementType();
        h.u32(et.id);
        h.u64(a.size());
        switch (et) {
            case STRING -> a.strings().forEach(h::string);
            case ARRAY -> a.arrays().forEach(x -> writeArray(h, x));
            case BOOL -> {
                for (boolean b : a.bools()) {
                    h.u8(b ? 1 : 0);
                }
            }
            case FLOAT32, FLOAT64 -> {
                for (double d : a.floats()) {
                    writeValue(h, et, d);
                }
            }
            default -> {
                for (long v : a.integers()) {
                    writeValue(h, et, v);
                }
            }
        }
    }

    /** A growable little-endian byte buffer for the header (metadata and tensor table). */
    private static final class HeaderBuffer {
        private ByteBuffer buf = ByteBuffer.allocate(1 << 12).order(ByteOrder.LITTLE_ENDIAN);

        private void ensure(int n) {
            if (buf.remaining() < n) {
                long cap = Math.max((long) buf.capacity() * 2, (long) buf.position() + n);
                if (cap > Integer.MAX_VALUE - 16) {
                    throw new IllegalArgumentException("GGUF header larger than 2 GiB");
                }
                ByteBuffer bigger = ByteBuffer.allocate((int) cap).order(ByteOrder.LITTLE_ENDIAN);
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        }

        void u8(int v) {
            ensure(1);
            buf.put((byte) v);
        }

        void u16(int v) {
            ensure(2);
            buf.putShort((short) v);
        }

        void u32(int v) {
            ensure(4);
            buf.putInt(v);
        }

        void u64(long v) {
            ensure(8);
            buf.putLong(v);
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            ensure(b.length);
            buf.put(b);
        }

        long size() {
            return buf.position();
        }

        void flushTo(WritableByteChannel out) throws IOException {
            buf.flip();
            while (buf.hasRemaining()) {
                out.write(buf);
            }
            buf.clear();
        }
    }
}

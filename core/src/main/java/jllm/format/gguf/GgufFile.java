package jllm.format.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;

import jllm.format.FileHead;
import jllm.format.ModelFormatException;
import jllm.format.ReadLimits;
import jllm.tensor.GgmlType;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;

/**
 * A GGUF file (versions 2 and 3), memory-mapped: metadata parsed into typed values, tensor data left
 * in the mapping and handed out as {@link Tensor} views (no copy into the heap).
 *
 * <p>Every count, length and offset is checked against the bytes that exist before anything is
 * allocated, so a truncated or hostile file fails with a {@link ModelFormatException} naming the
 * field, never with an out-of-memory error or a read outside the file.
 *
 * <pre>{@code
 * try (GgufFile gguf = GgufFile.open(Path.of("model.gguf"))) {
 *     String arch = gguf.metadata().string("general.architecture").orElseThrow();
 *     Tensor embd = gguf.tensor("token_embd.weight");
 * }
 * }</pre>
 */
public final class GgufFile implements AutoCloseable {
    /** "GGUF" read as a little-endian uint32. */
    public static final int MAGIC = 0x46554747;
    /** Alignment of the data section and of every tensor when {@code general.alignment} is absent. */
    public static final int DEFAULT_ALIGNMENT = 32;
    /** Largest alignment accepted. */
    public static final long MAX_ALIGNMENT = 1L << 30;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;
    private final int version;
    private final GgufMetadata metadata;
    private final List<GgufTensorInfo> tensorInfos;
    private final Map<String, GgufTensorInfo> byName;
    private final long alignment;
    private final long dataStart;

    private GgufFile(Path path, Arena arena, MemorySegment segment, ReadLimits limits) {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
        Cursor c = new Cursor(path, segment, limits);
        if (segment.byteSize() < 4 || segment.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0) != MAGIC) {
            byte[] head = segment.asSlice(0, Math.min(segment.byteSize(), FileHead.READ)).toArray(ValueLayout.JAVA_BYTE);
            throw new ModelFormatException(path, "magic", "not a GGUF file (" + FileHead.describe(head) + ", expected \"GGUF\")"
                    + FileHead.hint(head));
        }
        c.u32("magic");
        this.version = c.u32("version");
        if (version != 2 && version != 3) {
            throw new ModelFormatException(path, "version", "GGUF version " + Integer.toUnsignedString(version)
                    + " is not supported (jllm reads versions 2 and 3)");
        }
        long tensorCount = c.u64("tensor_count");
        long kvCount = c.u64("metadata_kv_count");
        if (kvCount < 0 || kvCount > limits.maxMetadata() || kvCount > c.remaining() / 13) {
            throw new ModelFormatException(path, "metadata_kv_count", "count " + Long.toUnsignedString(kvCount)
                    + " cannot fit in the " + c.remaining() + " bytes that follow");
        }
        // a tensor info takes at least 8 (name) + 4 (n_dims) + 8 (one dim) + 4 (type) + 8 (offset) bytes
        if (tensorCount < 0 || tensorCount > limits.maxTensors() || tensorCount > c.remaining() / 32) {
            throw new ModelFormatException(path, "tensor_count", "count " + Long.toUnsignedString(tensorCount)
                    + " cannot fit in the " + c.remaining() + " bytes that follow");
        }
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = c.string("metadata key #" + i);
            GgufValueType type = c.valueType(key);
            GgufValue value = c.value(key, type, 0);
            if (kv.putIfAbsent(key, value) != null) {
                throw new ModelFormatException(path, key, "duplicate metadata key");
            }
        }
        this.metadata = new GgufMetadata(path.toString(), kv, segment.asSlice(0, c.pos));
        long align = DEFAULT_ALIGNMENT;
        if (metadata.has("general.alignment")) {
            align = metadata.integer("general.alignment").orElseThrow();
            if (align <= 0 || align > MAX_ALIGNMENT || Long.bitCount(align) != 1) {
                throw new ModelFormatException(path, "general.alignment", "alignment " + align
                        + " is not a power of two between 1 and " + MAX_ALIGNMENT);
            }
        }
        this.alignment = align;

        List<GgufTensorInfo> infos = new ArrayList<>((int) tensorCount);
        Map<String, GgufTensorInfo> names = new LinkedHashMap<>();
        List<long[]> rawOffsets = new ArrayList<>();
        for (long i = 0; i < tensorCount; i++) {
            String name = c.string("tensor #" + i + " name");
            int nDims = c.u32(name + ": n_dims");
            if (nDims < 1 || nDims > 4) {
                throw new ModelFormatException(path, name, "n_dims " + Integer.toUnsignedString(nDims) + " is not between 1 and 4");
            }
            long[] ne = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                ne[d] = c.u64(name + ": ne[" + d + "]");
                if (ne[d] <= 0) {
                    throw new ModelFormatException(path, name, "dimension ne[" + d + "] = " + Long.toUnsignedString(ne[d]) + " is not positive");
                }
            }
            int typeId = c.u32(name + ": type");
            GgmlType type = GgmlType.fromId(Integer.toUnsignedLong(typeId));
            if (type == null) {
                throw new ModelFormatException(path, name, "unknown tensor type id " + Integer.toUnsignedString(typeId));
            }
            long offset = c.u64(name + ": offset");
            Shape shape;
            try {
                shape = Shape.of(ne);
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(path, name, e.getMessage());
            }
            if (ne[0] % type.blockSize != 0) {
                throw new ModelFormatException(path, name, "row length " + ne[0] + " is not a multiple of the "
                        + type + " block size " + type.blockSize);
            }
            long bytes = type.bytesFor(shape.elementCount());
            if (bytes < 0) {
                throw new ModelFormatException(path, name, "byte size of " + type + " " + shape + " overflows");
            }
            if (offset < 0) {
                throw new ModelFormatException(path, name, "offset " + Long.toUnsignedString(offset)
                        + " lies past the end of any file");
            }
            if (offset % align != 0) {
                throw new ModelFormatException(path, name, "offset " + Long.toUnsignedString(offset)
                        + " is not a multiple of the alignment " + align);
            }
            GgufTensorInfo info = new GgufTensorInfo(name, type, shape, offset, bytes);
            if (names.putIfAbsent(name, info) != null) {
                throw new ModelFormatException(path, name, "duplicate tensor name");
            }
            infos.add(info);
            rawOffsets.add(new long[]{offset, bytes});
        }
        long start = c.pos;
        long dataStart = start % align == 0 ? start : start + (align - start % align);
        this.dataStart = dataStart;
        if (!infos.isEmpty()) {
            long available = segment.byteSize() - dataStart;
            if (available < 0) {
                throw new ModelFormatException(path, "data section", "file ends at byte " + segment.byteSize()
                        + ", before the aligned data section starts at " + dataStart);
            }
            List<GgufTensorInfo> sorted = new ArrayList<>(infos);
            sorted.sort(Comparator.comparingLong(GgufTensorInfo::offset));
            long end = 0;
            String prev = null;
            for (GgufTensorInfo t : sorted) {
                if (t.offset() > available || t.bytes() > available - t.offset()) {
                    throw new ModelFormatException(path, t.name(), "data [" + t.offset() + ", +" + t.bytes()
                            + ") runs past the end of the file (data section holds " + available + " bytes)");
                }
                if (t.offset() < end) {
                    throw new ModelFormatException(path, t.name(), "data at offset " + t.offset()
                            + " overlaps tensor " + prev + " (which ends at " + end + ")");
                }
                end = t.offset() + t.bytes();
                prev = t.name();
            }
        }
        this.tensorInfos = Collections.unmodifiableList(infos);
        this.byName = Collections.unmodifiableMap(names);
    }

    /** Opens and memory-maps a GGUF file with the default limits. */
    public static GgufFile open(Path path) {
        return open(path, ReadLimits.DEFAULT);
    }

    /** Opens and memory-maps a GGUF file. */
    public static GgufFile open(Path path, ReadLimits limits) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment seg;
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = ch.size();
                seg = size == 0 ? MemorySegment.NULL.reinterpret(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            }
            return new GgufFile(path, arena, seg, limits);
        } catch (IOException e) {
            arena.close();
            throw new ModelFormatException(path.toString(), "file", "cannot read (" + e + ")", e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Reads a GGUF image held in memory (tests, fuzzing, files received over the network). */
    public static GgufFile read(String name, MemorySegment bytes, ReadLimits limits) {
        return new GgufFile(Path.of(name), null, bytes, limits);
    }

    /** GGUF version: 2 or 3. */
    public int version() {
        return version;
    }

    /** The file's metadata. */
    public GgufMetadata metadata() {
        return metadata;
    }

    /** The tensor table, in file order. */
    public List<GgufTensorInfo> tensorInfos() {
        return tensorInfos;
    }

    /** Alignment in force ({@code general.alignment} or 32). */
    public long alignment() {
        return alignment;
    }

    /** Byte offset of the data section in the file. */
    public long dataStart() {
        return dataStart;
    }

    /** The file's path. */
    public Path path() {
        return path;
    }

    /** File size in bytes. */
    public long byteSize() {
        return segment.byteSize();
    }

    /** Whether a tensor of this name exists. */
    public boolean hasTensor(String name) {
        return byName.containsKey(name);
    }

    /** A view of a tensor's data (no copy). */
    public Tensor tensor(String name) {
        GgufTensorInfo info = byName.get(name);
        if (info == null) {
            throw new ModelFormatException(path, name, "tensor not found in the file");
        }
        return tensor(info);
    }

    /** A view of a tensor's data (no copy). */
    public Tensor tensor(GgufTensorInfo info) {
        return new Tensor(info.name(), info.type(), info.shape(),
                segment.asSlice(dataStart + info.offset(), info.bytes()));
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }

    /**
     * A GGUF string array as stored (each string an 8-byte length, then UTF-8 bytes), decoded element by
     * element when first read; malformed UTF-8 reads as U+FFFD, as {@link String#String(byte[], int, int,
     * java.nio.charset.Charset)} decodes it. Unmodifiable; safe to read from several threads.
     */
    private static final class StoredStrings extends AbstractList<String> implements RandomAccess {
        private final byte[] bytes;
        /** Where string i's bytes end in {@code bytes}; they start 8 bytes after string i - 1's end. */
        private final int[] ends;
        private final String[] decoded;

        StoredStrings(byte[] bytes, int[] ends) {
            this.bytes = bytes;
            this.ends = ends;
            this.decoded = new String[ends.length];
        }

        @Override
        public String get(int i) {
            String s = decoded[Objects.checkIndex(i, ends.length)];
            if (s == null) {
                int from = (i == 0 ? 0 : ends[i - 1]) + 8;
                s = new String(bytes, from, ends[i] - from, StandardCharsets.UTF_8);
                decoded[i] = s; // a racing reader decodes the same string: no harm
            }
            return s;
        }

        @Override
        public int size() {
            return ends.length;
        }
    }

    /** A bounds-checked little-endian reader over the mapped file. */
    private static final class Cursor {
        private final Path path;
        private final MemorySegment seg;
        private final ReadLimits limits;
        long pos;
        /** Bytes of the string being decoded; grows to the longest string read. */
        private byte[] buf = new byte[256];

        Cursor(Path path, MemorySegment seg, ReadLimits limits) {
            this.path = path;
            this.seg = seg;
            this.limits = limits;
        }

        long remaining() {
            return seg.byteSize() - pos;
        }

        private void need(long n, String field) {
            if (n > remaining()) {
                throw new ModelFormatException(path, field, "file is truncated: needs " + n + " bytes at offset "
                        + pos + ", only " + remaining() + " remain");
            }
        }

        int u32(String field) {
            need(4, field);
            int v = seg.get(U32, pos);
            pos += 4;
            return v;
        }

        long u64(String field) {
            need(8, field);
            long v = seg.get(U64, pos);
            pos += 8;
            return v;
        }

        String string(String field) {
            return string(field, -1);
        }

        /**
         * A string; {@code index >= 0} names element {@code index} of the array {@code field}. The name
         * is only built for an error message: a vocabulary has hundreds of thousands of strings.
         */
        String string(String field, long index) {
            int n = stringLength(field, index);
            if (n > buf.length) {
                buf = new byte[Math.max(n, buf.length * 2)];
            }
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, buf, 0, n);
            pos += n;
            return new String(buf, 0, n, StandardCharsets.UTF_8);
        }

        /** Reads a string's length and checks it against the bytes left and the limit; pos is then at its bytes. */
        private int stringLength(String field, long index) {
            if (8 > remaining()) {
                need(8, name(field, index) + " length");
            }
            long len = seg.get(U64, pos);
            pos += 8;
            if (len < 0 || len > remaining()) {
                throw new ModelFormatException(path, name(field, index), "string length "
                        + Long.toUnsignedString(len) + " exceeds the " + remaining() + " bytes left in the file");
            }
            long max = Math.min(limits.maxStringBytes(), Integer.MAX_VALUE - 8);
            if (len > max) {
                throw new ModelFormatException(path, name(field, index), "string length " + len
                        + " exceeds the limit of " + max + " bytes");
            }
            return (int) len;
        }

        /**
         * An array of {@code count} strings, checked here and decoded when read: a vocabulary's merges
         * (280k strings in llama3's file) are not needed when the tokenizer cache has them, and decoding
         * them took 30-60 ms of every load. The array's bytes are copied to the heap, so
         * the list outlives the mapping.
         */
        private List<String> strings(String key, int count) {
            long start = pos;
            int[] ends = new int[count];
            for (int i = 0; i < count; i++) {
                int len = stringLength(key, i);
                pos += len;
                if (pos - start > Integer.MAX_VALUE - 8) {
                    throw new ModelFormatException(path, key, "array of strings takes more than "
                            + (Integer.MAX_VALUE - 8) + " bytes");
                }
                ends[i] = (int) (pos - start);
            }
            byte[] bytes = seg.asSlice(start, pos - start).toArray(ValueLayout.JAVA_BYTE);
            return new StoredStrings(bytes, ends);
        }

        private static String name(String field, long index) {
            return index < 0 ? field : field + "[" + index + "]";
        }

        GgufValueType valueType(String field) {
            int id = u32(field + ": value type");
            GgufValueType t = GgufValueType.fromId(Integer.toUnsignedLong(id));
            if (t == null) {
                throw new ModelFormatException(path, field, "unknown metadata value type " + Integer.toUnsignedString(id));
            }
            return t;
        }

        GgufValue value(String key, GgufValueType type, int depth) {
            return switch (type) {
                case ARRAY -> new GgufValue(type, array(key, depth + 1));
                case STRING -> new GgufValue(type, string(key));
                case BOOL -> new GgufValue(type, bool(key));
                case FLOAT32, FLOAT64 -> new GgufValue(type, floating(key, type));
                default -> new GgufValue(type, integer(key, type));
            };
        }

        private boolean bool(String key) {
            need(1, key);
            byte b = seg.get(ValueLayout.JAVA_BYTE, pos++);
            if (b != 0 && b != 1) {
                throw new ModelFormatException(path, key, "BOOL value " + b + " is neither 0 nor 1");
            }
            return b == 1;
        }

        private double floating(String key, GgufValueType type) {
            if (type == GgufValueType.FLOAT32) {
                return Float.intBitsToFloat(u32(key));
            }
            return Double.longBitsToDouble(u64(key));
        }

        private long integer(String key, GgufValueType type) {
            need(type.minBytes, key);
            long v = switch (type) {
                case UINT8 -> Byte.toUnsignedLong(seg.get(ValueLayout.JAVA_BYTE, pos));
                case INT8 -> seg.get(ValueLayout.JAVA_BYTE, pos);
                case UINT16 -> Short.toUnsignedLong(seg.get(U16, pos));
                case INT16 -> seg.get(U16, pos);
                case UINT32 -> Integer.toUnsignedLong(seg.get(U32, pos));
                case INT32 -> seg.get(U32, pos);
                case UINT64, INT64 -> seg.get(U64, pos);
                default -> throw new IllegalStateException(type.toString());
            };
            pos += type.minBytes;
            return v;
        }

        private GgufValue.GgufArray array(String key, int depth) {
            if (depth > limits.maxArrayDepth()) {
                throw new ModelFormatException(path, key, "arrays nested deeper than " + limits.maxArrayDepth());
            }
            GgufValueType et = valueType(key + " (array element type)");
            long n = u64(key + " (array length)");
            if (n < 0 || n > remaining() / et.minBytes) {
                throw new ModelFormatException(path, key, "array of " + Long.toUnsignedString(n) + " " + et
                        + " elements cannot fit in the " + remaining() + " bytes left in the file");
            }
            long max = Math.min(limits.maxArrayLength(), Integer.MAX_VALUE - 8);
            if (n > max) {
                throw new ModelFormatException(path, key, "array length " + n + " exceeds the limit of " + max);
            }
            int count = (int) n;
            return switch (et) {
                case STRING -> new GgufValue.GgufArray(et, null, null, null, strings(key, count), null);
                case ARRAY -> {
                    List<GgufValue.GgufArray> a = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        a.add(array(key + "[" + i + "]", depth + 1));
                    }
                    yield new GgufValue.GgufArray(et, null, null, null, null, Collections.unmodifiableList(a));
                }
                case BOOL -> {
                    boolean[] b = new boolean[count];
                    for (int i = 0; i < count; i++) {
                        b[i] = bool(key);
                    }
                    yield new GgufValue.GgufArray(et, null, null, b, null, null);
                }
                case FLOAT32, FLOAT64 -> {
                    double[] f = new double[count];
                    for (int i = 0; i < count; i++) {
                        f[i] = floating(key, et);
                    }
                    yield new GgufValue.GgufArray(et, null, f, null, null, null);
                }
                default -> {
                    long[] v = new long[count];
                    for (int i = 0; i < count; i++) {
                        v[i] = integer(key, et);
                    }
                    yield new GgufValue.GgufArray(et, v, null, null, null, null);
                }
            };
        }
    }
}

package jllm.format.safetensors;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jllm.format.ModelFormatException;
import jllm.format.ReadLimits;
import jllm.format.json.Json;
import jllm.format.json.JsonException;
import jllm.tensor.GgmlType;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;

/**
 * A Hugging Face safetensors file, memory-mapped: an 8-byte little-endian header length, a JSON
 * header ({@code {"name": {"dtype": "F32", "shape": [rows, cols], "data_offsets": [begin, end]}, ...,
 * "__metadata__": {...}}}), then the data section. Tensors are views into the mapping, with shapes
 * reversed into ggml order ({@code [rows, cols]} becomes {@code ne = [cols, rows]}).
 *
 * <p>Checked on open: the header length against the file size, the header's JSON (strict, duplicate
 * keys refused, bounded nesting), every entry's fields, offsets inside the data section and in order
 * ({@code begin <= end}), byte sizes equal to shape times dtype size, no two tensors overlapping.
 * Dtypes that jllm cannot hold in a {@link Tensor} (U8, BOOL, F8_E4M3, ...) are listed and fail only
 * when such a tensor is asked for. A PyTorch pickle or zip checkpoint is recognised and refused.
 *
 * <p>Tensor data is at whatever offset the file puts it (8 + header length + begin), so views may be
 * unaligned for their element type.
 *
 * <pre>{@code
 * try (SafetensorsFile st = SafetensorsFile.open(Path.of("model.safetensors"))) {
 *     Tensor wq = st.tensor("model.layers.0.self_attn.q_proj.weight");
 * }
 * }</pre>
 */
public final class SafetensorsFile implements AutoCloseable {
    /** The header key holding free-form string metadata. */
    public static final String METADATA_KEY = "__metadata__";

    private final String file;
    private final Arena arena;
    private final MemorySegment segment;
    private final long dataStart;
    private final Map<String, String> metadata;
    private final Map<String, SafetensorsTensorInfo> infos;
    private final Map<String, Tensor> tensors;

    private SafetensorsFile(String file, Arena arena, MemorySegment seg, ReadLimits limits) {
        this.file = file;
        this.arena = arena;
        this.segment = seg;
        long size = seg.byteSize();
        refusePickle(file, seg);
        if (size < 8) {
            throw error("header length", "file is truncated: " + size + " bytes, the header length alone takes 8");
        }
        long n = seg.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (n < 0 || n > size - 8) {
            throw error("header length", "header length " + Long.toUnsignedString(n) + " exceeds the "
                    + (size - 8) + " bytes that follow it");
        }
        if (n > Math.min(limits.maxHeaderBytes(), Integer.MAX_VALUE - 8)) {
            throw error("header length", "header length " + n + " exceeds the limit of "
                    + Math.min(limits.maxHeaderBytes(), Integer.MAX_VALUE - 8) + " bytes");
        }
        this.dataStart = 8 + n;
        long dataBytes = size - dataStart;
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(seg.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw error("header", "the header is not valid UTF-8");
        }
        Map<String, Object> header;
        try {
            header = Json.parseObject(text, "header");
        } catch (JsonException e) {
            throw new ModelFormatException(file, "header", e.getMessage(), e);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        Map<String, SafetensorsTensorInfo> entries = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
            if (e.getKey().equals(METADATA_KEY)) {
                if (!(e.getValue() instanceof Map<?, ?> m)) {
                    throw error(METADATA_KEY, "is not a JSON object");
                }
                for (Map.Entry<?, ?> kv : m.entrySet()) {
                    if (!(kv.getValue() instanceof String s)) {
                        throw error(METADATA_KEY + "." + kv.getKey(), "metadata values must be strings");
                    }
                    meta.put((String) kv.getKey(), s);
                }
                continue;
            }
            SafetensorsTensorInfo info = entry(e.getKey(), e.getValue(), dataBytes);
            entries.put(info.name(), info);
        }
        checkOverlaps(entries);
        this.metadata = Collections.unmodifiableMap(meta);
        this.infos = Collections.unmodifiableMap(entries);
        this.tensors = new LazyTensorMap(entries.keySet(), this::tensor);
    }

    private SafetensorsTensorInfo entry(String name, Object value, long dataBytes) {
        if (!(value instanceof Map<?, ?> m)) {
            throw error(name, "the header entry is not a JSON object");
        }
        if (!(m.get("dtype") instanceof String dtype)) {
            throw error(name + ".dtype", "missing or not a string");
        }
        if (!(m.get("shape") instanceof List<?> rawShape)) {
            throw error(name + ".shape", "missing or not an array");
        }
        List<Long> shape = new ArrayList<>(rawShape.size());
        long elements = 1;
        for (Object d : rawShape) {
            if (!(d instanceof Long l) || l < 0) {
                throw error(name + ".shape", "dimension " + d + " is not a non-negative integer");
            }
            shape.add(l);
            try {
                elements = Math.multiplyExact(elements, l);
            } catch (ArithmeticException ex) {
                throw error(name + ".shape", "element count of " + rawShape + " overflows");
            }
        }
        if (!(m.get("data_offsets") instanceof List<?> offsets) || offsets.size() != 2
                || !(offsets.get(0) instanceof Long begin) || !(offsets.get(1) instanceof Long end)
                || begin < 0 || end < begin) {
            throw error(name + ".data_offsets", "expected [begin, end] with 0 <= begin <= end, found "
                    + m.get("data_offsets"));
        }
        if (end > dataBytes) {
            throw error(name + ".data_offsets", "data [" + begin + ", " + end + ") runs past the end of the file"
                    + " (the data section holds " + dataBytes + " bytes)");
        }
        int bits = bitsPerElement(dtype);
        if (bits > 0) {
            long expected;
            try {
                long totalBits = Math.multiplyExact(elements, bits);
                expected = totalBits % 8 == 0 ? totalBits / 8 : -1;
            } catch (ArithmeticException ex) {
                expected = -1;
            }
            if (expected != end - begin) {
                throw error(name + ".data_offsets", "data of " + (end - begin) + " bytes does not match "
                        + dtype + " " + rawShape + " (" + (expected < 0 ? "an impossible size" : expected + " bytes") + ")");
            }
        }
        return new SafetensorsTensorInfo(name, dtype, shape, begin, end);
    }

    private void checkOverlaps(Map<String, SafetensorsTensorInfo> entries) {
        List<SafetensorsTensorInfo> sorted = new ArrayList<>(entries.values());
        sorted.removeIf(t -> t.bytes() == 0);
        sorted.sort(Comparator.comparingLong(SafetensorsTensorInfo::begin));
        for (int i = 1; i < sorted.size(); i++) {
            SafetensorsTensorInfo prev = sorted.get(i - 1);
            SafetensorsTensorInfo t = sorted.get(i);
            if (t.begin() < prev.end()) {
                throw error(t.name() + ".data_offsets", "data [" + t.begin() + ", " + t.end() + ") overlaps tensor "
                        + prev.name() + " [" + prev.begin() + ", " + prev.end() + ")");
            }
        }
    }

    /**
     * Refuses PyTorch checkpoints: a zip archive ("PK") or a bare pickle (0x80, protocol 2 to 5). A
     * safetensors file's header length can begin with those bytes, but its header then starts with '{'.
     */
    static void refusePickle(String file, MemorySegment seg) {
        long size = seg.byteSize();
        if (size < 2 || (size > 8 && seg.get(ValueLayout.JAVA_BYTE, 8) == '{')) {
            return;
        }
        int b0 = seg.get(ValueLayout.JAVA_BYTE, 0) & 0xFF;
        int b1 = seg.get(ValueLayout.JAVA_BYTE, 1) & 0xFF;
        String kind = null;
        if (b0 == 'P' && b1 == 'K') {
            kind = "a zip archive (a PyTorch checkpoint such as pytorch_model.bin or .pt/.pth)";
        } else if (b0 == 0x80 && b1 >= 2 && b1 <= 5) {
            kind = "a Python pickle (a legacy PyTorch checkpoint)";
        }
        if (kind != null) {
            throw new ModelFormatException(file, "format", "this is " + kind + ", not safetensors; jllm does not"
                    + " load pickles (loading one can run arbitrary code): convert it to safetensors, e.g. with"
                    + " transformers' save_pretrained(..., safe_serialization=True)", null);
        }
    }

    /** Bits per element of a safetensors dtype, or 0 when unknown. */
    static int bitsPerElement(String dtype) {
        return switch (dtype) {
            case "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0" -> 8;
            case "U16", "I16", "F16", "BF16" -> 16;
            case "U32", "I32", "F32" -> 32;
            case "U64", "I64", "F64", "C64" -> 64;
            case "F4" -> 4;
            case "F6_E2M3", "F6_E3M2" -> 6;
            default -> 0;
        };
    }

    /** The ggml type a dtype maps to, or null when jllm cannot hold it in a tensor. */
    static GgmlType ggmlType(String dtype) {
        return switch (dtype) {
            case "F32" -> GgmlType.F32;
            case "F16" -> GgmlType.F16;
            case "BF16" -> GgmlType.BF16;
            case "F64" -> GgmlType.F64;
            case "I8" -> GgmlType.I8;
            case "I16" -> GgmlType.I16;
            case "I32" -> GgmlType.I32;
            case "I64" -> GgmlType.I64;
            default -> null;
        };
    }

    private ModelFormatException error(String field, String problem) {
        return new ModelFormatException(file, field, problem, null);
    }

    /** Opens and memory-maps a safetensors file with the default limits. */
    public static SafetensorsFile open(Path path) {
        return open(path, ReadLimits.DEFAULT);
    }

    /** Opens and memory-maps a safetensors file. */
    public static SafetensorsFile open(Path path, ReadLimits limits) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment seg;
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = ch.size();
                seg = size == 0 ? MemorySegment.NULL.reinterpret(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            }
            return new SafetensorsFile(path.toString(), arena, seg, limits);
        } catch (IOException e) {
            arena.close();
            throw new ModelFormatException(path.toString(), "file", "cannot read (" + e + ")", e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Reads a safetensors image held in memory; {@code name} names it in error messages. */
    public static SafetensorsFile read(String name, MemorySegment bytes, ReadLimits limits) {
        return new SafetensorsFile(name, null, bytes, limits);
    }

    /** The {@code __metadata__} strings (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Every header entry, in header order. */
    public Map<String, SafetensorsTensorInfo> tensorInfos() {
        return infos;
    }

    /**
     * Every tensor, in header order, as views made on access: getting a tensor of an unsupported dtype,
     * an empty one or one of more than 4 dimensions throws a {@link ModelFormatException}.
     */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** Whether the file has a tensor of this name. */
    public boolean hasTensor(String name) {
        return infos.containsKey(name);
    }

    /** A view of one tensor, shape in ggml order. */
    public Tensor tensor(String name) {
        SafetensorsTensorInfo info = infos.get(name);
        if (info == null) {
            throw error(name, "tensor not found in the file");
        }
        GgmlType type = ggmlType(info.dtype());
        if (type == null) {
            throw error(name, "unsupported dtype " + info.dtype() + " (jllm reads F32, F16 and BF16, and F64, I8,"
                    + " I16, I32, I64)");
        }
        List<Long> hf = info.shape();
        if (hf.size() > 4) {
            throw error(name, "shape " + hf + " has more than the 4 dimensions a ggml tensor can have");
        }
        long[] ne = new long[Math.max(1, hf.size())];
        ne[0] = 1; // a scalar is one element
        for (int i = 0; i < hf.size(); i++) {
            ne[i] = hf.get(hf.size() - 1 - i);
        }
        for (long d : ne) {
            if (d == 0) {
                throw error(name, "shape " + hf + " has no elements");
            }
        }
        return new Tensor(name, type, Shape.of(ne), segment.asSlice(dataStart + info.begin(), info.bytes()));
    }

    /** Byte offset of the data section: 8 + the header length. */
    public long dataStart() {
        return dataStart;
    }

    /** The file's name, as given to {@link #open} or {@link #read}. */
    public String file() {
        return file;
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }
}

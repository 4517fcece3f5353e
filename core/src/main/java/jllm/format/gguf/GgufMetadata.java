package jllm.format.gguf;

import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.zip.CRC32C;

import jllm.format.ModelFormatException;

/**
 * The key/value metadata of a GGUF file, with typed accessors. A key of the wrong type is an error
 * that names the key, never a silent cast: callers parse what they need once into typed records.
 */
public final class GgufMetadata {
    private final String file;
    private final Map<String, GgufValue> values;
    /** The bytes the values were read from (header and key/value section), or null when not read from a file. */
    private final MemorySegment stored;
    private long contentHash = -1;

    public GgufMetadata(String file, Map<String, GgufValue> values) {
        this(file, values, null);
    }

    GgufMetadata(String file, Map<String, GgufValue> values, MemorySegment stored) {
        this.file = file;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.stored = stored;
    }

    /**
     * A CRC-32C of the file's header and key/value section as stored (every key, the vocabulary and
     * merges among them), for caches of what is derived from them; empty for metadata not read from a
     * GGUF file. Computed on first use, while the file is open: one pass over those bytes (llama3-1b: 7.8 MB).
     */
    public synchronized OptionalLong contentHash() {
        if (stored == null) {
            return OptionalLong.empty();
        }
        if (contentHash < 0) {
            CRC32C crc = new CRC32C();
            for (long at = 0; at < stored.byteSize(); at += 1 << 30) { // a ByteBuffer holds at most 2 GB
                crc.update(stored.asSlice(at, Math.min(1 << 30, stored.byteSize() - at)).asByteBuffer());
            }
            contentHash = crc.getValue();
        }
        return OptionalLong.of(contentHash);
    }

    /** The size in bytes of the header and key/value section (0 when not read from a file). */
    public long storedBytes() {
        return stored == null ? 0 : stored.byteSize();
    }

    /** Every key, in file order. */
    public Set<String> keys() {
        return values.keySet();
    }

    /** All values, in file order. */
    public Map<String, GgufValue> asMap() {
        return values;
    }

    /** Whether the key is present. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The raw value, if present. */
    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    private ModelFormatException wrongType(String key, GgufValue v, String expected) {
        return new ModelFormatException(file, key, "has type " + v.type() + ", expected " + expected, null);
    }

    /** A STRING value. */
    public Optional<String> string(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.type() != GgufValueType.STRING) {
            throw wrongType(key, v, "STRING");
        }
        return Optional.of((String) v.value());
    }

    /** An integer value of any integer type. */
    public OptionalLong integer(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        if (!v.type().isInteger()) {
            throw wrongType(key, v, "an integer");
        }
        return OptionalLong.of((Long) v.value());
    }

    /** An integer value that must fit an int and lie in [min, max]. */
    public Optional<Integer> intIn(String key, int min, int max) {
        OptionalLong v = integer(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        long x = v.getAsLong();
        if (x < min || x > max) {
            throw new ModelFormatException(file, key, "value " + x + " is outside [" + min + ", " + max + "]", null);
        }
        return Optional.of((int) x);
    }

    /** A number of any numeric type (integers included). */
    public OptionalDouble number(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return OptionalDouble.empty();
        }
        if (v.type() == GgufValueType.FLOAT32 || v.type() == GgufValueType.FLOAT64) {
            return OptionalDouble.of((Double) v.value());
        }
        if (v.type().isInteger()) {
            return OptionalDouble.of((Long) v.value());
        }
        throw wrongType(key, v, "a number");
    }

    /** A BOOL value. */
    public Optional<Boolean> bool(String key) {
        GgufValue v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.type() != GgufValueType.BOOL) {
            throw wrongType(key, v, "BOOL");
        }
        return Optional.of((Boolean) v.value());
    }

    private Optional<GgufValue.GgufArray> array(String key, String expected, GgufValueType... elementTypes) {
        GgufValue v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.type() != GgufValueType.ARRAY) {
            throw wrongType(key, v, expected);
        }
        GgufValue.GgufArray a = (GgufValue.GgufArray) v.value();
        for (GgufValueType t : elementTypes) {
            if (a.elementType() == t) {
                return Optional.of(a);
            }
        }
        throw new ModelFormatException(file, key, "is an array of " + a.elementType() + ", expected " + expected, null);
    }

    /** An array of strings. */
    public Optional<List<String>> stringArray(String key) {
        return array(key, "an array of STRING", GgufValueType.STRING).map(GgufValue.GgufArray::strings);
    }

    /** An array of floats (FLOAT32 or FLOAT64 elements). */
    public Optional<float[]> floatArray(String key) {
        return array(key, "an array of FLOAT32", GgufValueType.FLOAT32, GgufValueType.FLOAT64).map(a -> {
            float[] f = new float[a.floats().length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) a.floats()[i];
            }
            return f;
        });
    }

    /** An array of BOOL. */
    public Optional<boolean[]> boolArray(String key) {
        return array(key, "an array of BOOL", GgufValueType.BOOL).map(a -> a.bools().clone());
    }

    /** An array of integers (any integer element type), as longs. */
    public Optional<long[]> integerArray(String key) {
        return array(key, "an array of integers", GgufValueType.UINT8, GgufValueType.INT8, GgufValueType.UINT16,
                GgufValueType.INT16, GgufValueType.UINT32, GgufValueType.INT32, GgufValueType.UINT64,
                GgufValueType.INT64).map(GgufValue.GgufArray::integers);
    }

    /** The name of the file this metadata came from (for error messages). */
    public String file() {
        return file;
    }

    /** An error about one key of this file. */
    public ModelFormatException error(String key, String problem) {
        return new ModelFormatException(file, key, problem, null);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}

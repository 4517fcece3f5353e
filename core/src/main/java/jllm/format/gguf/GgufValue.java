package jllm.format.gguf;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One typed GGUF metadata value.
 *
 * <p>Scalars hold a boxed Java value: integers as {@link Long} (UINT64 above 2^63-1 wrap, as their
 * bits are kept), FLOAT32/FLOAT64 as {@link Double} (FLOAT32 converted exactly), BOOL as
 * {@link Boolean}, STRING as {@link String}. Arrays hold a {@link GgufArray}.
 *
 * @param type  the stored type
 * @param value the value, never null
 */
public record GgufValue(GgufValueType type, Object value) {

    public GgufValue {
        Objects.requireNonNull(type);
        Objects.requireNonNull(value);
    }

    /** Typed array contents. Exactly one of the arrays is used, by element type. */
    public record GgufArray(GgufValueType elementType, long[] integers, double[] floats, boolean[] bools,
                            List<String> strings, List<GgufArray> arrays) {

        /** Number of elements. */
        public int size() {
            return switch (elementType) {
                case STRING -> strings.size();
                case ARRAY -> arrays.size();
                case BOOL -> bools.length;
                case FLOAT32, FLOAT64 -> floats.length;
                default -> integers.length;
            };
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof GgufArray a && a.elementType == elementType
                    && Arrays.equals(a.integers, integers) && Arrays.equals(a.floats, floats)
                    && Arrays.equals(a.bools, bools) && Objects.equals(a.strings, strings)
                    && Objects.equals(a.arrays, arrays);
        }

        @Override
        public int hashCode() {
            return Objects.hash(elementType, Arrays.hashCode(integers), Arrays.hashCode(floats), strings);
        }

        @Override
        public String toString() {
            return "[" + elementType + " x " + size() + "]";
        }
    }

    @Override
    public String toString() {
        return type == GgufValueType.STRING ? '"' + (String) value + '"' : String.valueOf(value);
    }
}

package jllm.chat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * {@code json.dumps} as Hugging Face's {@code tojson} filter calls it:
 * {@code json.dumps(x, ensure_ascii=False, indent=indent, separators=separators, sort_keys=sort_keys)}.
 *
 * <p>Python's defaults are kept: separators {@code ", "} and {@code ": "} without indent, {@code ","} and
 * {@code ": "} with one; floats print as Python's {@code repr} ({@code 1.0}, {@code 1e-05}); only
 * {@code "}, {@code \} and control characters are escaped unless {@code ensure_ascii} is set.
 */
final class PythonJson {

    /** Formatting choices, named as in {@code json.dumps}. {@code indent} null means one line. */
    record Style(String indent, boolean ensureAscii, String itemSeparator, String keySeparator, boolean sortKeys) {
        static Style of(String indent, boolean ensureAscii, boolean sortKeys) {
            return new Style(indent, ensureAscii, indent == null ? ", " : ",", ": ", sortKeys);
        }
    }

    private final Style style;
    private final int maxChars;
    private final int maxDepth;
    private final StringBuilder out = new StringBuilder();

    private PythonJson(Style style, int maxChars, int maxDepth) {
        this.style = style;
        this.maxChars = maxChars;
        this.maxDepth = maxDepth;
    }

    /** Serializes {@code value}; throws {@link IllegalArgumentException} past {@code maxChars} or {@code maxDepth}. */
    static String dumps(Object value, Style style, int maxChars, int maxDepth) {
        PythonJson json = new PythonJson(style, maxChars, maxDepth);
        json.write(value, 0);
        return json.out.toString();
    }

    private void write(Object value, int depth) {
        if (depth > maxDepth) {
            throw new IllegalArgumentException("tojson: value nested deeper than " + maxDepth + " levels");
        }
        if (out.length() > maxChars) {
            throw new IllegalArgumentException("tojson: JSON text longer than " + maxChars + " characters");
        }
        switch (value) {
            case null -> out.append("null");
            case Boolean b -> out.append(b ? "true" : "false");
            case Integer _, Long _, Short _, Byte _, BigInteger _ -> out.append(value);
            case Double d -> out.append(pythonFloat(d));
            case Float f -> out.append(pythonFloat(f.doubleValue()));
            case BigDecimal d -> out.append(pythonFloat(d.doubleValue()));
            case CharSequence s -> string(s.toString());
            case Map<?, ?> map -> object(map, depth);
            case Map.Entry<?, ?> entry -> array(List.of(entry.getKey(), entry.getValue()), depth);
            case Collection<?> list -> array(list, depth);
            case Object[] array -> array(List.of(array), depth);
            default -> string(value.toString());
        }
    }

    private void object(Map<?, ?> map, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
        if (style.sortKeys()) {
            entries.sort((a, b) -> String.valueOf(a.getKey()).compareTo(String.valueOf(b.getKey())));
        }
        out.append('{');
        for (int i = 0; i < entries.size(); i++) {
            out.append(i == 0 ? "" : style.itemSeparator());
            newline(depth + 1);
            Object key = entries.get(i).getKey();
            string(key instanceof Boolean b ? (b ? "true" : "false") : key == null ? "null" : key.toString());
            out.append(style.keySeparator());
            write(entries.get(i).getValue(), depth + 1);
        }
        newline(depth);
        out.append('}');
    }

    private void array(Collection<?> list, int depth) {
        if (list.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        for (Object element : list) {
            out.append(first ? "" : style.itemSeparator());
            first = false;
            newline(depth + 1);
            write(element, depth + 1);
        }
        newline(depth);
        out.append(']');
    }

    private void newline(int depth) {
        if (style.indent() != null) {
            out.append('\n').append(style.indent().repeat(depth));
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || (style.ensureAscii() && c > 0x7e)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Python's {@code repr(float)}: shortest round-trip digits, exponent form outside [1e-4, 1e16). */
    static String pythonFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        // Double.toString gives the shortest digits that round-trip, as Python's repr does.
        BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = exact.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - exact.scale();
        String sign = d < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = exact.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }
}

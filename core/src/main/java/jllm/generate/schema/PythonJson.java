package jllm.generate.schema;

import java.util.List;
import java.util.Map;

import jllm.format.json.Json;

/** JSON text as Python's {@code json.dumps(value, ensure_ascii=False)} writes it (", " and ": "), for benchmarks. */
public final class PythonJson {
    private PythonJson() {
    }

    public static String dumps(Object v) {
        StringBuilder sb = new StringBuilder();
        write(v, sb);
        return sb.toString();
    }

    private static void write(Object v, StringBuilder sb) {
        switch (v) {
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) {
                        sb.append(", ");
                    }
                    first = false;
                    sb.append(quote((String) e.getKey())).append(": ");
                    write(e.getValue(), sb);
                }
                sb.append('}');
            }
            case List<?> l -> {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        sb.append(", ");
                    }
                    write(l.get(i), sb);
                }
                sb.append(']');
            }
            case String s -> sb.append(quote(s));
            case Double d -> sb.append(pyFloat(d));
            default -> sb.append(v == Json.NULL ? "null" : String.valueOf(v));
        }
    }

    static String quote(String s) {
        return Json.quote(s).replace("\b", "\\b").replace("\f", "\\f").replace("\\u0008", "\\b").replace("\\u000c", "\\f");
    }

    /** Python's repr of a float. */
    static String pyFloat(double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e16) {
            return (long) d + ".0";
        }
        String j = Double.toString(d);
        int e = j.indexOf('E');
        if (e < 0) {
            return j;
        }
        String mant = j.substring(0, e).replaceAll("\\.0$", "");
        int exp = Integer.parseInt(j.substring(e + 1));
        if (exp >= -4 && exp < 16) { // Python writes these positionally
            return new java.math.BigDecimal(j).toPlainString();
        }
        return mant + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
    }
}

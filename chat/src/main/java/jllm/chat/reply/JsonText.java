package jllm.chat.reply;

import java.util.List;
import java.util.Map;

import jllm.format.json.Json;

/** Compact JSON text of parsed JSON values ({@link Json#parse}), and the end of a JSON value in a text. */
final class JsonText {
    private JsonText() {
    }

    static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(value, sb);
        return sb.toString();
    }

    private static void write(Object value, StringBuilder sb) {
        switch (value) {
            case null -> sb.append("null");
            case String s -> sb.append(Json.quote(s));
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    sb.append(first ? "" : ",").append(Json.quote(String.valueOf(e.getKey()))).append(':');
                    write(e.getValue(), sb);
                    first = false;
                }
                sb.append('}');
            }
            case List<?> l -> {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    sb.append(i == 0 ? "" : ",");
                    write(l.get(i), sb);
                }
                sb.append(']');
            }
            case Object o when o == Json.NULL -> sb.append("null");
            default -> sb.append(value); // Long, Double, Boolean print as JSON
        }
    }

    /**
     * The index just past the JSON object or array that starts at {@code from} (after blanks), -1 when the
     * text ends first, -2 when no object or array starts there. Only brackets and strings are tracked;
     * the value is checked when it is parsed.
     */
    static int end(CharSequence text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return -1;
        }
        if (text.charAt(i) != '{' && text.charAt(i) != '[') {
            return -2;
        }
        int depth = 0;
        boolean inString = false;
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    return i + 1;
                }
            }
        }
        return -1;
    }
}

package jllm.generate;

import java.util.Arrays;

/**
 * Tracks whether the bytes generated so far are a prefix of a JSON object (RFC 8259, an object at the
 * top level, as OpenAI's {@code response_format: json_object} asks), one byte at a time. Copies are
 * cheap, so a sampler can try each candidate token on a copy and mask the ones that would break it.
 */
public final class JsonPrefix {
    private enum Mode {
        START, VALUE, VALUE_OR_CLOSE, KEY_OR_CLOSE, KEY, COLON, AFTER_VALUE, STRING, ESCAPE, UNICODE,
        NUMBER_MINUS, NUMBER_ZERO, NUMBER_INT, NUMBER_DOT, NUMBER_FRAC, NUMBER_E, NUMBER_E_SIGN, NUMBER_EXP,
        LITERAL, DONE
    }

    /** Most whitespace bytes in a row outside strings (bounds idling, as llama.cpp's JSON grammar does). */
    static final int MAX_BLANKS = 16;

    /** Deepest nesting accepted. */
    static final int MAX_DEPTH = 64;

    private Mode mode = Mode.START;
    private byte[] stack = new byte[8]; // '{' or '[' per open container
    private int depth;
    private boolean key;                // the string being read is an object key
    private int hexLeft;
    private byte[] literal;
    private int literalAt;
    private int blanks;

    /** A copy to try bytes on. */
    public JsonPrefix copy() {
        JsonPrefix c = new JsonPrefix();
        c.mode = mode;
        c.stack = Arrays.copyOf(stack, stack.length);
        c.depth = depth;
        c.key = key;
        c.hexLeft = hexLeft;
        c.literal = literal;
        c.literalAt = literalAt;
        c.blanks = blanks;
        return c;
    }

    /** True when the top-level object is closed: the text is valid JSON. */
    public boolean complete() {
        return mode == Mode.DONE;
    }

    /** Feeds bytes; false (and the state is then undefined) when they cannot continue a JSON object. */
    public boolean accept(byte[] bytes) {
        for (byte b : bytes) {
            if (!accept(b & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    private static boolean ws(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private boolean accept(int c) {
        boolean blank = ws(c) && mode != Mode.STRING && mode != Mode.ESCAPE && mode != Mode.UNICODE;
        blanks = blank ? blanks + 1 : 0;
        if (blanks > MAX_BLANKS) {
            return false;
        }
        switch (mode) {
            case START: // the object starts at once: leading blanks would let a sampler idle forever
                return c == '{' && open(c);
            case DONE:
                return ws(c);
            case VALUE:
            case VALUE_OR_CLOSE:
                if (ws(c)) {
                    return true;
                }
                if (mode == Mode.VALUE_OR_CLOSE && c == ']') {
                    return close(c);
                }
                return value(c);
            case KEY_OR_CLOSE:
            case KEY:
                if (ws(c)) {
                    return true;
                }
                if (mode == Mode.KEY_OR_CLOSE && c == '}') {
                    return close(c);
                }
                if (c == '"') {
                    mode = Mode.STRING;
                    key = true;
                    return true;
                }
                return false;
            case COLON:
                if (ws(c)) {
                    return true;
                }
                if (c == ':') {
                    mode = Mode.VALUE;
                    return true;
                }
                return false;
            case AFTER_VALUE:
                return afterValue(c);
            case STRING:
                if (c == '"') {
                    mode = key ? Mode.COLON : Mode.AFTER_VALUE;
                    return true;
                }
                if (c == '\\') {
                    mode = Mode.ESCAPE;
                    return true;
                }
                return c >= 0x20;
            case ESCAPE:
                if (c == 'u') {
                    mode = Mode.UNICODE;
                    hexLeft = 4;
                    return true;
                }
                mode = Mode.STRING;
                return "\"\\/bfnrt".indexOf(c) >= 0;
            case UNICODE:
                if (Character.digit(c, 16) < 0) {
                    return false;
                }
                if (--hexLeft == 0) {
                    mode = Mode.STRING;
                }
                return true;
            case NUMBER_MINUS:
                if (c == '0') {
                    mode = Mode.NUMBER_ZERO;
                    return true;
                }
                if (c >= '1' && c <= '9') {
                    mode = Mode.NUMBER_INT;
                    return true;
                }
                return false;
            case NUMBER_ZERO:
            case NUMBER_INT:
                if (mode == Mode.NUMBER_INT && c >= '0' && c <= '9') {
                    return true;
                }
                if (c == '.') {
                    mode = Mode.NUMBER_DOT;
                    return true;
                }
                if (c == 'e' || c == 'E') {
                    mode = Mode.NUMBER_E;
                    return true;
                }
                return afterValue(c);
            case NUMBER_DOT:
                if (c >= '0' && c <= '9') {
                    mode = Mode.NUMBER_FRAC;
                    return true;
                }
                return false;
            case NUMBER_FRAC:
                if (c >= '0' && c <= '9') {
                    return true;
                }
                if (c == 'e' || c == 'E') {
                    mode = Mode.NUMBER_E;
                    return true;
                }
                return afterValue(c);
            case NUMBER_E:
                if (c == '+' || c == '-') {
                    mode = Mode.NUMBER_E_SIGN;
                    return true;
                }
                if (c >= '0' && c <= '9') {
                    mode = Mode.NUMBER_EXP;
                    return true;
                }
                return false;
            case NUMBER_E_SIGN:
                if (c >= '0' && c <= '9') {
                    mode = Mode.NUMBER_EXP;
                    return true;
                }
                return false;
            case NUMBER_EXP:
                if (c >= '0' && c <= '9') {
                    return true;
                }
                return afterValue(c);
            case LITERAL:
                if (c != literal[literalAt]) {
                    return false;
                }
                if (++literalAt == literal.length) {
                    mode = Mode.AFTER_VALUE;
                }
                return true;
            default:
                return false;
        }
    }

    private boolean value(int c) {
        switch (c) {
            case '{', '[' -> {
                return open(c);
            }
            case '"' -> {
                mode = Mode.STRING;
                key = false;
                return true;
            }
            case '-' -> {
                mode = Mode.NUMBER_MINUS;
                return true;
            }
            case '0' -> {
                mode = Mode.NUMBER_ZERO;
                return true;
            }
            case 't', 'f', 'n' -> {
                literal = (c == 't' ? "true" : c == 'f' ? "false" : "null").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                literalAt = 1;
                mode = Mode.LITERAL;
                return true;
            }
            default -> {
                if (c >= '1' && c <= '9') {
                    mode = Mode.NUMBER_INT;
                    return true;
                }
                return false;
            }
        }
    }

    private boolean afterValue(int c) {
        mode = Mode.AFTER_VALUE;
        if (ws(c)) {
            return true;
        }
        byte top = stack[depth - 1];
        if (c == ',') {
            mode = top == '{' ? Mode.KEY : Mode.VALUE;
            return true;
        }
        if ((c == '}' && top == '{') || (c == ']' && top == '[')) {
            return close(c);
        }
        return false;
    }

    private boolean open(int c) {
        if (depth == MAX_DEPTH) {
            return false;
        }
        if (depth == stack.length) {
            stack = Arrays.copyOf(stack, depth * 2);
        }
        stack[depth++] = (byte) c;
        mode = c == '{' ? Mode.KEY_OR_CLOSE : Mode.VALUE_OR_CLOSE;
        return true;
    }

    private boolean close(int c) {
        depth--;
        mode = depth == 0 ? Mode.DONE : Mode.AFTER_VALUE;
        return true;
    }
}

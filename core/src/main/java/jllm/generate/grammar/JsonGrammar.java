package jllm.generate.grammar;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON (RFC 8259) as grammar rules, for the JSON mode ({@code response_format: json_object}: a top-level
 * object) and as the pieces that grammars from JSON Schema reuse: {@code ws} (at most
 * {@link #MAX_BLANKS} blanks, so a sampler cannot idle forever), {@code string}, {@code number},
 * {@code integer}, {@code value}.
 */
public final class JsonGrammar {
    private JsonGrammar() {
    }

    /** Most blanks in a row between tokens. */
    public static final int MAX_BLANKS = 16;

    /** One character of a JSON string's text: any but {@code " \} and controls, or an escape. */
    public static Expr stringChar() {
        Expr plain = Utf8.ranges(new int[] {0x20, 0x21, 0x23, 0x5B, 0x5D, CodePoints.MAX});
        Expr hex = Expr.anyOf("0123456789abcdefABCDEF");
        Expr escape = Expr.seq(Expr.literal("\\"), Expr.alt(Expr.anyOf("\"\\/bfnrt"), Expr.seq(Expr.literal("u"), hex, hex, hex, hex)));
        return Expr.alt(plain, escape);
    }

    /** The rules {@code ws, value, object, array, string, number, integer}, named with {@code prefix}. */
    public static Map<String, Expr> rules(String prefix) {
        Map<String, Expr> r = new LinkedHashMap<>();
        String ws = prefix + "ws";
        r.put(ws, new Expr.Repeat(Expr.anyOf(" \t\n\r"), 0, MAX_BLANKS));
        r.put(prefix + "string", Expr.seq(Expr.literal("\""), Expr.star(stringChar()), Expr.literal("\"")));
        Expr digits = Expr.plus(Expr.range('0', '9'));
        Expr intPart = Expr.alt(Expr.literal("0"), Expr.seq(Expr.range('1', '9'), Expr.star(Expr.range('0', '9'))));
        r.put(prefix + "integer", Expr.seq(Expr.opt(Expr.literal("-")), intPart));
        r.put(prefix + "number", Expr.seq(Expr.opt(Expr.literal("-")), intPart, Expr.opt(Expr.seq(Expr.literal("."), digits)),
                Expr.opt(Expr.seq(Expr.anyOf("eE"), Expr.opt(Expr.anyOf("+-")), digits))));
        Expr member = Expr.seq(Expr.ref(prefix + "string"), Expr.ref(ws), Expr.literal(":"), Expr.ref(ws), Expr.ref(prefix + "value"));
        r.put(prefix + "object", Expr.seq(Expr.literal("{"), Expr.ref(ws),
                Expr.opt(Expr.seq(member, Expr.ref(ws), Expr.star(Expr.seq(Expr.literal(","), Expr.ref(ws), member, Expr.ref(ws))))),
                Expr.literal("}")));
        Expr item = Expr.ref(prefix + "value");
        r.put(prefix + "array", Expr.seq(Expr.literal("["), Expr.ref(ws),
                Expr.opt(Expr.seq(item, Expr.ref(ws), Expr.star(Expr.seq(Expr.literal(","), Expr.ref(ws), item, Expr.ref(ws))))),
                Expr.literal("]")));
        r.put(prefix + "value", Expr.alt(Expr.ref(prefix + "object"), Expr.ref(prefix + "array"), Expr.ref(prefix + "string"),
                Expr.ref(prefix + "number"), Expr.literal("true"), Expr.literal("false"), Expr.literal("null")));
        return r;
    }

    /** A JSON object at the top level (OpenAI's {@code json_object} mode): the text ends when it closes. */
    public static Grammar object() {
        return ObjectHolder.OBJECT;
    }

    private static final class ObjectHolder {
        static final Grammar OBJECT;

        static {
            Map<String, Expr> r = rules("json-");
            r.put("root", Expr.ref("json-object"));
            OBJECT = Grammar.compile(r, "root");
        }
    }

    /** Any JSON value. */
    public static Grammar value() {
        Map<String, Expr> r = rules("json-");
        r.put("root", Expr.ref("json-value"));
        return Grammar.compile(r, "root");
    }
}

package jllm.generate.schema;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jllm.format.json.Json;
import jllm.generate.grammar.Expr;
import jllm.generate.grammar.Grammar;
import jllm.generate.grammar.GrammarException;
import jllm.generate.grammar.JsonGrammar;
import jllm.generate.grammar.Regex;

/**
 * Compiles a JSON Schema to a grammar of the JSON texts it accepts, so decoding can only produce valid
 * instances. Supported: {@code type} (one or a list), {@code properties} (in the schema's order),
 * {@code required}, {@code additionalProperties}, {@code items}, {@code prefixItems} (and the older tuple
 * {@code items}/{@code additionalItems}), {@code minItems/maxItems}, {@code enum}, {@code const},
 * {@code anyOf}, {@code oneOf} (as anyOf), {@code allOf} (merged), {@code $ref}/{@code $defs}/{@code definitions}
 * with recursion, {@code minLength/maxLength}, {@code pattern}, {@code format} (date, time, date-time,
 * uuid, email, ipv4, hostname, uri, uri-reference, duration; other formats are annotations),
 * {@code minimum/maximum/exclusiveMinimum/exclusiveMaximum} (integers exactly; numbers when the bounds are
 * integers), {@code minProperties/maxProperties} when implied. Any other validation keyword is refused
 * with an {@link UnsupportedSchemaException} naming them all; annotations are ignored.
 *
 * <p>Whitespace between tokens is free (at most {@link JsonGrammar#MAX_BLANKS} blanks in a row).
 *
 * <pre>{@code
 * Grammar g = SchemaGrammar.compile(Json.parse(schemaText, "schema.json"));
 * }</pre>
 */
public final class SchemaGrammar {

    /** Keywords that only annotate (or that the compiler reads through other keywords). */
    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "id", "$anchor", "$dynamicAnchor", "$comment",
            "$defs", "definitions", "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly",
            "contentMediaType", "contentEncoding", "$vocabulary");

    /** Validation keywords this compiler has no grammar for. */
    private static final Set<String> REFUSED = Set.of("not", "if", "then", "else", "uniqueItems", "contains", "minContains",
            "maxContains", "dependentRequired", "dependentSchemas", "dependencies", "propertyNames", "multipleOf",
            "patternProperties", "unevaluatedProperties", "unevaluatedItems", "$dynamicRef", "contentSchema",
            "minProperties", "maxProperties");

    /** Deepest nesting of schemas compiled (a hostile schema fails here, fast). */
    public static final int MAX_DEPTH = 256;

    private final SchemaValidator index;
    private final Map<String, Expr> rules = new LinkedHashMap<>();
    private final IdentityHashMap<Object, String> ruleOf = new IdentityHashMap<>();
    private final IdentityHashMap<Object, String> pointerOf = new IdentityHashMap<>();
    private final Set<String> unsupported = new LinkedHashSet<>();
    private int depth;

    private SchemaGrammar(Object root) {
        this.index = SchemaValidator.of(root);
        pointers(root, "#");
    }

    /** Records each subschema's JSON pointer, so rules (and errors about them) are named by it. */
    private void pointers(Object node, String at) {
        if (node instanceof Map<?, ?> m) {
            pointerOf.put(node, at);
            for (Map.Entry<?, ?> e : m.entrySet()) {
                pointers(e.getValue(), at + "/" + String.valueOf(e.getKey()).replace("~", "~0").replace("/", "~1"));
            }
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                pointers(l.get(i), at + "/" + i);
            }
        }
    }

    /** The grammar of the schema's instances; {@link UnsupportedSchemaException} names what it cannot do. */
    public static Grammar compile(Object schema) {
        SchemaGrammar c = new SchemaGrammar(schema);
        String root = c.build(schema);
        c.rules.put("root", Expr.seq(Expr.ref("json-ws"), Expr.ref(root)));
        try {
            return Grammar.compile(c.rules, "root");
        } catch (GrammarException e) {
            throw new UnsupportedSchemaException(List.of(e.getMessage()));
        }
    }

    /**
     * The schema's rules, to embed in a larger grammar (a tool call around the arguments): every rule
     * name starts with {@code prefix}, and the rule {@code prefix + "root"} is one instance (no blanks
     * before it). {@link UnsupportedSchemaException} names what it cannot do.
     *
     * <pre>{@code
     * Map<String, Expr> rules = new LinkedHashMap<>(SchemaGrammar.rules(parameters, "add-"));
     * rules.put("call", Expr.seq(Expr.literal("{\"arguments\": "), Expr.ref("add-root"), Expr.literal("}")));
     * Grammar g = Grammar.compile(rules, "call");
     * }</pre>
     */
    public static Map<String, Expr> rules(Object schema, String prefix) {
        SchemaGrammar c = new SchemaGrammar(schema);
        String root = c.build(schema);
        c.rules.put("root", Expr.ref(root));
        Map<String, Expr> named = new LinkedHashMap<>();
        c.rules.forEach((name, body) -> named.put(prefix + name, renamed(body, prefix)));
        return named;
    }

    /** {@code e} with every rule it refers to renamed to {@code prefix + name}. */
    private static Expr renamed(Expr e, String prefix) {
        return switch (e) {
            case Expr.Ref r -> Expr.ref(prefix + r.name());
            case Expr.Seq s -> new Expr.Seq(s.parts().stream().map(p -> renamed(p, prefix)).toList());
            case Expr.Alt a -> new Expr.Alt(a.options().stream().map(o -> renamed(o, prefix)).toList());
            case Expr.Repeat r -> new Expr.Repeat(renamed(r.body(), prefix), r.min(), r.max());
            case Expr.Bytes b -> b;
        };
    }

    /** Builds the rules of {@code schema} and the JSON pieces they use; returns the root rule's name. */
    private String build(Object schema) {
        rules.putAll(JsonGrammar.rules("json-"));
        String root;
        try {
            root = rule(schema);
        } catch (GrammarException e) {
            unsupported.add(e.getMessage());
            root = null;
        }
        if (!unsupported.isEmpty()) {
            throw new UnsupportedSchemaException(new ArrayList<>(unsupported));
        }
        return root;
    }

    private static Expr ws() {
        return Expr.ref("json-ws");
    }

    /** The name of the rule for a schema (made once per schema object, so recursion terminates). */
    private String rule(Object schema) {
        String name = ruleOf.get(schema);
        if (name != null) {
            return name;
        }
        // the schema's JSON pointer ("#/properties/a") when it is one of the document's own, else s<N>
        name = pointerOf.getOrDefault(schema, "s" + ruleOf.size());
        ruleOf.put(schema, name);
        rules.put(name, Expr.NOTHING); // placeholder while the body is built (recursion)
        if (++depth > MAX_DEPTH) {
            throw new GrammarException("schema nested deeper than " + MAX_DEPTH + " at " + name);
        }
        try {
            rules.put(name, body(schema));
        } finally {
            depth--;
        }
        return name;
    }

    @SuppressWarnings("unchecked")
    private Expr body(Object schema) {
        if (Boolean.TRUE.equals(schema)) {
            return Expr.ref("json-value");
        }
        if (Boolean.FALSE.equals(schema)) {
            return Expr.NOTHING;
        }
        if (!(schema instanceof Map)) {
            throw new SchemaException("a schema must be a JSON object or a boolean");
        }
        Map<String, Object> s = (Map<String, Object>) schema;
        // $ref: alone, a reference to the target's rule; with siblings, merged with its target
        if (s.get("$ref") instanceof String ref) {
            Object target = index.resolveRef(schema, ref);
            Map<String, Object> rest = new LinkedHashMap<>(s);
            rest.remove("$ref");
            if (constraintsOf(rest).isEmpty()) {
                return Expr.ref(rule(target));
            }
            if (target instanceof Map<?, ?> tm && !((Map<String, Object>) tm).containsKey("$ref")) {
                return body(merge(rest, (Map<String, Object>) tm));
            }
            unsupported.add("$ref with sibling keywords to a $ref");
            return Expr.NOTHING;
        }
        if (s.get("allOf") instanceof List<?> all) {
            Map<String, Object> merged = new LinkedHashMap<>(s);
            merged.remove("allOf");
            for (Object sub : all) {
                merged = merge(merged, deref(sub));
            }
            return body(merged);
        }
        for (String k : s.keySet()) {
            if (REFUSED.contains(k) && !implied(k, s)) {
                unsupported.add(k);
            }
        }
        if (s.get("format") instanceof String f && UNCHECKED_FORMATS.contains(f)) {
            unsupported.add("format " + f);
        }
        if (s.get("oneOf") instanceof List<?> one && !disjoint((List<Object>) one)) {
            unsupported.add("oneOf with branches that may overlap");
        }
        List<Object> branches = s.get("anyOf") instanceof List<?> l ? (List<Object>) l
                : s.get("oneOf") instanceof List<?> l2 ? (List<Object>) l2 : null;
        if (branches != null) {
            Map<String, Object> rest = new LinkedHashMap<>(s);
            rest.remove("anyOf");
            rest.remove("oneOf");
            List<Expr> opts = new ArrayList<>();
            boolean plain = constraintsOf(rest).isEmpty();
            for (Object b : branches) {
                opts.add(plain ? Expr.ref(rule(b)) : body(merge(rest, deref(b))));
            }
            return Expr.alt(opts);
        }
        if (s.containsKey("const")) {
            return literal(s.get("const"));
        }
        if (s.get("enum") instanceof List<?> values) {
            // scalars as one prefix tree (a huge enum is one parse, not one per value); objects and arrays apart
            List<Expr> opts = new ArrayList<>();
            List<byte[]> scalars = new ArrayList<>();
            for (Object v : values) {
                if (typeAllows(s.get("type"), v)) {
                    if (v instanceof Map || v instanceof List) {
                        opts.add(literal(v));
                    } else {
                        scalars.add(scalarText(v).getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
            if (!scalars.isEmpty()) {
                opts.add(Expr.oneOfLiterals(scalars));
            }
            return opts.isEmpty() ? Expr.NOTHING : Expr.alt(opts);
        }
        Set<String> types = types(s);
        List<Expr> opts = new ArrayList<>();
        for (String t : types) {
            switch (t) {
                case "null" -> opts.add(Expr.literal("null"));
                case "boolean" -> opts.add(Expr.alt(Expr.literal("true"), Expr.literal("false")));
                case "string" -> opts.add(string(s));
                case "integer" -> opts.add(integer(s));
                case "number" -> {
                    if (!types.contains("integer")) {
                        opts.add(number(s));
                    } else {
                        opts.add(number(s)); // numbers include integers; the alternatives overlap harmlessly
                    }
                }
                case "array" -> opts.add(array(s));
                case "object" -> opts.add(object(s));
                default -> unsupported.add("type " + t);
            }
        }
        return opts.isEmpty() ? Expr.NOTHING : Expr.alt(opts);
    }

    /** Standard formats that validators check but these grammars do not spell out. */
    private static final Set<String> UNCHECKED_FORMATS = Set.of("uri-template", "json-pointer", "relative-json-pointer",
            "iri", "iri-reference", "idn-email", "idn-hostname", "regex", "ipv6");

    /**
     * True when no instance can match two of the branches, so oneOf may run as anyOf: their types are
     * disjoint, or they give a common required property distinct constant values.
     */
    @SuppressWarnings("unchecked")
    private boolean disjoint(List<Object> branches) {
        List<Map<String, Object>> bs = new ArrayList<>();
        for (Object b : branches) {
            if (!(b instanceof Map)) {
                return false;
            }
            bs.add(deref(b));
        }
        for (int i = 0; i < bs.size(); i++) {
            for (int j = i + 1; j < bs.size(); j++) {
                if (!disjoint(bs.get(i), bs.get(j))) {
                    return false;
                }
            }
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static boolean disjoint(Map<String, Object> a, Map<String, Object> b) {
        if (a.containsKey("type") && b.containsKey("type")) {
            Set<String> ta = new LinkedHashSet<>(typeList(a.get("type")));
            Set<String> tb = new LinkedHashSet<>(typeList(b.get("type")));
            if (ta.contains("number")) {
                ta.add("integer");
            }
            if (tb.contains("number")) {
                tb.add("integer");
            }
            ta.retainAll(tb);
            if (ta.isEmpty()) {
                return true;
            }
        }
        if (a.containsKey("const") && b.containsKey("const")) {
            return !JsonValues.equal(a.get("const"), b.get("const"));
        }
        if (a.get("enum") instanceof List<?> ea && b.get("enum") instanceof List<?> eb) {
            return ea.stream().noneMatch(x -> eb.stream().anyMatch(y -> JsonValues.equal(x, y)));
        }
        if (a.get("properties") instanceof Map<?, ?> pa && b.get("properties") instanceof Map<?, ?> pb
                && a.get("required") instanceof List<?> ra && b.get("required") instanceof List<?> rb) {
            for (Object k : ra) {
                if (rb.contains(k) && pa.get(k) instanceof Map<?, ?> sa && pb.get(k) instanceof Map<?, ?> sb
                        && disjointValues((Map<String, Object>) sa, (Map<String, Object>) sb)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean disjointValues(Map<String, Object> a, Map<String, Object> b) {
        return (a.containsKey("const") || a.containsKey("enum")) && (b.containsKey("const") || b.containsKey("enum"))
                && disjoint(a, b);
    }

    /** True when a refused keyword is implied by the others (so it constrains nothing). */
    @SuppressWarnings("unchecked")
    private static boolean implied(String k, Map<String, Object> s) {
        Object v = s.get(k);
        return switch (k) {
            case "uniqueItems" -> Boolean.FALSE.equals(v);
            case "minProperties" -> JsonValues.isNumber(v) && JsonValues.decimal(v).intValue()
                    <= (s.get("required") instanceof List<?> r ? r.size() : 0);
            case "maxProperties" -> JsonValues.isNumber(v) && Boolean.FALSE.equals(s.get("additionalProperties"))
                    && s.get("properties") instanceof Map<?, ?> p && p.size() <= JsonValues.decimal(v).intValue();
            case "multipleOf" -> JsonValues.isNumber(v) && JsonValues.decimal(v).compareTo(BigDecimal.ONE) == 0
                    && "integer".equals(s.get("type"));
            case "patternProperties", "dependentRequired", "dependentSchemas", "dependencies" -> v instanceof Map<?, ?> m && m.isEmpty();
            case "then", "else" -> !s.containsKey("if");
            default -> false;
        };
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> deref(Object sub) {
        if (Boolean.TRUE.equals(sub)) {
            return Map.of();
        }
        if (!(sub instanceof Map)) {
            unsupported.add("false schema in allOf/anyOf");
            return Map.of();
        }
        Map<String, Object> m = (Map<String, Object>) sub;
        for (int hops = 0; m.get("$ref") instanceof String ref; hops++) {
            if (hops > 32) {
                throw new GrammarException("$ref chain longer than 32 (a $ref cycle?)");
            }
            Object t = index.resolveRef(m, ref);
            Map<String, Object> rest = new LinkedHashMap<>(m);
            rest.remove("$ref");
            if (!(t instanceof Map)) {
                return rest;
            }
            m = merge(rest, (Map<String, Object>) t);
        }
        return m;
    }

    private static Map<String, Object> constraintsOf(Map<String, Object> s) {
        Map<String, Object> c = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : s.entrySet()) {
            if (ANNOTATIONS.contains(e.getKey()) || e.getKey().equals("format") && !Formats.CHECKED.contains(e.getValue())) {
                continue;
            }
            if (isKeyword(e.getKey())) {
                c.put(e.getKey(), e.getValue());
            }
        }
        return c;
    }

    private static final Set<String> KEYWORDS = Set.of("type", "properties", "required", "additionalProperties", "items",
            "prefixItems", "additionalItems", "minItems", "maxItems", "enum", "const", "anyOf", "oneOf", "allOf", "$ref",
            "minLength", "maxLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum");

    private static boolean isKeyword(String k) {
        return KEYWORDS.contains(k) || REFUSED.contains(k);
    }

    /** The schema both accept (allOf), for the keywords this compiler knows; clashes are unsupported. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> merge(Map<String, Object> a, Map<String, Object> b) {
        Map<String, Object> out = new LinkedHashMap<>(a);
        b = deref(b);
        for (Map.Entry<String, Object> e : b.entrySet()) {
            String k = e.getKey();
            Object v = e.getValue();
            Object old = out.get(k);
            if (old == null || ANNOTATIONS.contains(k)) {
                out.putIfAbsent(k, v);
                continue;
            }
            if (JsonValues.equal(old, v)) {
                continue;
            }
            switch (k) {
                case "properties" -> {
                    Map<String, Object> p = new LinkedHashMap<>((Map<String, Object>) old);
                    ((Map<String, Object>) v).forEach((name, sub) -> p.merge(name, sub,
                            (x, y) -> x instanceof Map && y instanceof Map ? merge((Map<String, Object>) x, (Map<String, Object>) y) : y));
                    out.put(k, p);
                }
                case "required" -> {
                    Set<Object> r = new LinkedHashSet<>((List<Object>) old);
                    r.addAll((List<Object>) v);
                    out.put(k, new ArrayList<>(r));
                }
                case "type" -> {
                    Set<String> t = new LinkedHashSet<>(typeList(old));
                    t.retainAll(typeList(v));
                    if (typeList(old).contains("number") && typeList(v).contains("integer")
                            || typeList(v).contains("number") && typeList(old).contains("integer")) {
                        t.add("integer");
                    }
                    out.put(k, new ArrayList<>(t));
                }
                case "minimum", "exclusiveMinimum", "minLength", "minItems" ->
                        out.put(k, JsonValues.decimal(old).compareTo(JsonValues.decimal(v)) >= 0 ? old : v);
                case "maximum", "exclusiveMaximum", "maxLength", "maxItems" ->
                        out.put(k, JsonValues.decimal(old).compareTo(JsonValues.decimal(v)) <= 0 ? old : v);
                case "additionalProperties" -> {
                    if (Boolean.FALSE.equals(old) || Boolean.FALSE.equals(v)) {
                        out.put(k, false);
                    } else {
                        unsupported.add("allOf with two different additionalProperties");
                    }
                }
                case "items" -> {
                    if (old instanceof Map && v instanceof Map) {
                        out.put(k, merge((Map<String, Object>) old, (Map<String, Object>) v));
                    } else {
                        unsupported.add("allOf with two different items");
                    }
                }
                default -> {
                    if (isKeyword(k)) {
                        unsupported.add("allOf with two different " + k);
                    }
                }
            }
        }
        return out;
    }

    private static List<String> typeList(Object t) {
        List<String> out = new ArrayList<>();
        if (t instanceof String s) {
            out.add(s);
        } else if (t instanceof List<?> l) {
            for (Object o : l) {
                out.add((String) o);
            }
        }
        return out;
    }

    /** The types a schema allows: its "type", or those its keywords suggest, or all. */
    private static Set<String> types(Map<String, Object> s) {
        if (s.containsKey("type")) {
            Set<String> t = new LinkedHashSet<>(typeList(s.get("type")));
            if (t.contains("number")) {
                t.remove("integer");
            }
            return t;
        }
        return new LinkedHashSet<>(List.of("object", "array", "string", "number", "boolean", "null"));
    }

    private static boolean typeAllows(Object type, Object v) {
        if (type == null) {
            return true;
        }
        for (String t : typeList(type)) {
            boolean ok = switch (t) {
                case "null" -> v == Json.NULL;
                case "boolean" -> v instanceof Boolean;
                case "string" -> v instanceof String;
                case "integer" -> JsonValues.isInteger(v);
                case "number" -> JsonValues.isNumber(v);
                case "array" -> v instanceof List;
                case "object" -> v instanceof Map;
                default -> false;
            };
            if (ok) {
                return true;
            }
        }
        return false;
    }

    // ---- values ----

    /** A value exactly, as Python's json.dumps writes it (", " and ": "), blanks free between tokens. */
    private Expr literal(Object v) {
        return switch (v) {
            case Map<?, ?> m -> {
                List<Expr> parts = new ArrayList<>();
                parts.add(Expr.literal("{"));
                parts.add(ws());
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) {
                        parts.add(Expr.literal(","));
                        parts.add(ws());
                    }
                    first = false;
                    parts.add(Expr.literal(Json.quote((String) e.getKey())));
                    parts.add(ws());
                    parts.add(Expr.literal(":"));
                    parts.add(ws());
                    parts.add(literal(e.getValue()));
                    parts.add(ws());
                }
                parts.add(Expr.literal("}"));
                yield new Expr.Seq(parts);
            }
            case List<?> l -> {
                List<Expr> parts = new ArrayList<>();
                parts.add(Expr.literal("["));
                parts.add(ws());
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        parts.add(Expr.literal(","));
                        parts.add(ws());
                    }
                    parts.add(literal(l.get(i)));
                    parts.add(ws());
                }
                parts.add(Expr.literal("]"));
                yield new Expr.Seq(parts);
            }
            default -> Expr.literal(scalarText(v));
        };
    }

    /** A string, number, boolean or null as json.dumps writes it. */
    private static String scalarText(Object v) {
        return switch (v) {
            case String str -> Json.quote(str);
            case Double d -> PythonJson.pyFloat(d);
            case null -> "null";
            default -> String.valueOf(v);
        };
    }

    // ---- strings ----

    private Expr string(Map<String, Object> s) {
        Integer min = s.containsKey("minLength") ? intOf(s.get("minLength")) : null;
        Integer max = s.containsKey("maxLength") ? intOf(s.get("maxLength")) : null;
        String pattern = s.get("pattern") instanceof String p ? p : null;
        String format = s.get("format") instanceof String f && FormatGrammars.PATTERNS.containsKey(f) ? f : null;
        if (pattern != null && format != null) {
            unsupported.add("pattern with format");
        }
        if ((pattern != null || format != null) && (min != null && min > 0 || max != null)) {
            unsupported.add((pattern != null ? "pattern" : "format") + " with minLength/maxLength");
        }
        if (pattern != null || format != null) {
            String re = pattern != null ? pattern : FormatGrammars.PATTERNS.get(format);
            return Expr.seq(Expr.literal("\""), Regex.parse(re, Regex::jsonString), Expr.literal("\""));
        }
        Expr ch = JsonGrammar.stringChar();
        if (min == null && max == null) {
            return Expr.ref("json-string");
        }
        return Expr.seq(Expr.literal("\""), new Expr.Repeat(ch, min == null ? 0 : min, max == null ? -1 : max), Expr.literal("\""));
    }

    private int intOf(Object v) {
        if (!JsonValues.isNumber(v)) {
            throw new SchemaException("expected a number, got " + v);
        }
        BigDecimal d = JsonValues.decimal(v);
        if (d.compareTo(BigDecimal.valueOf(100_000)) > 0) {
            throw new GrammarException("a length bound over 100000: " + d);
        }
        return d.intValue();
    }

    // ---- numbers ----

    private record Bounds(BigDecimal lo, boolean loEx, BigDecimal hi, boolean hiEx) {
        boolean any() {
            return lo != null || hi != null;
        }
    }

    private static Bounds bounds(Map<String, Object> s) {
        BigDecimal lo = null;
        boolean loEx = false;
        BigDecimal hi = null;
        boolean hiEx = false;
        if (JsonValues.isNumber(s.get("minimum"))) {
            lo = JsonValues.decimal(s.get("minimum"));
        }
        if (JsonValues.isNumber(s.get("exclusiveMinimum"))) {
            BigDecimal x = JsonValues.decimal(s.get("exclusiveMinimum"));
            if (lo == null || x.compareTo(lo) >= 0) {
                lo = x;
                loEx = true;
            }
        }
        if (JsonValues.isNumber(s.get("maximum"))) {
            hi = JsonValues.decimal(s.get("maximum"));
        }
        if (JsonValues.isNumber(s.get("exclusiveMaximum"))) {
            BigDecimal x = JsonValues.decimal(s.get("exclusiveMaximum"));
            if (hi == null || x.compareTo(hi) <= 0) {
                hi = x;
                hiEx = true;
            }
        }
        return new Bounds(lo, loEx, hi, hiEx);
    }

    private static final BigDecimal LIMIT = new BigDecimal("1e17");

    private static Long clampLong(BigDecimal d) {
        return d == null || d.abs().compareTo(LIMIT) > 0 ? null : d.longValueExact();
    }

    private Expr integer(Map<String, Object> s) {
        Bounds b = bounds(s);
        if (!b.any()) {
            return Expr.ref("json-integer");
        }
        Long lo = null;
        Long hi = null;
        if (b.lo() != null && b.lo().abs().compareTo(LIMIT) <= 0) {
            BigDecimal c = b.lo().setScale(0, java.math.RoundingMode.CEILING);
            lo = c.longValueExact() + (b.loEx() && c.compareTo(b.lo()) == 0 ? 1 : 0);
        } else if (b.lo() != null && b.lo().signum() > 0) {
            return Expr.NOTHING;
        }
        if (b.hi() != null && b.hi().abs().compareTo(LIMIT) <= 0) {
            BigDecimal f = b.hi().setScale(0, java.math.RoundingMode.FLOOR);
            hi = f.longValueExact() - (b.hiEx() && f.compareTo(b.hi()) == 0 ? 1 : 0);
        } else if (b.hi() != null && b.hi().signum() < 0) {
            return Expr.NOTHING;
        }
        return NumberRanges.integer(lo, hi);
    }

    private Expr number(Map<String, Object> s) {
        Bounds b = bounds(s);
        if (!b.any()) {
            return Expr.ref("json-number");
        }
        for (BigDecimal x : new BigDecimal[] {b.lo(), b.hi()}) {
            if (x != null && x.stripTrailingZeros().scale() > 0) {
                unsupported.add("a fractional minimum/maximum on a number");
                return Expr.NOTHING;
            }
        }
        Long lo = b.lo() == null ? null : clampLong(b.lo());
        Long hi = b.hi() == null ? null : clampLong(b.hi());
        return NumberRanges.decimal(lo, b.loEx(), hi, b.hiEx());
    }

    // ---- arrays ----

    @SuppressWarnings("unchecked")
    private Expr array(Map<String, Object> s) {
        List<Object> prefix = s.get("prefixItems") instanceof List<?> p ? (List<Object>) p
                : s.get("items") instanceof List<?> legacy ? (List<Object>) legacy : List.of();
        Object items = s.get("items") instanceof List<?> ? s.getOrDefault("additionalItems", true)
                : s.getOrDefault("items", true);
        int min = s.containsKey("minItems") ? intOf(s.get("minItems")) : 0;
        int max = s.containsKey("maxItems") ? intOf(s.get("maxItems")) : -1;
        if (Boolean.FALSE.equals(items)) {
            max = max < 0 ? prefix.size() : Math.min(max, prefix.size());
        }
        if (max >= 0 && min > max) {
            return Expr.NOTHING;
        }
        // tail(i): the items from index i on, after a comma when i > 0
        Expr tailItems = null;
        if (max < 0 || max > prefix.size()) {
            Expr item = Expr.ref(rule(items));
            Expr sep = Expr.seq(Expr.literal(","), ws(), item, ws());
            int restMin = Math.max(0, min - prefix.size());
            int restMax = max < 0 ? -1 : max - prefix.size();
            tailItems = prefix.isEmpty() ? null : new Expr.Repeat(sep, restMin, restMax);
            if (prefix.isEmpty()) {
                if (restMax == 0) {
                    return Expr.seq(Expr.literal("["), ws(), Expr.literal("]"));
                }
                Expr firstAndRest = Expr.seq(item, ws(), new Expr.Repeat(sep, Math.max(0, restMin - 1), restMax < 0 ? -1 : restMax - 1));
                return Expr.seq(Expr.literal("["), ws(), restMin > 0 ? firstAndRest : Expr.opt(firstAndRest), Expr.literal("]"));
            }
        }
        // the prefix items, each one optional once minItems is reached
        Expr rest = tailItems == null ? Expr.EMPTY : tailItems;
        for (int i = Math.min(prefix.size(), max < 0 ? prefix.size() : max) - 1; i >= 0; i--) {
            Expr it = Expr.seq(i == 0 ? Expr.EMPTY : Expr.seq(Expr.literal(","), ws()), Expr.ref(rule(prefix.get(i))), ws(), rest);
            rest = i + 1 > min ? Expr.opt(it) : it;
        }
        return Expr.seq(Expr.literal("["), ws(), rest, Expr.literal("]"));
    }

    // ---- objects ----

    @SuppressWarnings("unchecked")
    private Expr object(Map<String, Object> s) {
        Map<String, Object> props = s.get("properties") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
        Set<String> required = new LinkedHashSet<>();
        if (s.get("required") instanceof List<?> r) {
            for (Object o : r) {
                required.add((String) o);
            }
        }
        Object additional = s.getOrDefault("additionalProperties", true);
        List<String> names = new ArrayList<>(props.keySet());
        for (String r : required) {
            if (!props.containsKey(r)) {
                names.add(r); // required but not described: any value
            }
        }
        Expr addl = null;
        if (!Boolean.FALSE.equals(additional)) {
            Expr key = KeyNotIn.of(names);
            addl = Expr.seq(key, ws(), Expr.literal(":"), ws(), Expr.ref(rule(additional)), ws());
        }
        // after(i): members from i on, when one has been written (each after a comma)
        // none(i): members from i on, when none has been written yet
        Expr after = addl == null ? Expr.EMPTY : Expr.star(Expr.seq(Expr.literal(","), ws(), addl));
        Expr none = addl == null ? Expr.EMPTY : Expr.opt(Expr.seq(addl, Expr.star(Expr.seq(Expr.literal(","), ws(), addl))));
        for (int i = names.size() - 1; i >= 0; i--) {
            String n = names.get(i);
            Object sub = props.getOrDefault(n, true);
            Expr member = Expr.seq(Expr.literal(Json.quote(n)), ws(), Expr.literal(":"), ws(), Expr.ref(rule(sub)), ws());
            String afterName = "o" + rules.size();
            rules.put(afterName, after);
            Expr withComma = Expr.seq(Expr.literal(","), ws(), member, Expr.ref(afterName));
            Expr first = Expr.seq(member, Expr.ref(afterName));
            if (required.contains(n)) {
                after = withComma;
                none = first;
            } else {
                String noneName = "o" + rules.size();
                rules.put(noneName, none);
                after = Expr.alt(withComma, Expr.ref(afterName));
                none = Expr.alt(first, Expr.ref(noneName));
            }
        }
        return Expr.seq(Expr.literal("{"), ws(), none, Expr.literal("}"));
    }
}

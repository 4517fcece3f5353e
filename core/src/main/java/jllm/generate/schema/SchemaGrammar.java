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
import jllm.generate.grammar.ByteDfa;
import jllm.generate.grammar.Expr;
import jllm.generate.grammar.Grammar;
import jllm.generate.grammar.GrammarException;
import jllm.generate.grammar.JsonGrammar;
import jllm.generate.grammar.Regex;

/**
 * Compiles a JSON Schema to a grammar of the JSON texts it accepts, so decoding can only produce valid
 * instances. Supported: {@code type} (one or a list), {@code properties} (in the schema's order),
 * {@code required}, {@code additionalProperties}, {@code patternProperties}, {@code propertyNames},
 * {@code minProperties/maxProperties}, dependencies ({@code dependentRequired}, {@code dependentSchemas},
 * draft 7 {@code dependencies}), {@code items}, {@code prefixItems} (and the older tuple
 * {@code items}/{@code additionalItems}), {@code minItems/maxItems}, {@code contains}, {@code enum},
 * {@code const}, {@code anyOf}, {@code oneOf}, {@code allOf} (merged), {@code not}, {@code if/then/else},
 * {@code $ref}/{@code $defs}/{@code definitions} with recursion, {@code minLength/maxLength},
 * {@code pattern}, {@code format} (date, time, date-time, uuid, email, ipv4, hostname, uri, uri-reference,
 * duration; other formats are annotations), {@code minimum/maximum/exclusiveMinimum/exclusiveMaximum}
 * (integers exactly; numbers when the bounds are integers), {@code multipleOf}. What a grammar cannot
 * combine by itself (a key matching one pattern and no declared name, a pattern within lengths) goes
 * through {@link ByteDfa}; {@code not}, {@code if} and overlapping {@code oneOf} go through
 * negation, a schema of the instances a schema refuses. Any form it cannot represent
 * exactly is refused with an {@link UnsupportedSchemaException} naming it; annotations are ignored.
 *
 * <p>Whitespace between tokens is free (at most {@link JsonGrammar#MAX_BLANKS} blanks in a row).
 *
 * <pre>{@code
 * Grammar g = SchemaGrammar.compile(Json.parse(schemaText, "schema.json"));
 * }</pre>
 */
public final class SchemaGrammar {

    /** Internal keywords (made by merging and negation): patterns all to match, patterns none may match, strings excluded. */
    static final String PATTERNS = "jllm:patterns";
    static final String NOT_PATTERNS = "jllm:notPatterns";
    static final String NOT_STRINGS = "jllm:notStrings";
    /** Internal keyword: lists of names; for each, the object has a key outside it (not {additionalProperties: false}). */
    static final String KEY_OUTSIDE = "jllm:keyOutside";
    /** Internal keyword: numbers that are multiples of none of these (not {multipleOf}). */
    static final String NOT_MULTIPLE = "jllm:notMultipleOf";
    /** Internal keyword: numbers that are not integers. */
    static final String NOT_INTEGER = "jllm:notInteger";

    /** Keywords that only annotate (or that the compiler reads through other keywords). */
    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "id", "$anchor", "$dynamicAnchor", "$comment",
            "$defs", "definitions", "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly",
            "contentMediaType", "contentEncoding", "$vocabulary");

    /** Keywords refused when they reach a grammar (not, if and dependencies are rewritten before that). */
    private static final Set<String> REFUSED = Set.of("not", "if", "then", "else", "uniqueItems", "minContains",
            "maxContains", "dependentRequired", "dependentSchemas", "dependencies",
            "unevaluatedProperties", "unevaluatedItems", "$dynamicRef", "contentSchema");

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
        // drafts before 7 have no if/then/else: there they are unknown keywords, so annotations
        this.noConditionals = root instanceof Map<?, ?> m && m.get("$schema") instanceof String draft
                && draft.matches(".*draft-0[346].*");
    }

    private final boolean noConditionals;

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
            if (target instanceof Map<?, ?> tm) {
                return body(merge(rest, (Map<String, Object>) tm));
            }
            return Boolean.FALSE.equals(target) ? Expr.NOTHING : body(rest);
        }
        if (noConditionals && (s.containsKey("if") || s.containsKey("then") || s.containsKey("else"))) {
            Map<String, Object> rest = new LinkedHashMap<>(s);
            rest.keySet().removeAll(List.of("if", "then", "else"));
            return body(rest);
        }
        if (s.get("allOf") instanceof List<?> all) {
            Map<String, Object> merged = new LinkedHashMap<>(s);
            merged.remove("allOf");
            for (Object sub : all) {
                if (Boolean.FALSE.equals(sub)) {
                    return Expr.NOTHING;
                }
                merged = merge(merged, deref(sub));
            }
            return body(merged);
        }
        // not, if/then/else and dependencies become anyOf branches merged into the rest (allOf distributes)
        if (s.containsKey("not") || s.containsKey("if") || s.containsKey("dependencies") || s.containsKey("dependentRequired")
                || s.containsKey("dependentSchemas")) {
            Map<String, Object> rest = new LinkedHashMap<>(s);
            List<Object> parts = new ArrayList<>();
            if (rest.containsKey("not")) {
                parts.add(negate(rest.remove("not")));
            }
            if (rest.containsKey("if")) {
                Object cond = rest.remove("if");
                Object then = rest.containsKey("then") ? rest.remove("then") : true;
                Object otherwise = rest.containsKey("else") ? rest.remove("else") : true;
                if (!isTrue(then) || !isTrue(otherwise)) { // (an if alone constrains nothing)
                    parts.add(anyOf(List.of(both(cond, then), both(negate(cond), otherwise))));
                }
            }
            for (String k : List.of("dependencies", "dependentRequired", "dependentSchemas")) {
                if (rest.remove(k) instanceof Map<?, ?> deps) {
                    for (Map.Entry<?, ?> d : deps.entrySet()) {
                        parts.add(dependency((String) d.getKey(), d.getValue()));
                    }
                }
            }
            Object merged = rest;
            for (Object part : parts) {
                merged = both(merged, part);
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
        List<Object> branches = s.get("anyOf") instanceof List<?> l ? (List<Object>) l : null;
        if (s.get("oneOf") instanceof List<?> one) {
            List<Object> exclusive = disjoint((List<Object>) one) ? (List<Object>) one : exclusive((List<Object>) one);
            branches = branches == null ? exclusive : cross(branches, exclusive);
        }
        if (branches != null) {
            Map<String, Object> rest = new LinkedHashMap<>(s);
            rest.remove("anyOf");
            rest.remove("oneOf");
            List<Expr> opts = new ArrayList<>();
            boolean plain = constraintsOf(rest).isEmpty();
            for (Object b : branches) {
                if (Boolean.FALSE.equals(b)) {
                    continue;
                }
                opts.add(plain ? Expr.ref(rule(b)) : body(both(rest, b)));
            }
            return opts.isEmpty() ? Expr.NOTHING : Expr.alt(opts);
        }
        if (s.containsKey("const") || s.get("enum") instanceof List<?>) {
            List<Object> values = s.containsKey("const") ? new ArrayList<>(List.of(s.get("const"))) : new ArrayList<>((List<Object>) s.get("enum"));
            if (s.get("enum") instanceof List<?> e && s.containsKey("const")) {
                values.removeIf(x -> e.stream().noneMatch(y -> JsonValues.equal(x, y)));
            }
            values.removeIf(x -> !admits(s, x));
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
                case "integer" -> {
                    if (!s.containsKey(NOT_INTEGER)) {
                        opts.add(integer(s));
                    }
                }
                case "number" -> opts.add(s.containsKey(NOT_INTEGER) ? fraction(s) : number(s));
                case "array" -> opts.add(array(s));
                case "object" -> opts.add(object(s));
                default -> unsupported.add("type " + t);
            }
        }
        return opts.isEmpty() ? Expr.NOTHING : Expr.alt(opts);
    }

    private static final Set<String> SCALAR_KEYWORDS = Set.of("type", "minimum", "maximum", "exclusiveMinimum",
            "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "pattern", "format");

    /** True when an enum value meets the schema's other keywords (enum values are checked, not trusted). */
    @SuppressWarnings("unchecked")
    private boolean admits(Map<String, Object> s, Object value) {
        if (s.containsKey(NOT_INTEGER) && JsonValues.isInteger(value)) {
            return false;
        }
        if (value instanceof String str) {
            byte[] text = str.getBytes(StandardCharsets.UTF_8);
            if (s.get(NOT_STRINGS) instanceof List<?> l && l.contains(str)) {
                return false;
            }
            for (Object p : s.get(PATTERNS) instanceof List<?> l ? l : List.of()) {
                if (!ByteDfa.of(Regex.parse((String) p, Regex::raw)).matches(text)) {
                    return false;
                }
            }
            for (Object p : s.get(NOT_PATTERNS) instanceof List<?> l ? l : List.of()) {
                if (ByteDfa.of(Regex.parse((String) p, Regex::raw)).matches(text)) {
                    return false;
                }
            }
        }
        Map<String, Object> scalar = new LinkedHashMap<>();
        boolean structured = false;
        for (Map.Entry<String, Object> e : constraintsOf(s).entrySet()) {
            if (SCALAR_KEYWORDS.contains(e.getKey())) {
                scalar.put(e.getKey(), e.getValue());
            } else if (!e.getKey().equals("enum") && !e.getKey().equals("const") && !e.getKey().startsWith("jllm:")) {
                structured = true;
            }
        }
        if (structured && (value instanceof Map || value instanceof List)) {
            // the whole schema judges it (its references resolve in the document); merged-in negations
            // (internal keywords the validator does not read) are refused rather than ignored
            if (PythonJson.dumps(s).contains("jllm:")) {
                unsupported.add("enum of objects or arrays beside a negated schema");
                return false;
            }
            Map<String, Object> rest = new LinkedHashMap<>(s);
            rest.remove("enum");
            rest.remove("const");
            return index.validates(value, rest);
        }
        return SchemaValidator.of(scalar, new SchemaValidator.Options(true)).validate(value);
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
        for (int i = 0; i < branches.size(); i++) {
            for (int j = i + 1; j < branches.size(); j++) {
                if (!disjoint(branches.get(i), branches.get(j), 0)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * True when no instance meets both schemas, by what can be read off them: no common type (a type
     * keyword, or the types of enum/const values), no common enum/const value, or, for objects, a
     * property one requires that the other forbids, or that both require with disjoint values.
     */
    @SuppressWarnings("unchecked")
    private boolean disjoint(Object x, Object y, int depth) {
        if (Boolean.FALSE.equals(x) || Boolean.FALSE.equals(y)) {
            return true;
        }
        if (!(x instanceof Map) || !(y instanceof Map) || depth > 8) {
            return false;
        }
        Map<String, Object> a = flat(x);
        Map<String, Object> b = flat(y);
        Set<String> common = kinds(a);
        common.retainAll(kinds(b));
        if (common.isEmpty()) {
            return true;
        }
        List<Object> va = values(a);
        List<Object> vb = values(b);
        if (va != null && vb != null && va.stream().noneMatch(v -> vb.stream().anyMatch(w -> JsonValues.equal(v, w)))) {
            return true;
        }
        if (common.equals(Set.of("object"))) {
            return excludes(a, b, depth) || excludes(b, a, depth);
        }
        return false;
    }

    /** For objects: a requires a property that b forbids, or whose values the two keep apart. */
    @SuppressWarnings("unchecked")
    private boolean excludes(Map<String, Object> a, Map<String, Object> b, int depth) {
        if (!(a.get("required") instanceof List<?> ra)) {
            return false;
        }
        Map<String, Object> pa = a.get("properties") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
        Map<String, Object> pb = b.get("properties") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
        boolean closed = Boolean.FALSE.equals(b.get("additionalProperties")) && !b.containsKey("patternProperties");
        List<?> rb = b.get("required") instanceof List<?> l ? l : List.of();
        for (Object k : ra) {
            if (Boolean.FALSE.equals(pb.get(k)) || closed && !pb.containsKey(k)) {
                return true;
            }
            if (rb.contains(k) && disjoint(pa.getOrDefault(k, true), pb.getOrDefault(k, true), depth + 1)) {
                return true;
            }
        }
        return false;
    }

    /** The schema with its $ref followed and its allOf merged in. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> flat(Object schema) {
        Map<String, Object> m = deref(schema);
        if (m.get("allOf") instanceof List<?> all) {
            Map<String, Object> merged = new LinkedHashMap<>(m);
            merged.remove("allOf");
            for (Object sub : all) {
                if (!(sub instanceof Map)) {
                    return m;
                }
                merged = merge(merged, deref(sub));
            }
            return merged;
        }
        return m;
    }

    /** The kinds of instance a schema admits: its types, integers and fractions apart, narrowed by enum/const. */
    private static Set<String> kinds(Map<String, Object> s) {
        Set<String> out = new LinkedHashSet<>(List.of("null", "boolean", "object", "array", "string", "integer", "fraction"));
        if (s.containsKey("type")) {
            Set<String> t = new LinkedHashSet<>();
            for (String x : typeList(s.get("type"))) {
                if (x.equals("number")) {
                    t.add("integer");
                    t.add("fraction");
                } else {
                    t.add(x);
                }
            }
            out.retainAll(t);
        }
        if (s.containsKey(NOT_INTEGER)) {
            out.remove("integer");
        }
        List<Object> values = values(s);
        if (values != null) {
            Set<String> t = new LinkedHashSet<>();
            for (Object v : values) {
                t.add(switch (v) {
                    case String str -> "string";
                    case Boolean bool -> "boolean";
                    case Map<?, ?> m -> "object";
                    case List<?> l -> "array";
                    default -> v == Json.NULL ? "null" : JsonValues.isInteger(v) ? "integer" : "fraction";
                });
            }
            out.retainAll(t);
        }
        return out;
    }

    /** The values a schema's enum or const allows, or null when it has neither. */
    @SuppressWarnings("unchecked")
    private static List<Object> values(Map<String, Object> s) {
        if (s.containsKey("const")) {
            return List.of(s.get("const"));
        }
        return s.get("enum") instanceof List<?> l ? (List<Object>) l : null;
    }

    // ---- negation, and what is built from it ----

    /** Most branches a combination (allOf over anyOfs, a oneOf made exclusive) may expand to. */
    private static final int MAX_BRANCHES = 64;

    /** Most schemas negated in one compile (negating nested oneOfs multiplies). */
    private static final int MAX_NEGATIONS = 20_000;

    private int negations;

    private static final List<String> ALL_TYPES = List.of("null", "boolean", "object", "array", "string", "number");

    /** A schema of the branches (true when there are none left to refuse, false when none). */
    private static Object anyOf(List<Object> branches) {
        List<Object> live = new ArrayList<>();
        for (Object b : branches) {
            if (Boolean.TRUE.equals(b)) {
                return true;
            }
            if (!Boolean.FALSE.equals(b)) {
                live.add(b);
            }
        }
        if (live.isEmpty()) {
            return false;
        }
        if (live.size() == 1) {
            return live.getFirst();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("anyOf", live);
        return m;
    }

    private static Map<String, Object> schema(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** A dependency: when the key is present, the other keys are too (a list) or the object meets the schema. */
    private Object dependency(String key, Object dep) {
        Object absent = schema("properties", schema(key, false));
        Object present = dep instanceof List<?> names
                ? schema("required", concat(List.of(key), names))
                : both(schema("required", List.of(key)), dep);
        return anyOf(List.of(absent, present));
    }

    private static List<Object> concat(List<?> a, List<?> b) {
        List<Object> out = new ArrayList<>(a);
        for (Object o : b) {
            if (!out.contains(o)) {
                out.add(o);
            }
        }
        return out;
    }

    /** oneOf as anyOf: each branch with the negation of every other, so that exactly one may match. */
    private List<Object> exclusive(List<Object> branches) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < branches.size(); i++) {
            Object b = branches.get(i);
            for (int j = 0; j < branches.size() && !Boolean.FALSE.equals(b); j++) {
                if (j != i) {
                    b = both(b, negate(branches.get(j)));
                }
            }
            out.add(b);
        }
        return out;
    }

    /** Every pairing of a branch of one list with a branch of the other (allOf of two anyOf). */
    private List<Object> cross(List<Object> a, List<Object> b) {
        if ((long) a.size() * b.size() > MAX_BRANCHES) {
            unsupported.add("allOf of anyOf/oneOf expanding to over " + MAX_BRANCHES + " branches");
            return List.of();
        }
        List<Object> out = new ArrayList<>();
        for (Object x : a) {
            for (Object y : b) {
                Object xy = both(x, y);
                if (!Boolean.FALSE.equals(xy)) {
                    out.add(xy);
                }
            }
        }
        return out;
    }

    /**
     * The schema of the instances a schema refuses, for the keywords whose failure is itself a schema:
     * not(A and B) = not A or not B, one branch per keyword (instances of another type meet a keyword
     * vacuously, so each branch names the type the keyword fails in). Other keywords are unsupported,
     * named.
     */
    @SuppressWarnings("unchecked")
    private Object negate(Object schema) {
        if (schema instanceof Boolean b) {
            return !b;
        }
        if (++negations > MAX_NEGATIONS) {
            throw new GrammarException("negations (not, oneOf, if) over " + MAX_NEGATIONS + " schemas");
        }
        if (++depth > MAX_DEPTH) {
            throw new GrammarException("schema nested deeper than " + MAX_DEPTH + " in not");
        }
        try {
            Map<String, Object> c = constraintsOf(deref(schema));
            List<Object> alts = new ArrayList<>();
            for (Map.Entry<String, Object> e : c.entrySet()) {
                Object v = e.getValue();
                switch (e.getKey()) {
                    case "type" -> {
                        List<String> t = typeList(v);
                        List<Object> others = new ArrayList<>(ALL_TYPES);
                        others.removeAll(t);
                        if (t.contains("integer") && !t.contains("number")) {
                            others.remove("number");
                            alts.add(schema("type", "number", NOT_INTEGER, true));
                        }
                        if (!others.isEmpty()) {
                            alts.add(schema("type", others));
                        }
                    }
                    case "required" -> {
                        for (Object name : (List<Object>) v) {
                            alts.add(schema("type", "object", "properties", schema((String) name, false)));
                        }
                    }
                    case "properties" -> {
                        for (Map.Entry<String, Object> p : ((Map<String, Object>) v).entrySet()) {
                            Object n = negate(p.getValue());
                            if (!Boolean.FALSE.equals(n)) {
                                alts.add(schema("type", "object", "required", List.of(p.getKey()), "properties", schema(p.getKey(), n)));
                            }
                        }
                    }
                    case "enum", "const" -> alts.addAll(notValues(e.getKey().equals("const") ? List.of(v) : (List<Object>) v));
                    case "minimum" -> alts.add(schema("type", "number", "exclusiveMaximum", v));
                    case "exclusiveMinimum" -> alts.add(schema("type", "number", "maximum", v));
                    case "maximum" -> alts.add(schema("type", "number", "exclusiveMinimum", v));
                    case "exclusiveMaximum" -> alts.add(schema("type", "number", "minimum", v));
                    case "minLength", "minItems", "minProperties" -> {
                        int n = intOf(v);
                        if (n > 0) {
                            String type = e.getKey().equals("minLength") ? "string" : e.getKey().equals("minItems") ? "array" : "object";
                            alts.add(schema("type", type, e.getKey().replace("min", "max"), n - 1));
                        }
                    }
                    case "maxLength", "maxItems", "maxProperties" -> {
                        String type = e.getKey().equals("maxLength") ? "string" : e.getKey().equals("maxItems") ? "array" : "object";
                        alts.add(schema("type", type, e.getKey().replace("max", "min"), intOf(v) + 1));
                    }
                    case "pattern" -> alts.add(schema("type", "string", NOT_PATTERNS, List.of(v)));
                    case "format" -> {
                        if (FormatGrammars.PATTERNS.containsKey(v)) {
                            alts.add(schema("type", "string", NOT_PATTERNS, List.of(FormatGrammars.PATTERNS.get(v))));
                        } else {
                            unsupported.add("not with format " + v);
                        }
                    }
                    case PATTERNS -> ((List<Object>) v).forEach(p -> alts.add(schema("type", "string", NOT_PATTERNS, List.of(p))));
                    case NOT_PATTERNS -> ((List<Object>) v).forEach(p -> alts.add(schema("type", "string", PATTERNS, List.of(p))));
                    case NOT_STRINGS -> alts.add(schema("type", "string", "enum", v));
                    case KEY_OUTSIDE -> {
                        for (Object names : (List<Object>) v) {
                            Map<String, Object> only = new LinkedHashMap<>();
                            ((List<Object>) names).forEach(name -> only.put((String) name, true));
                            alts.add(schema("type", "object", "properties", only, "additionalProperties", false));
                        }
                    }
                    case NOT_INTEGER -> alts.add(schema("type", List.of("null", "boolean", "object", "array", "string", "integer")));
                    case "not" -> alts.add(v);
                    case "allOf" -> ((List<Object>) v).forEach(sub -> alts.add(negate(sub)));
                    case "anyOf" -> {
                        Object all = true;
                        for (Object sub : (List<Object>) v) {
                            all = both(all, negate(sub));
                        }
                        alts.add(all);
                    }
                    case "items" -> {
                        if (v instanceof List || c.containsKey("prefixItems")) {
                            unsupported.add("not with items as a list");
                        } else if (!Boolean.TRUE.equals(v)) {
                            Object n = negate(v);
                            if (!Boolean.FALSE.equals(n)) {
                                alts.add(schema("type", "array", "contains", n));
                            }
                        }
                    }
                    case "contains" -> alts.add(schema("type", "array", "items", negate(v)));
                    case "multipleOf" -> alts.add(schema("type", "number", NOT_MULTIPLE, List.of(v)));
                    case "additionalProperties" -> {
                        if (Boolean.FALSE.equals(v) && !c.containsKey("patternProperties")) {
                            List<Object> names = new ArrayList<>(c.get("properties") instanceof Map<?, ?> p ? p.keySet() : Set.of());
                            alts.add(schema("type", "object", KEY_OUTSIDE, List.of(names)));
                        } else if (!isTrue(v)) {
                            unsupported.add("not with additionalProperties other than false, or beside patternProperties");
                        }
                    }
                    case "oneOf" -> {
                        // none matches, or two do
                        List<Object> branches = (List<Object>) v;
                        Object none = true;
                        for (Object sub : branches) {
                            none = both(none, negate(sub));
                        }
                        alts.add(none);
                        for (int i = 0; i < branches.size(); i++) {
                            for (int j = i + 1; j < branches.size(); j++) {
                                if (!disjoint(branches.get(i), branches.get(j), 0)) {
                                    alts.add(both(branches.get(i), branches.get(j)));
                                }
                            }
                        }
                    }
                    case "uniqueItems" -> {
                        if (!Boolean.FALSE.equals(v)) {
                            unsupported.add("not with uniqueItems");
                        }
                    }
                    default -> unsupported.add("not with " + e.getKey());
                }
            }
            return anyOf(alts);
        } finally {
            depth--;
        }
    }

    /** The values not among these (scalars), as one branch per type. */
    private List<Object> notValues(List<Object> values) {
        List<Object> alts = new ArrayList<>();
        List<Object> strings = new ArrayList<>();
        List<BigDecimal> numbers = new ArrayList<>();
        boolean nul = false;
        boolean yes = false;
        boolean no = false;
        for (Object v : values) {
            switch (v) {
                case String str -> strings.add(str);
                case Boolean b -> {
                    yes |= b;
                    no |= !b;
                }
                case Map<?, ?> m -> unsupported.add("not with enum of objects");
                case List<?> l -> unsupported.add("not with enum of arrays");
                default -> {
                    if (v == Json.NULL) {
                        nul = true;
                    } else if (JsonValues.isNumber(v)) {
                        BigDecimal d = JsonValues.decimal(v).stripTrailingZeros();
                        if (d.scale() > 0) {
                            unsupported.add("not with a fractional enum number");
                        } else if (!numbers.contains(d)) {
                            numbers.add(d);
                        }
                    }
                }
            }
        }
        alts.add(strings.isEmpty() ? schema("type", "string") : schema("type", "string", NOT_STRINGS, strings));
        if (!nul) {
            alts.add(schema("type", "null"));
        }
        if (!yes || !no) {
            alts.add(schema("enum", !yes && !no ? List.of(true, false) : List.of(!yes)));
        }
        alts.add(schema("type", "object"));
        alts.add(schema("type", "array"));
        // numbers: the open intervals between the excluded integers
        numbers.sort(null);
        if (numbers.isEmpty()) {
            alts.add(schema("type", "number"));
        } else {
            alts.add(schema("type", "number", "exclusiveMaximum", numbers.getFirst()));
            for (int i = 0; i + 1 < numbers.size(); i++) {
                alts.add(schema("type", "number", "exclusiveMinimum", numbers.get(i), "exclusiveMaximum", numbers.get(i + 1)));
            }
            alts.add(schema("type", "number", "exclusiveMinimum", numbers.getLast()));
        }
        return alts;
    }

    /** True when a refused keyword is implied by the others (so it constrains nothing). */
    @SuppressWarnings("unchecked")
    private static boolean implied(String k, Map<String, Object> s) {
        Object v = s.get(k);
        return switch (k) {
            case "uniqueItems" -> Boolean.FALSE.equals(v);
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
            "minLength", "maxLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
            "patternProperties", "propertyNames", "minProperties", "maxProperties", PATTERNS, NOT_PATTERNS, NOT_STRINGS,
            NOT_INTEGER, KEY_OUTSIDE, "contains", "multipleOf", NOT_MULTIPLE);

    private static boolean isKeyword(String k) {
        return KEYWORDS.contains(k) || REFUSED.contains(k);
    }

    /** The schema both accept (allOf), for the keywords this compiler knows; clashes are unsupported. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> merge(Map<String, Object> a, Map<String, Object> b) {
        if (++depth > MAX_DEPTH) {
            throw new GrammarException("schemas merged (allOf, $ref with siblings) nested deeper than " + MAX_DEPTH);
        }
        try {
            return mergeNow(a, b);
        } finally {
            depth--;
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> mergeNow(Map<String, Object> a, Map<String, Object> b) {
        b = deref(b);
        Map<String, Object> a2 = closeOver(a, b);
        b = closeOver(b, a);
        a = a2;
        Map<String, Object> out = new LinkedHashMap<>(a);
        for (Map.Entry<String, Object> e : b.entrySet()) {
            String k = e.getKey();
            Object v = e.getValue();
            Object old = out.get(k);
            if (old == null || ANNOTATIONS.contains(k)) {
                out.putIfAbsent(k, v);
                continue;
            }
            if (JsonValues.equal(old, v) || noConditionals && Set.of("if", "then", "else").contains(k)) {
                continue;
            }
            switch (k) {
                case "properties" -> {
                    Map<String, Object> p = new LinkedHashMap<>((Map<String, Object>) old);
                    ((Map<String, Object>) v).forEach((name, sub) -> p.merge(name, sub, this::both));
                    out.put(k, p);
                }
                case "required" -> out.put(k, concat((List<Object>) old, (List<Object>) v));
                case "type" -> {
                    Set<String> t = new LinkedHashSet<>(typeList(old));
                    t.retainAll(typeList(v));
                    if (typeList(old).contains("number") && typeList(v).contains("integer")
                            || typeList(v).contains("number") && typeList(old).contains("integer")) {
                        t.add("integer");
                    }
                    out.put(k, new ArrayList<>(t));
                }
                case "minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties" ->
                        out.put(k, JsonValues.decimal(old).compareTo(JsonValues.decimal(v)) >= 0 ? old : v);
                case "maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties" ->
                        out.put(k, JsonValues.decimal(old).compareTo(JsonValues.decimal(v)) <= 0 ? old : v);
                case "additionalProperties", "items", "additionalItems", "propertyNames" -> {
                    if (k.equals("items") && (old instanceof List || v instanceof List)) {
                        unsupported.add("allOf with two different items");
                    } else {
                        out.put(k, both(old, v));
                    }
                }
                case "pattern" -> out.put(PATTERNS, concat(out.get(PATTERNS) instanceof List<?> l ? l : List.of(), List.of(v)));
                case PATTERNS, NOT_PATTERNS, NOT_STRINGS, NOT_MULTIPLE, KEY_OUTSIDE -> out.put(k, concat((List<Object>) old, (List<Object>) v));
                case "enum" -> out.put(k, ((List<Object>) old).stream().filter(x -> ((List<Object>) v).stream().anyMatch(y -> JsonValues.equal(x, y))).toList());
                case "const" -> {
                    out.remove("const");
                    out.put("enum", List.of()); // two different constants: nothing
                }
                case "anyOf" -> out.put(k, cross((List<Object>) old, (List<Object>) v));
                case "not" -> out.put(k, schema("anyOf", List.of(old, v))); // not A and not B = not (A or B)
                default -> {
                    if (isKeyword(k)) {
                        unsupported.add("allOf with two different " + k);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Schema x as seen beside another in an allOf: a key the other declares but x does not is judged by
     * x's patternProperties or additionalProperties, so x's rule for it is written into x's properties;
     * and x's pattern schemas take the other's additionalProperties (a key matching them is undeclared there).
     */
    @SuppressWarnings("unchecked")
    private Map<String, Object> closeOver(Map<String, Object> x, Map<String, Object> other) {
        Map<String, Object> xp = x.get("properties") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
        Map<String, Object> xpp = x.get("patternProperties") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
        Object xap = x.getOrDefault("additionalProperties", true);
        Map<String, Object> op = other.get("properties") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
        Map<String, Object> opp = other.get("patternProperties") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
        Object oap = other.getOrDefault("additionalProperties", true);
        if (xpp.isEmpty() && isTrue(xap)) {
            return x;
        }
        if (!xpp.isEmpty() && !opp.isEmpty() && !JsonValues.equal(xpp, opp)) {
            unsupported.add("allOf with two different patternProperties");
            return x;
        }
        Map<String, Object> out = new LinkedHashMap<>(x);
        Map<String, Object> props = new LinkedHashMap<>(xp);
        for (String name : op.keySet()) {
            if (!props.containsKey(name)) {
                Object v = null;
                byte[] key = name.getBytes(StandardCharsets.UTF_8);
                for (Map.Entry<String, Object> e : xpp.entrySet()) {
                    if (ByteDfa.of(Regex.parse(e.getKey(), Regex::raw)).matches(key)) {
                        v = v == null ? e.getValue() : both(v, e.getValue());
                    }
                }
                props.put(name, v == null ? xap : v);
            }
        }
        out.put("properties", props);
        if (!xpp.isEmpty() && opp.isEmpty() && !isTrue(oap)) {
            Map<String, Object> pp = new LinkedHashMap<>();
            xpp.forEach((pattern, sub) -> pp.put(pattern, both(sub, oap)));
            out.put("patternProperties", pp);
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
        if (min != null && max != null && min > max) {
            return Expr.NOTHING; // (a merged or negated length bound can cross the other)
        }
        List<String> patterns = patterns(s);
        boolean negated = s.containsKey(NOT_PATTERNS) || s.containsKey(NOT_STRINGS);
        if (patterns.size() == 1 && min == null && max == null && !negated) {
            return Expr.seq(Expr.literal("\""), Regex.parse(patterns.getFirst(), Regex::jsonString), Expr.literal("\""));
        }
        if (!patterns.isEmpty() || negated) {
            ByteDfa text = stringDfa(s, min, max);
            return Expr.seq(Expr.literal("\""), text.rules("d" + rules.size() + "_", rules, true), Expr.literal("\""));
        }
        Expr ch = JsonGrammar.stringChar();
        if (min == null && max == null) {
            return Expr.ref("json-string");
        }
        return Expr.seq(Expr.literal("\""), new Expr.Repeat(ch, min == null ? 0 : min, max == null ? -1 : max), Expr.literal("\""));
    }

    /** The regular expressions a string must match: its pattern, its checked format's, and merged ones. */
    @SuppressWarnings("unchecked")
    private static List<String> patterns(Map<String, Object> s) {
        List<String> out = new ArrayList<>();
        if (s.get("pattern") instanceof String p) {
            out.add(p);
        }
        if (s.get("format") instanceof String f && FormatGrammars.PATTERNS.containsKey(f)) {
            out.add(FormatGrammars.PATTERNS.get(f));
        }
        if (s.get(PATTERNS) instanceof List<?> l) {
            out.addAll((List<String>) l);
        }
        return out;
    }

    /** Lengths over this are not unrolled into an automaton (its states grow with the bound). */
    private static final int MAX_DFA_LENGTH = 4_096;

    /** The UTF-8 texts of the strings a schema's string keywords accept, as one automaton. */
    @SuppressWarnings("unchecked")
    private ByteDfa stringDfa(Map<String, Object> s, Integer min, Integer max) {
        if (min != null && min > MAX_DFA_LENGTH || max != null && max > MAX_DFA_LENGTH) {
            throw new GrammarException("a length bound over " + MAX_DFA_LENGTH + " with a pattern or format");
        }
        if (min != null && max != null && min > max) {
            return ByteDfa.ofWords(List.of());
        }
        ByteDfa text = ByteDfa.utf8(min == null ? 0 : min, max == null ? -1 : max);
        for (String p : patterns(s)) {
            text = text.intersect(ByteDfa.of(Regex.parse(p, Regex::raw)));
        }
        if (s.get(NOT_PATTERNS) instanceof List<?> l) {
            for (Object p : l) {
                text = text.intersect(ByteDfa.of(Regex.parse((String) p, Regex::raw)).complement());
            }
        }
        if (s.get(NOT_STRINGS) instanceof List<?> l) {
            List<byte[]> words = new ArrayList<>();
            for (Object w : l) {
                words.add(((String) w).getBytes(StandardCharsets.UTF_8));
            }
            text = text.intersect(ByteDfa.ofWords(words).complement());
        }
        return text;
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

    /** Integers, also as json.dumps writes an integral float (21.0: the validator counts it an integer). */
    private Expr integer(Map<String, Object> s) {
        Expr e = Expr.seq(integerRange(s), Expr.opt(Expr.seq(Expr.literal("."), Expr.plus(Expr.literal("0")))));
        return multiples(s, e);
    }

    /** The range's texts that meet multipleOf and none of the negated multipleOfs (or the range as it is). */
    @SuppressWarnings("unchecked")
    private Expr multiples(Map<String, Object> s, Expr range) {
        if (!needsDigits(s)) {
            return range;
        }
        ByteDfa texts = ByteDfa.of(range);
        if (multipleOf(s) != null) {
            ByteDfa m = multipleDfa(multipleOf(s));
            if (m == null) {
                return Expr.NOTHING;
            }
            texts = texts.intersect(m);
        }
        for (Object v : s.get(NOT_MULTIPLE) instanceof List<?> l ? (List<Object>) l : List.of()) {
            ByteDfa m = multipleDfa(JsonValues.decimal(v));
            if (m == null) {
                return Expr.NOTHING;
            }
            texts = texts.intersect(m.complement());
        }
        return texts.rules("m" + rules.size() + "_", rules, false);
    }

    /** True when the number texts go through an automaton (multipleOf, or a negated one). */
    private static boolean needsDigits(Map<String, Object> s) {
        return multipleOf(s) != null || s.containsKey(NOT_MULTIPLE);
    }

    private Expr integerRange(Map<String, Object> s) {
        Bounds b = bounds(s);
        if (!b.any()) {
            return !needsDigits(s) ? Expr.ref("json-integer") : Regex.parse("^-?(0|[1-9][0-9]*)$", Regex::raw);
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
        return multiples(s, numberRange(s));
    }

    /** The multipleOf a schema asks of numbers, or null (none, or 1 on integers, which says nothing). */
    private static BigDecimal multipleOf(Map<String, Object> s) {
        if (!JsonValues.isNumber(s.get("multipleOf"))) {
            return null;
        }
        BigDecimal m = JsonValues.decimal(s.get("multipleOf"));
        return m.compareTo(BigDecimal.ONE) == 0 && typeList(s.get("type")).equals(List.of("integer")) ? null : m;
    }

    /** Most states of a multipleOf automaton (the numerator times the fraction digits it reads). */
    private static final int MAX_MULTIPLE_STATES = 20_000;

    /**
     * The number texts without an exponent that are multiples of m = a / 10^d: an automaton reads the
     * digits keeping x * 10^d modulo a, and after the d-th fraction digit allows only zeros (null, and
     * unsupported, when it would be too large). The ranges it is intersected with have no exponent forms
     * either, so its complement there is exactly the non-multiples written without an exponent.
     */
    private ByteDfa multipleDfa(BigDecimal m) {
        if (m.signum() <= 0) {
            throw new SchemaException("multipleOf must be greater than 0, got " + m);
        }
        BigDecimal strip = m.stripTrailingZeros();
        int d = Math.max(0, strip.scale());
        BigDecimal aBig = strip.movePointRight(d);
        if (aBig.compareTo(BigDecimal.valueOf(MAX_MULTIPLE_STATES)) > 0 || (long) aBig.intValueExact() * (d + 3) > MAX_MULTIPLE_STATES) {
            unsupported.add("multipleOf " + m.toPlainString() + " (over " + MAX_MULTIPLE_STATES + " automaton states)");
            return null;
        }
        int a = aBig.intValueExact();
        // states: 0 start, 1 after '-', 2 the integer part "0", then I(r) = 3 + r, then F(r, f) = 3 + a + f * a + r
        // for f = 0..d fraction digits read, and f = d + 1 past the d-th (only zeros from there)
        int n = 3 + a + (d + 2) * a;
        int[][] next = new int[n][256];
        for (int[] row : next) {
            java.util.Arrays.fill(row, -1);
        }
        boolean[] accept = new boolean[n];
        int pow = BigDecimal.TEN.pow(d).remainder(BigDecimal.valueOf(a)).intValue();
        for (int st : new int[] {0, 1}) {
            next[st]['0'] = 2;
            for (int digit = 1; digit <= 9; digit++) {
                next[st]['0' + digit] = 3 + digit % a;
            }
        }
        next[0]['-'] = 1;
        accept[2] = true;
        for (int r = 0; r < a; r++) {
            int state = 3 + r;
            for (int digit = 0; digit <= 9; digit++) {
                next[state]['0' + digit] = 3 + (r * 10 + digit) % a;
            }
            accept[state] = (long) r * pow % a == 0;
        }
        {
            next[2]['.'] = 3 + a; // F(0, 0)
            for (int r = 0; r < a; r++) {
                next[3 + r]['.'] = 3 + a + r;
                for (int f = 0; f <= d + 1; f++) {
                    int state = 3 + a + f * a + r;
                    if (f < d) {
                        for (int digit = 0; digit <= 9; digit++) {
                            next[state]['0' + digit] = 3 + a + (f + 1) * a + (r * 10 + digit) % a;
                        }
                    } else {
                        next[state]['0'] = 3 + a + (d + 1) * a + r; // past the d-th fraction digit only zeros
                    }
                    long scale = BigDecimal.TEN.pow(Math.max(0, d - f)).remainder(BigDecimal.valueOf(a)).longValue();
                    accept[state] = f >= 1 && r * scale % a == 0;
                }
            }
        }
        return ByteDfa.of(next, accept);
    }

    private Expr numberRange(Map<String, Object> s) {
        Bounds b = bounds(s);
        if (!b.any()) {
            return !needsDigits(s) ? Expr.ref("json-number") : Regex.parse("^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$", Regex::raw);
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

    /**
     * Numbers that are not integers, as json.dumps writes most of them: a fraction with a nonzero digit.
     * The exponent forms are left out (1.5e+16 is an integer), so this keeps to a part of the set. Integer
     * bounds bound the integer part: a non-integer x >= 0 lies in (n, n+1) with n its integer part, so
     * lo <= x <= hi exactly when lo <= n <= hi - 1 (and for x < 0, written -n.f: -hi <= n <= -lo - 1).
     */
    private Expr fraction(Map<String, Object> s) {
        if (needsDigits(s)) {
            unsupported.add("multipleOf on numbers that are not integers");
        }
        Bounds b = bounds(s);
        for (BigDecimal x : new BigDecimal[] {b.lo(), b.hi()}) {
            if (x != null && (x.stripTrailingZeros().scale() > 0 || x.abs().compareTo(LIMIT) > 0)) {
                unsupported.add("numbers that are not integers, with fractional or huge bounds");
                return Expr.NOTHING;
            }
        }
        Long lo = b.lo() == null ? null : b.lo().longValueExact();
        Long hi = b.hi() == null ? null : b.hi().longValueExact();
        Expr digits = Expr.star(Expr.range('0', '9'));
        Expr frac = Expr.seq(Expr.literal("."), digits, Expr.range('1', '9'), digits);
        List<Expr> opts = new ArrayList<>();
        long posLo = lo == null ? 0 : Math.max(lo, 0);
        Long posHi = hi == null ? null : hi - 1;
        if (posHi == null || posHi >= posLo) {
            opts.add(Expr.seq(NumberRanges.integer(posLo, posHi), frac));
        }
        long negLo = hi == null ? 0 : Math.max(0, -hi);
        Long negHi = lo == null ? null : -lo - 1;
        if (negHi == null || negHi >= negLo) {
            opts.add(Expr.seq(Expr.literal("-"), NumberRanges.integer(negLo, negHi), frac));
        }
        return opts.isEmpty() ? Expr.NOTHING : Expr.alt(opts);
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
        if (s.containsKey("contains")) {
            return containing(s, items, prefix, min, max);
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

    /** An array with at least one item that meets contains: items up to it, that item, items after it. */
    private Expr containing(Map<String, Object> s, Object items, List<Object> prefix, int min, int max) {
        if (!prefix.isEmpty() || max >= 0 || min > 1) {
            unsupported.add("contains with prefixItems, maxItems or minItems over 1");
            return Expr.NOTHING;
        }
        Object witness = both(items, s.get("contains"));
        if (Boolean.FALSE.equals(witness)) {
            return Expr.NOTHING;
        }
        Expr item = Expr.ref(rule(items));
        Expr before = Expr.star(Expr.seq(item, ws(), Expr.literal(","), ws()));
        Expr after = Expr.star(Expr.seq(Expr.literal(","), ws(), item, ws()));
        return Expr.seq(Expr.literal("["), ws(), before, Expr.ref(rule(witness)), ws(), after, Expr.literal("]"));
    }

    // ---- objects ----

    /** Most (members x counts) rules an object with minProperties/maxProperties may unroll to. */
    private static final int MAX_OBJECT_RULES = 100_000;

    /** Most key regions (sets of patterns a key matches) an object's undeclared keys may split into. */
    private static final int MAX_REGIONS = 32;

    /**
     * Declared properties in the schema's order, each optional one skippable, then any other keys: each
     * region of undeclared keys (which patternProperties it matches, none of the declared names, within
     * propertyNames) with its own value schema. A counter of the members written so far (up to
     * maxProperties, or up to minProperties when there is no maximum) keeps the member count in bounds.
     */
    @SuppressWarnings("unchecked")
    private Expr object(Map<String, Object> s) {
        Map<String, Object> props = s.get("properties") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
        Map<String, Object> patternProps = s.get("patternProperties") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
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
                names.add(r); // required but not described: its value is judged as an undeclared key's
            }
        }
        // KEY_OUTSIDE (from not {additionalProperties: false}): for each list, some key outside its names
        List<List<String>> outsideOf = new ArrayList<>();
        if (s.get(KEY_OUTSIDE) instanceof List<?> lists) {
            for (Object l : lists) {
                List<String> inside = new ArrayList<>();
                for (Object o : (List<?>) l) {
                    inside.add((String) o);
                    if (!names.contains((String) o)) {
                        names.add((String) o); // declared, so that an undeclared key is outside every list
                    }
                }
                outsideOf.add(inside);
            }
        }
        if (outsideOf.size() > 4) {
            unsupported.add("more than 4 negated additionalProperties on one object");
        }
        List<ByteDfa> patterns = new ArrayList<>();
        List<Object> patternSchemas = new ArrayList<>();
        for (Map.Entry<String, Object> e : patternProps.entrySet()) {
            patterns.add(ByteDfa.of(Regex.parse(e.getKey(), Regex::raw)));
            patternSchemas.add(e.getValue());
        }
        ByteDfa keyNames = s.containsKey("propertyNames") ? propertyNamesDfa(s.get("propertyNames")) : null;
        // each declared name's value schema: its own, and every pattern's that matches it
        List<Object> values = new ArrayList<>();
        for (String n : names) {
            byte[] key = n.getBytes(StandardCharsets.UTF_8);
            Object v = props.containsKey(n) ? props.get(n) : null;
            boolean matched = false;
            for (int i = 0; i < patterns.size(); i++) {
                if (patterns.get(i).matches(key)) {
                    v = v == null ? patternSchemas.get(i) : both(v, patternSchemas.get(i));
                    matched = true;
                }
            }
            if (v == null || !props.containsKey(n) && !matched) {
                v = v == null ? additional : both(v, additional);
            }
            if (keyNames != null && !keyNames.matches(key)) {
                v = false;
            }
            values.add(v);
        }
        Expr addl = undeclared(names, patterns, patternSchemas, additional, keyNames);
        int minP = s.containsKey("minProperties") ? intOf(s.get("minProperties")) : 0;
        int maxP = s.containsKey("maxProperties") ? intOf(s.get("maxProperties")) : -1;
        int cap = maxP >= 0 ? maxP : Math.max(minP, 1);
        int n = names.size();
        // from(i, c, w): the members from i on, when c have been written (c saturates at cap without a
        // maximum) and w has bit j set once a key outside KEY_OUTSIDE's j-th list was among them
        int lists = Math.min(outsideOf.size(), 4);
        int kinds = 1 << lists;
        int full = kinds - 1;
        if ((long) (n + 1) * (cap + 1) * kinds > MAX_OBJECT_RULES) {
            throw new GrammarException("an object of " + n + " properties with its counts: over " + MAX_OBJECT_RULES + " rules");
        }
        String[] from = new String[(cap + 1) * kinds];
        for (int c = 0; c <= cap; c++) {
            for (int w = 0; w < kinds; w++) {
                int lo = Math.max(w == full ? 0 : 1, minP - c);
                int hi = maxP < 0 ? -1 : maxP - c;
                Expr tail;
                if (hi >= 0 && lo > hi) {
                    tail = Expr.NOTHING;
                } else if (addl == null || hi == 0) {
                    tail = lo > 0 ? Expr.NOTHING : Expr.EMPTY;
                } else if (c > 0) {
                    tail = new Expr.Repeat(Expr.seq(Expr.literal(","), ws(), addl), lo, hi);
                } else {
                    Expr some = Expr.seq(addl, new Expr.Repeat(Expr.seq(Expr.literal(","), ws(), addl), Math.max(0, lo - 1), hi < 0 ? -1 : hi - 1));
                    tail = lo > 0 ? some : Expr.opt(some);
                }
                from[c * kinds + w] = "o" + rules.size();
                rules.put(from[c * kinds + w], tail);
            }
        }
        for (int i = n - 1; i >= 0; i--) {
            String[] here = new String[(cap + 1) * kinds];
            Object v = values.get(i);
            boolean absentOnly = Boolean.FALSE.equals(v);
            if (absentOnly && required.contains(names.get(i))) {
                return Expr.NOTHING; // a required property no value may have
            }
            Expr member = absentOnly ? null
                    : Expr.seq(Expr.literal(Json.quote(names.get(i))), ws(), Expr.literal(":"), ws(), Expr.ref(rule(v)), ws());
            int outside = 0;
            for (int j = 0; j < lists; j++) {
                if (!outsideOf.get(j).contains(names.get(i))) {
                    outside |= 1 << j;
                }
            }
            for (int c = 0; c <= cap; c++) {
                for (int w = 0; w < kinds; w++) {
                    List<Expr> opts = new ArrayList<>();
                    boolean room = maxP < 0 || c + 1 <= maxP;
                    if (member != null && room) {
                        int next = Math.min(c + 1, cap) * kinds + (w | outside);
                        opts.add(Expr.seq(c == 0 ? member : Expr.seq(Expr.literal(","), ws(), member), Expr.ref(from[next])));
                    }
                    if (!required.contains(names.get(i))) {
                        opts.add(Expr.ref(from[c * kinds + w]));
                    }
                    here[c * kinds + w] = "o" + rules.size();
                    rules.put(here[c * kinds + w], opts.isEmpty() ? Expr.NOTHING : Expr.alt(opts));
                }
            }
            from = here;
        }
        return Expr.seq(Expr.literal("{"), ws(), Expr.ref(from[0]), Expr.literal("}"));
    }

    /**
     * One member with an undeclared key, or null when none may appear: the keys split into regions by the
     * patterns they match (each region's values must meet every matching pattern's schema, or
     * additionalProperties when none matches), each region's keys spelled by its automaton.
     */
    private Expr undeclared(List<String> names, List<ByteDfa> patterns, List<Object> patternSchemas, Object additional,
                            ByteDfa keyNames) {
        if (patterns.isEmpty() && keyNames == null) {
            // the plain case: every other key, one value schema
            return Boolean.FALSE.equals(additional) ? null
                    : Expr.seq(KeyNotIn.of(names), ws(), Expr.literal(":"), ws(), Expr.ref(rule(additional)), ws());
        }
        List<byte[]> declared = new ArrayList<>();
        for (String n : names) {
            declared.add(n.getBytes(StandardCharsets.UTF_8));
        }
        ByteDfa others = ByteDfa.utf8(0, -1).intersect(ByteDfa.ofWords(declared).complement());
        if (keyNames != null) {
            others = others.intersect(keyNames);
        }
        // regions: (keys, the patterns they match), split by each pattern in turn, empty ones dropped
        record Region(ByteDfa keys, List<Integer> matched) {
        }
        List<Region> regions = new ArrayList<>(List.of(new Region(others, List.of())));
        for (int i = 0; i < patterns.size(); i++) {
            List<Region> split = new ArrayList<>();
            for (Region r : regions) {
                ByteDfa in = r.keys().intersect(patterns.get(i));
                ByteDfa out = r.keys().intersect(patterns.get(i).complement());
                if (!in.isEmpty()) {
                    List<Integer> m = new ArrayList<>(r.matched());
                    m.add(i);
                    split.add(new Region(in, m));
                }
                if (!out.isEmpty()) {
                    split.add(new Region(out, r.matched()));
                }
            }
            regions = split;
            if (regions.size() > MAX_REGIONS) {
                throw new GrammarException("patternProperties whose patterns split keys into over " + MAX_REGIONS + " regions");
            }
        }
        List<Expr> members = new ArrayList<>();
        for (Region r : regions) {
            Object v = additional;
            if (!r.matched().isEmpty()) {
                v = true;
                for (int i : r.matched()) {
                    v = both(v, patternSchemas.get(i));
                }
            }
            if (Boolean.FALSE.equals(v)) {
                continue;
            }
            Expr key = Expr.seq(Expr.literal("\""), r.keys().rules("k" + rules.size() + "_", rules, true), Expr.literal("\""));
            members.add(Expr.seq(key, ws(), Expr.literal(":"), ws(), Expr.ref(rule(v)), ws()));
        }
        return members.isEmpty() ? null : Expr.alt(members);
    }

    /** The keys propertyNames allows, for the string keywords it may use. */
    @SuppressWarnings("unchecked")
    private ByteDfa propertyNamesDfa(Object schema) {
        if (Boolean.TRUE.equals(schema)) {
            return ByteDfa.utf8(0, -1);
        }
        if (Boolean.FALSE.equals(schema)) {
            return ByteDfa.ofWords(List.of());
        }
        Map<String, Object> s = deref(schema);
        for (String k : constraintsOf(s).keySet()) {
            if (!Set.of("type", "pattern", "format", "minLength", "maxLength", "enum", "const", PATTERNS, NOT_PATTERNS, NOT_STRINGS).contains(k)) {
                unsupported.add("propertyNames with " + k);
            }
        }
        if (s.containsKey("type") && !typeList(s.get("type")).contains("string")) {
            return ByteDfa.ofWords(List.of());
        }
        ByteDfa keys = stringDfa(s, s.containsKey("minLength") ? intOf(s.get("minLength")) : null,
                s.containsKey("maxLength") ? intOf(s.get("maxLength")) : null);
        List<Object> allowed = s.containsKey("const") ? List.of(s.get("const"))
                : s.get("enum") instanceof List<?> l ? (List<Object>) l : null;
        if (allowed != null) {
            List<byte[]> words = new ArrayList<>();
            for (Object a : allowed) {
                if (a instanceof String str) {
                    words.add(str.getBytes(StandardCharsets.UTF_8));
                }
            }
            keys = keys.intersect(ByteDfa.ofWords(words));
        }
        return keys;
    }

    /** True for a schema every instance meets (true, or only annotations). */
    @SuppressWarnings("unchecked")
    private boolean isTrue(Object schema) {
        // a bare $ref is followed; nothing is merged here (merging calls this, and schemas recurse)
        for (int hops = 0; hops < 32; hops++) {
            if (Boolean.TRUE.equals(schema)) {
                return true;
            }
            if (!(schema instanceof Map<?, ?> m)) {
                return false;
            }
            Map<String, Object> c = constraintsOf((Map<String, Object>) m);
            if (c.isEmpty()) {
                return true;
            }
            if (c.size() > 1 || !(c.get("$ref") instanceof String ref)) {
                return false;
            }
            schema = index.resolveRef(m, ref);
        }
        return false;
    }

    /** The schema both schemas make (allOf), with true and false taken as they are. */
    @SuppressWarnings("unchecked")
    private Object both(Object a, Object b) {
        if (isTrue(a)) {
            return b;
        }
        if (isTrue(b) || a == b) {
            return a;
        }
        if (Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)) {
            return false;
        }
        return merge(deref(a), (Map<String, Object>) b);
    }
}

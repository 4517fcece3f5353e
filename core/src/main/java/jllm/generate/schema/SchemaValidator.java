package jllm.generate.schema;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import jllm.format.json.Json;

/**
 * Validates JSON instances against a JSON Schema with draft 2020-12 semantics: all applicators
 * ({@code $ref}, {@code $dynamicRef}, {@code allOf/anyOf/oneOf/not}, {@code if/then/else}, the array and
 * object applicators, {@code unevaluatedItems/unevaluatedProperties}) and all validation keywords.
 * {@code format} is an annotation unless {@link Options#assertFormat()} asks for it to be checked
 * ({@link Formats}). Only references inside the schema document resolve (no network, no meta-schemas).
 * Values are as {@link Json} parses them.
 *
 * <pre>{@code
 * SchemaValidator v = SchemaValidator.of(Json.parse(schemaText, "schema.json"));
 * boolean ok = v.validate(Json.parse(instanceText, "instance"));
 * }</pre>
 */
public final class SchemaValidator {

    /**
     * @param assertFormat check {@code format} values (date-time, email, uuid, ...) instead of treating
     *                     them as annotations
     */
    public record Options(boolean assertFormat) {
        /** The specification's default: format is an annotation. */
        public static final Options DEFAULT = new Options(false);
    }

    /** Deepest evaluation nesting (guards against {@code $ref} cycles that never consume the instance). */
    static final int MAX_DEPTH = 512;

    private static final URI ROOT = URI.create("urn:jllm:root");

    private final Object root;
    private final Options options;
    private final Map<String, Object> index = new HashMap<>();           // absolute URI (with fragment) -> schema
    private final Map<String, Set<String>> dynamicAnchors = new HashMap<>(); // resource URI -> names
    private final IdentityHashMap<Object, URI> baseOf = new IdentityHashMap<>();
    private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();

    private SchemaValidator(Object root, Options options) {
        if (root instanceof Map<?, ?> m && m.get("$schema") instanceof String meta && !meta.contains("json-schema.org/draft/2020-12/schema")
                && !meta.contains("json-schema.org/draft-0")) {
            throw new SchemaException("cannot resolve reference " + meta + " (" + meta
                    + "): a custom meta-schema (vocabularies) is not supported");
        }
        this.root = root;
        this.options = options;
        index(root, ROOT, "");
    }

    /** A validator for this schema (as {@link Json} parses it), format as annotation. */
    public static SchemaValidator of(Object schema) {
        return of(schema, Options.DEFAULT);
    }

    /** A validator for this schema with these options. */
    public static SchemaValidator of(Object schema, Options options) {
        if (!(schema instanceof Map) && !(schema instanceof Boolean)) {
            throw new SchemaException("a schema must be a JSON object or a boolean");
        }
        return new SchemaValidator(schema, options);
    }

    /** True when the instance is valid. */
    public boolean validate(Object instance) {
        Deque<URI> scope = new ArrayDeque<>();
        return eval(instance, root, baseOf.getOrDefault(root, ROOT), scope, 0) != null;
    }

    /** True when the instance meets a schema of this document (or one merged from its parts). */
    boolean validates(Object instance, Object schema) {
        return eval(instance, schema, baseOf.getOrDefault(schema, ROOT), new ArrayDeque<>(), 0) != null;
    }

    /** The schema a {@code $ref} in schema {@code from} (a subschema of this one) points to. */
    Object resolveRef(Object from, String ref) {
        return lookup(baseOf.getOrDefault(from, ROOT), ref);
    }

    // ---- indexing: base URIs, anchors and JSON pointers of every subschema ----

    private static final Set<String> SCHEMA_VALUED = Set.of("additionalProperties", "propertyNames", "not", "if", "then",
            "else", "contains", "unevaluatedItems", "unevaluatedProperties", "contentSchema", "items", "additionalItems");
    private static final Set<String> SCHEMA_LISTS = Set.of("allOf", "anyOf", "oneOf", "prefixItems");
    private static final Set<String> SCHEMA_MAPS = Set.of("$defs", "definitions", "properties", "patternProperties",
            "dependentSchemas");

    @SuppressWarnings("unchecked")
    private void index(Object schema, URI base, String pointer) {
        if (!(schema instanceof Map)) {
            index.putIfAbsent(key(base, pointer), schema);
            return;
        }
        Map<String, Object> s = (Map<String, Object>) schema;
        if (s.get("$id") instanceof String id) {
            base = resolve(base, id);
            index.put(base.toString(), schema);
            pointer = "";
        }
        baseOf.put(schema, base);
        index.putIfAbsent(key(base, pointer), schema);
        if (s.get("$anchor") instanceof String a) {
            index.put(base + "#" + a, schema);
        }
        if (s.get("$dynamicAnchor") instanceof String a) {
            index.put(base + "#" + a, schema);
            dynamicAnchors.computeIfAbsent(base.toString(), k -> new HashSet<>()).add(a);
        }
        for (Map.Entry<String, Object> e : s.entrySet()) {
            String k = e.getKey();
            Object v = e.getValue();
            String p = pointer + "/" + escape(k);
            if (SCHEMA_VALUED.contains(k) && (v instanceof Map || v instanceof Boolean)) {
                index(v, base, p);
            } else if ((SCHEMA_LISTS.contains(k) || k.equals("items")) && v instanceof List<?> l) {
                for (int i = 0; i < l.size(); i++) {
                    index(l.get(i), base, p + "/" + i);
                }
            } else if (SCHEMA_MAPS.contains(k) && v instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> me : m.entrySet()) {
                    index(me.getValue(), base, p + "/" + escape((String) me.getKey()));
                }
            }
        }
    }

    private static String key(URI base, String pointer) {
        return base + "#" + pointer;
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static URI resolve(URI base, String ref) {
        try {
            URI r = new URI(ref);
            URI out;
            if (base.isOpaque()) {
                out = r.isAbsolute() ? r : (ref.startsWith("#") || ref.isEmpty() ? base : r);
                if (!r.isAbsolute() && ref.startsWith("#")) {
                    out = new URI(base.getScheme(), base.getSchemeSpecificPart(), r.getFragment());
                }
            } else {
                out = base.resolve(r);
            }
            if (out.getFragment() != null && out.getFragment().isEmpty()) {
                out = new URI(out.getScheme(), out.getSchemeSpecificPart(), null);
            }
            // "file:///x" and "file:/x" name the same file
            return "file".equals(out.getScheme()) ? URI.create(out.toString().replace("file:///", "file:/")) : out;
        } catch (URISyntaxException e) {
            throw new SchemaException("invalid URI reference: " + ref);
        }
    }

    private static String withoutFragment(URI u) {
        String s = u.toString();
        int h = s.indexOf('#');
        return h < 0 ? s : s.substring(0, h);
    }

    private Object lookup(URI base, String ref) {
        URI target = resolve(base, ref);
        String t = target.toString();
        Object found = index.get(t);
        if (found != null) {
            return found;
        }
        String frag = target.getRawFragment();
        String doc = withoutFragment(target);
        if (frag == null) {
            found = index.get(doc + "#");
        } else if (frag.startsWith("/")) {
            Object docRoot = index.containsKey(doc) ? index.get(doc) : index.get(doc + "#");
            found = pointer(docRoot, URI.create("#" + frag).getFragment());
            if (found == null) {
                found = index.get(doc + "#" + URI.create("#" + frag).getFragment());
            }
        }
        if (found == null) {
            throw new SchemaException("cannot resolve reference " + ref + " (" + target
                    + "): only references inside the schema document resolve");
        }
        return found;
    }

    @SuppressWarnings("unchecked")
    private Object pointer(Object doc, String ptr) {
        Object cur = doc;
        if (cur == null) {
            return null;
        }
        for (String part : ptr.substring(1).split("/", -1)) {
            if (ptr.length() == 1) {
                break;
            }
            String p = part.replace("~1", "/").replace("~0", "~");
            if (cur instanceof Map<?, ?> m) {
                cur = ((Map<String, Object>) m).get(p);
            } else if (cur instanceof List<?> l) {
                try {
                    cur = l.get(Integer.parseInt(p));
                } catch (RuntimeException e) {
                    return null;
                }
            } else {
                return null;
            }
            if (cur == null) {
                return null;
            }
        }
        return cur;
    }

    // ---- evaluation ----

    /** What a valid evaluation learned: the properties and items it evaluated (for unevaluated*). */
    private static final class Ann {
        final Set<String> props = new HashSet<>();
        final Set<Integer> contains = new HashSet<>();
        int items;          // items [0, items) evaluated
        boolean allItems;

        void merge(Ann o) {
            props.addAll(o.props);
            contains.addAll(o.contains);
            items = Math.max(items, o.items);
            allItems |= o.allItems;
        }
    }

    /** Evaluates; null when invalid, else the annotations collected. */
    @SuppressWarnings("unchecked")
    private Ann eval(Object inst, Object schema, URI base, Deque<URI> scope, int depth) {
        if (depth > MAX_DEPTH) {
            throw new SchemaException("schema evaluation nested deeper than " + MAX_DEPTH + " (a $ref cycle?)");
        }
        if (schema instanceof Boolean b) {
            return b ? new Ann() : null;
        }
        if (!(schema instanceof Map)) {
            throw new SchemaException("a schema must be a JSON object or a boolean, got " + schema);
        }
        Map<String, Object> s = (Map<String, Object>) schema;
        URI own = baseOf.get(schema);
        if (own != null) {
            base = own;
        }
        boolean pushed = scope.isEmpty() || !scope.peek().equals(base);
        if (pushed) {
            scope.push(base);
        }
        try {
            return evalObject(inst, s, base, scope, depth);
        } finally {
            if (pushed) {
                scope.pop();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private Ann evalObject(Object inst, Map<String, Object> s, URI base, Deque<URI> scope, int depth) {
        Ann ann = new Ann();
        boolean ok = true;
        if (s.get("$ref") instanceof String ref) {
            Object target = lookup(base, ref);
            Ann a = eval(inst, target, baseOf.getOrDefault(target, base), scope, depth + 1);
            ok &= merge(ann, a);
        }
        if (s.get("$dynamicRef") instanceof String ref) {
            Object target = dynamicTarget(base, ref, scope);
            Ann a = eval(inst, target, baseOf.getOrDefault(target, base), scope, depth + 1);
            ok &= merge(ann, a);
        }
        if (s.containsKey("type") && !typeOk(inst, s.get("type"))) {
            ok = false;
        }
        if (s.containsKey("enum") && s.get("enum") instanceof List<?> l) {
            boolean any = false;
            for (Object o : l) {
                any |= JsonValues.equal(o, inst);
            }
            ok &= any;
        }
        if (s.containsKey("const") && !JsonValues.equal(s.get("const"), inst)) {
            ok = false;
        }
        if (JsonValues.isNumber(inst)) {
            ok &= numberOk(JsonValues.decimal(inst), s);
        }
        if (inst instanceof String str) {
            ok &= stringOk(str, s);
        }
        // in-place applicators
        if (s.get("allOf") instanceof List<?> l) {
            for (Object sub : l) {
                ok &= merge(ann, eval(inst, sub, base, scope, depth + 1));
            }
        }
        if (s.get("anyOf") instanceof List<?> l) {
            boolean any = false;
            for (Object sub : l) {
                any |= merge(ann, eval(inst, sub, base, scope, depth + 1));
            }
            ok &= any;
        }
        if (s.get("oneOf") instanceof List<?> l) {
            int n = 0;
            for (Object sub : l) {
                if (merge(ann, eval(inst, sub, base, scope, depth + 1))) {
                    n++;
                }
            }
            ok &= n == 1;
        }
        if (s.containsKey("not")) {
            ok &= eval(inst, s.get("not"), base, scope, depth + 1) == null;
        }
        if (s.containsKey("if")) {
            Ann cond = eval(inst, s.get("if"), base, scope, depth + 1);
            if (cond != null) {
                ann.merge(cond);
                if (s.containsKey("then")) {
                    ok &= merge(ann, eval(inst, s.get("then"), base, scope, depth + 1));
                }
            } else if (s.containsKey("else")) {
                ok &= merge(ann, eval(inst, s.get("else"), base, scope, depth + 1));
            }
        }
        if (inst instanceof List<?> arr) {
            ok &= arrayOk((List<Object>) arr, s, base, scope, depth, ann);
        }
        if (inst instanceof Map<?, ?> obj) {
            ok &= objectOk((Map<String, Object>) obj, s, base, scope, depth, ann);
        }
        return ok ? ann : null;
    }

    private static boolean merge(Ann into, Ann a) {
        if (a == null) {
            return false;
        }
        into.merge(a);
        return true;
    }

    private Object dynamicTarget(URI base, String ref, Deque<URI> scope) {
        Object initial = lookup(base, ref);
        URI target = resolve(base, ref);
        String frag = target.getFragment();
        if (frag == null || frag.startsWith("/")) {
            return initial;
        }
        Set<String> names = dynamicAnchors.get(withoutFragment(target));
        if (names == null || !names.contains(frag)) {
            return initial; // the initial target is no dynamic anchor: a plain $ref
        }
        // the outermost resource in the dynamic scope that declares this dynamic anchor
        List<URI> outerFirst = new ArrayList<>(scope);
        for (int i = outerFirst.size() - 1; i >= 0; i--) {
            String res = withoutFragment(outerFirst.get(i));
            Set<String> n = dynamicAnchors.get(res);
            if (n != null && n.contains(frag)) {
                return index.get(res + "#" + frag);
            }
        }
        return initial;
    }

    private static boolean typeOk(Object inst, Object type) {
        if (type instanceof List<?> l) {
            for (Object t : l) {
                if (typeOk(inst, t)) {
                    return true;
                }
            }
            return false;
        }
        return switch ((String) type) {
            case "null" -> inst == Json.NULL;
            case "boolean" -> inst instanceof Boolean;
            case "object" -> inst instanceof Map;
            case "array" -> inst instanceof List;
            case "string" -> inst instanceof String;
            case "number" -> JsonValues.isNumber(inst);
            case "integer" -> JsonValues.isInteger(inst);
            default -> throw new SchemaException("unknown type: " + type);
        };
    }

    private static boolean numberOk(BigDecimal x, Map<String, Object> s) {
        boolean ok = true;
        if (JsonValues.isNumber(s.get("multipleOf"))) {
            BigDecimal m = JsonValues.decimal(s.get("multipleOf"));
            ok &= x.remainder(m).signum() == 0;
        }
        if (JsonValues.isNumber(s.get("maximum"))) {
            ok &= x.compareTo(JsonValues.decimal(s.get("maximum"))) <= 0;
        }
        if (JsonValues.isNumber(s.get("exclusiveMaximum"))) {
            ok &= x.compareTo(JsonValues.decimal(s.get("exclusiveMaximum"))) < 0;
        }
        if (JsonValues.isNumber(s.get("minimum"))) {
            ok &= x.compareTo(JsonValues.decimal(s.get("minimum"))) >= 0;
        }
        if (JsonValues.isNumber(s.get("exclusiveMinimum"))) {
            ok &= x.compareTo(JsonValues.decimal(s.get("exclusiveMinimum"))) > 0;
        }
        return ok;
    }

    private boolean stringOk(String str, Map<String, Object> s) {
        boolean ok = true;
        int len = -1;
        if (JsonValues.isNumber(s.get("maxLength"))) {
            len = str.codePointCount(0, str.length());
            ok &= len <= JsonValues.decimal(s.get("maxLength")).doubleValue();
        }
        if (JsonValues.isNumber(s.get("minLength"))) {
            len = len >= 0 ? len : str.codePointCount(0, str.length());
            ok &= len >= JsonValues.decimal(s.get("minLength")).doubleValue();
        }
        if (s.get("pattern") instanceof String p) {
            ok &= pattern(p).matcher(str).find();
        }
        if (options.assertFormat() && s.get("format") instanceof String f) {
            ok &= Formats.check(f, str);
        }
        return ok;
    }

    /** The regular expression (ECMA-262 flavour, translated to java.util.regex where they differ). */
    Pattern pattern(String p) {
        return patterns.computeIfAbsent(p, k -> {
            try {
                return Pattern.compile(EcmaRegex.toJava(k));
            } catch (PatternSyntaxException e) {
                throw new SchemaException("invalid pattern " + k + ": " + e.getDescription());
            }
        });
    }

    @SuppressWarnings("unchecked")
    private boolean arrayOk(List<Object> arr, Map<String, Object> s, URI base, Deque<URI> scope, int depth, Ann ann) {
        boolean ok = true;
        int n = arr.size();
        if (JsonValues.isNumber(s.get("maxItems"))) {
            ok &= n <= JsonValues.decimal(s.get("maxItems")).doubleValue();
        }
        if (JsonValues.isNumber(s.get("minItems"))) {
            ok &= n >= JsonValues.decimal(s.get("minItems")).doubleValue();
        }
        if (Boolean.TRUE.equals(s.get("uniqueItems"))) {
            outer:
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    if (JsonValues.equal(arr.get(i), arr.get(j))) {
                        ok = false;
                        break outer;
                    }
                }
            }
        }
        int prefix = 0;
        if (s.get("prefixItems") instanceof List<?> pi) {
            prefix = Math.min(pi.size(), n);
            for (int i = 0; i < prefix; i++) {
                ok &= eval(arr.get(i), pi.get(i), base, scope, depth + 1) != null;
            }
            ann.items = Math.max(ann.items, prefix);
        }
        Object items = s.get("items");
        if (items instanceof Map || items instanceof Boolean) {
            for (int i = prefix; i < n; i++) {
                ok &= eval(arr.get(i), items, base, scope, depth + 1) != null;
            }
            ann.allItems = true;
        }
        Set<Integer> containsHit = new HashSet<>();
        if (s.containsKey("contains")) {
            for (int i = 0; i < n; i++) {
                if (eval(arr.get(i), s.get("contains"), base, scope, depth + 1) != null) {
                    containsHit.add(i);
                }
            }
            int hits = containsHit.size();
            double min = JsonValues.isNumber(s.get("minContains")) ? JsonValues.decimal(s.get("minContains")).doubleValue() : 1;
            ok &= hits >= min;
            if (JsonValues.isNumber(s.get("maxContains"))) {
                ok &= hits <= JsonValues.decimal(s.get("maxContains")).doubleValue();
            }
        }
        if (s.containsKey("unevaluatedItems") && ok) {
            if (!ann.allItems) {
                for (int i = ann.items; i < n; i++) {
                    if (containsHit.contains(i) || containsHitAnn(ann, i)) {
                        continue;
                    }
                    ok &= eval(arr.get(i), s.get("unevaluatedItems"), base, scope, depth + 1) != null;
                }
            }
            ann.allItems = true;
        }
        ann.contains.addAll(containsHit);
        return ok;
    }

    private static boolean containsHitAnn(Ann ann, int i) {
        return ann.contains.contains(i);
    }

    @SuppressWarnings("unchecked")
    private boolean objectOk(Map<String, Object> obj, Map<String, Object> s, URI base, Deque<URI> scope, int depth, Ann ann) {
        boolean ok = true;
        int n = obj.size();
        if (JsonValues.isNumber(s.get("maxProperties"))) {
            ok &= n <= JsonValues.decimal(s.get("maxProperties")).doubleValue();
        }
        if (JsonValues.isNumber(s.get("minProperties"))) {
            ok &= n >= JsonValues.decimal(s.get("minProperties")).doubleValue();
        }
        if (s.get("required") instanceof List<?> req) {
            for (Object r : req) {
                ok &= obj.containsKey((String) r);
            }
        }
        if (s.get("dependentRequired") instanceof Map<?, ?> dr) {
            for (Map.Entry<?, ?> e : dr.entrySet()) {
                if (obj.containsKey((String) e.getKey())) {
                    for (Object r : (List<?>) e.getValue()) {
                        ok &= obj.containsKey((String) r);
                    }
                }
            }
        }
        Set<String> matched = new HashSet<>();
        if (s.get("properties") instanceof Map<?, ?> props) {
            for (Map.Entry<?, ?> e : props.entrySet()) {
                String k = (String) e.getKey();
                if (obj.containsKey(k)) {
                    matched.add(k);
                    ok &= eval(obj.get(k), e.getValue(), base, scope, depth + 1) != null;
                }
            }
        }
        if (s.get("patternProperties") instanceof Map<?, ?> pp) {
            for (Map.Entry<?, ?> e : pp.entrySet()) {
                Pattern p = pattern((String) e.getKey());
                for (Map.Entry<String, Object> pe : obj.entrySet()) {
                    if (p.matcher(pe.getKey()).find()) {
                        matched.add(pe.getKey());
                        ok &= eval(pe.getValue(), e.getValue(), base, scope, depth + 1) != null;
                    }
                }
            }
        }
        if (s.containsKey("additionalProperties")) {
            for (Map.Entry<String, Object> pe : obj.entrySet()) {
                if (!matched.contains(pe.getKey())) {
                    ok &= eval(pe.getValue(), s.get("additionalProperties"), base, scope, depth + 1) != null;
                }
            }
            matched.addAll(obj.keySet());
        }
        if (s.containsKey("propertyNames")) {
            for (String k : obj.keySet()) {
                ok &= eval(k, s.get("propertyNames"), base, scope, depth + 1) != null;
            }
        }
        if (s.get("dependentSchemas") instanceof Map<?, ?> ds) {
            for (Map.Entry<?, ?> e : ds.entrySet()) {
                if (obj.containsKey((String) e.getKey())) {
                    ok &= merge(ann, eval(obj, e.getValue(), base, scope, depth + 1));
                }
            }
        }
        ann.props.addAll(matched);
        if (s.containsKey("unevaluatedProperties") && ok) {
            for (Map.Entry<String, Object> pe : obj.entrySet()) {
                if (!ann.props.contains(pe.getKey())) {
                    ok &= eval(pe.getValue(), s.get("unevaluatedProperties"), base, scope, depth + 1) != null;
                }
            }
            ann.props.addAll(obj.keySet());
        }
        return ok;
    }
}

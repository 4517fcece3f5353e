package jllm.generate.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import jllm.format.json.Json;
import jllm.generate.grammar.GrammarEngine;
import jllm.generate.grammar.GrammarMatcher;
import jllm.generate.grammar.TokenTrie;

/**
 * The grammar accepts exactly what the validator accepts, for the keywords compiled through automata,
 * negation and counting: patternProperties, propertyNames, not, oneOf with overlapping branches,
 * if/then/else, dependencies, min/maxProperties, pattern with length bounds or another pattern. Each
 * schema starts from a few hand-written instances; seeded random edits (add, drop or change a member,
 * an item, a value) make hundreds more, each written as json.dumps writes it and walked byte by byte.
 */
class SchemaGrammarOracleTest {

    /**
     * A schema and some instances to start from (valid or not); the validator judges them by the schema,
     * or by {@code oracle} when the compiler reads a keyword as an older draft does.
     */
    record Case(String name, String schema, String oracle, List<String> seeds) {
        Case(String name, String schema, List<String> seeds) {
            this(name, schema, schema, seeds);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("patternProperties with additionalProperties false",
                        """
                        {"type": "object", "properties": {"id": {"type": "integer"}, "x-a": {"type": "string"}},
                         "patternProperties": {"^x-": {"type": "string", "maxLength": 3}, "^[a-z]+$": {"type": "integer"}},
                         "additionalProperties": false, "required": ["id"]}""",
                        List.of("{\"id\": 1}", "{\"id\": 1, \"x-b\": \"ab\", \"foo\": 3}", "{\"id\": 1, \"x-a\": \"abcd\"}", "{\"id\": 2, \"Q\": 1}")),
                new Case("patternProperties with an additionalProperties schema",
                        """
                        {"patternProperties": {"a": {"minimum": 3}, "b$": {"type": "string"}}, "additionalProperties": {"type": "boolean"}}""",
                        List.of("{\"ab\": \"x\", \"z\": true}", "{\"xa\": 5, \"q\": false}", "{\"a\": 1}", "{}", "[1]")),
                new Case("propertyNames",
                        """
                        {"type": "object", "propertyNames": {"pattern": "^[a-z]{1,3}$"}, "properties": {"abcd": {}, "ab": {"type": "integer"}}}""",
                        List.of("{\"ab\": 1, \"x\": null}", "{\"abcd\": 1}", "{\"Ab\": 2}", "{}")),
                new Case("not: required, type, const, pattern",
                        """
                        {"type": "object", "properties": {"kind": {"not": {"const": "foo"}}, "s": {"type": "string", "not": {"pattern": "^[0-9]+$"}},
                          "n": {"not": {"type": ["string", "object"]}}},
                         "not": {"anyOf": [{"required": ["a"]}, {"required": ["b", "c"]}]}}""",
                        List.of("{\"kind\": \"bar\", \"s\": \"a1\", \"n\": 3}", "{\"kind\": \"foo\"}", "{\"s\": \"123\"}", "{\"b\": 1, \"c\": 2}",
                                "{\"b\": 1}", "{\"n\": \"x\"}", "{\"n\": [1, 2]}", "{\"kind\": 5}")),
                new Case("not: numbers and enums",
                        """
                        {"type": "array", "items": {"not": {"enum": [1, 2, "a", null, true]}, "maximum": 10}}""",
                        List.of("[0, 3, \"b\", false, 2.5]", "[1]", "[\"a\"]", "[null]", "[11]", "[10, 1.5, -4]")),
                new Case("oneOf with overlapping branches",
                        """
                        {"oneOf": [{"type": "object", "required": ["a"]}, {"type": "object", "required": ["b"]},
                                   {"type": "string", "minLength": 2}, {"type": "string", "pattern": "^x"}]}""",
                        List.of("{\"a\": 1}", "{\"b\": 1}", "{\"a\": 1, \"b\": 2}", "\"ab\"", "\"x\"", "\"xy\"", "\"yz\"", "{}")),
                new Case("if then else",
                        """
                        {"type": "object", "properties": {"t": {"enum": ["num", "str"]}, "v": {}},
                         "if": {"properties": {"t": {"const": "num"}}, "required": ["t"]},
                         "then": {"properties": {"v": {"type": "number"}}, "required": ["v"]},
                         "else": {"properties": {"v": {"type": "string"}}}}""",
                        List.of("{\"t\": \"num\", \"v\": 1}", "{\"t\": \"num\", \"v\": \"1\"}", "{\"t\": \"str\", \"v\": \"x\"}", "{\"v\": 2}", "{\"t\": \"num\"}")),
                new Case("dependentRequired and dependentSchemas",
                        """
                        {"type": "object", "properties": {"a": {}, "b": {}, "c": {"type": "integer"}, "d": {}},
                         "dependentSchemas": {"c": {"required": ["d"], "properties": {"d": {"type": "string"}}}}, "dependentRequired": {"d": ["a"], "a": ["b"]}}""",
                        List.of("{\"a\": 1, \"b\": 2}", "{\"a\": 1}", "{\"a\": 3, \"b\": 4, \"c\": 1, \"d\": \"x\"}", "{\"c\": 1}", "{\"b\": 1}")),
                // a draft 4 schema: if/then/else are not keywords there, so they constrain nothing
                new Case("if/then in a draft 4 schema",
                        """
                        {"$schema": "http://json-schema.org/draft-04/schema#", "type": "object", "properties": {"t": {"type": "string"}},
                         "if": {"properties": {"t": {"const": "a"}}}, "then": {"required": ["v"]}}""",
                        """
                        {"type": "object", "properties": {"t": {"type": "string"}}}""",
                        List.of("{\"t\": \"a\"}", "{\"t\": \"a\", \"v\": 1}", "{\"t\": 1}")),
                // draft 7's dependencies (a list or a schema), judged as 2020-12 spells it
                new Case("dependencies as draft 7 reads them",
                        """
                        {"type": "object", "properties": {"a": {}, "b": {}, "c": {"type": "integer"}, "d": {}},
                         "dependencies": {"a": ["b"], "c": {"required": ["d"]}}}""",
                        """
                        {"type": "object", "properties": {"a": {}, "b": {}, "c": {"type": "integer"}, "d": {}},
                         "dependentRequired": {"a": ["b"]}, "dependentSchemas": {"c": {"required": ["d"]}}}""",
                        List.of("{\"a\": 1, \"b\": 2}", "{\"a\": 1}", "{\"c\": 1, \"d\": 2, \"a\": 3, \"b\": 4}", "{\"c\": 1}", "{\"b\": 1}")),
                new Case("minProperties and maxProperties",
                        """
                        {"type": "object", "properties": {"a": {}, "b": {}, "c": {}}, "required": ["a"], "minProperties": 2, "maxProperties": 3}""",
                        List.of("{\"a\": 1, \"b\": 2}", "{\"a\": 1}", "{\"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4}", "{\"a\": 1, \"z\": 2}")),
                new Case("minProperties without properties",
                        """
                        {"additionalProperties": {"type": "string"}, "minProperties": 1}""",
                        List.of("{\"a\": \"x\"}", "{}", "{\"a\": \"x\", \"b\": 1}", "\"s\"")),
                new Case("pattern with length bounds and two patterns",
                        """
                        {"type": "object", "properties": {"code": {"type": "string", "pattern": "^[a-z0-9-]+$", "minLength": 2, "maxLength": 5},
                          "both": {"allOf": [{"pattern": "a"}, {"pattern": "b"}], "type": "string"},
                          "day": {"type": "string", "format": "date", "pattern": "^2024"}}}""",
                        List.of("{\"code\": \"ab-1\", \"both\": \"ab\", \"day\": \"2024-02-29\"}", "{\"code\": \"a\"}", "{\"code\": \"abcdef\"}",
                                "{\"code\": \"A1\"}", "{\"both\": \"a\"}", "{\"day\": \"2023-01-01\"}", "{\"day\": \"2024-02-30\"}")),
                new Case("not integer, contains, not items, not oneOf",
                        """
                        {"type": "object", "properties": {"f": {"type": "number", "not": {"type": "integer"}},
                          "c": {"type": "array", "contains": {"type": "string"}},
                          "ni": {"not": {"type": "array", "items": {"type": "integer"}}},
                          "no": {"not": {"oneOf": [{"type": "integer"}, {"minimum": 2}]}}}}""",
                        List.of("{\"f\": 2.5, \"c\": [1, \"a\"], \"ni\": [1, \"x\"], \"no\": 3}", "{\"f\": 2}", "{\"c\": [1, 2]}",
                                "{\"c\": []}", "{\"ni\": [1, 2]}", "{\"ni\": \"s\"}", "{\"no\": 1}", "{\"no\": 2.5}", "{\"no\": -1.5}")),
                new Case("not additionalProperties false: some key outside the names",
                        """
                        {"type": "object", "properties": {"a": {}, "b": {"type": "integer"}},
                         "not": {"properties": {"a": {}, "x": {}}, "additionalProperties": false}, "maxProperties": 3}""",
                        List.of("{\"a\": 1, \"b\": 2}", "{\"a\": 1}", "{\"x\": 1}", "{\"a\": 1, \"x\": 2}", "{\"z\": 1}", "{}",
                                "{\"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4}")),
                new Case("multipleOf: integers and decimals, with bounds",
                        """
                        {"type": "object", "properties": {"i": {"type": "integer", "multipleOf": 3, "minimum": -7, "maximum": 40},
                          "d": {"type": "number", "multipleOf": 0.25}, "k": {"multipleOf": 7}, "e": {"enum": [14, 15, "a"], "multipleOf": 7},
                          "n": {"type": "integer", "not": {"multipleOf": 3}, "maximum": 12}}}""",
                        List.of("{\"i\": 3, \"d\": 2.5, \"k\": 14, \"e\": 14}", "{\"i\": 4}", "{\"i\": -6}", "{\"i\": 42}", "{\"d\": 0.75}",
                                "{\"d\": 0.3}", "{\"d\": -1.5}", "{\"k\": 21.0}", "{\"k\": 22}", "{\"k\": \"x\"}", "{\"e\": 15}", "{\"e\": \"a\"}",
                                "{\"n\": 4}", "{\"n\": 6}", "{\"n\": -7}", "{\"n\": 13}")),
                new Case("oneOf of two closed objects: a key outside each, counted apart",
                        """
                        {"oneOf": [{"type": "object", "properties": {"a": {}, "b": {}}, "additionalProperties": false},
                                   {"type": "object", "properties": {"b": {}, "c": {}}, "additionalProperties": false},
                                   {"properties": {"c": {}, "d": {}}, "additionalProperties": false}]}""",
                        List.of("{\"a\": 1}", "{\"c\": 1}", "{\"d\": 1}", "{\"b\": 1, \"d\": 1}", "{\"c\": 1, \"d\": 1}", "[]", "{\"b\": 1}", "{}", "{\"a\": 1, \"c\": 2}", "{\"a\": 1, \"b\": 2}", "{\"z\": 1}")),
                new Case("length bounds crossed by a negation",
                        """
                        {"type": "array", "items": {"anyOf": [{"type": "string", "minLength": 2, "not": {"minLength": 1}}, {"type": "integer"}]}}""",
                        List.of("[1, 2]", "[\"ab\"]", "[]", "[3, \"\"]")),
                new Case("numbers that are not integers, within integer bounds",
                        """
                        {"type": "array", "items": {"type": "number", "not": {"type": "integer"}, "minimum": -2, "exclusiveMaximum": 3}}""",
                        List.of("[0.5, -1.5, 2.5]", "[-2.5]", "[3.5]", "[1]", "[-0.5, -0.001]", "[\"x\"]")),
                new Case("oneOf kept apart by a required property another branch forbids, enum of objects",
                        """
                        {"oneOf": [{"type": "object", "required": ["a"], "properties": {"a": {}}},
                                   {"type": "object", "properties": {"b": {"enum": [{"x": 1}, {"x": "y"}], "properties": {"x": {"type": "integer"}}}},
                                    "additionalProperties": false}]}""",
                        List.of("{\"a\": 1}", "{\"b\": {\"x\": 1}}", "{\"b\": {\"x\": \"y\"}}", "{\"a\": 1, \"b\": 2}", "{}")),
                new Case("allOf with additionalProperties false beside other properties",
                        """
                        {"allOf": [{"properties": {"a": {"type": "integer"}}, "additionalProperties": false}, {"properties": {"b": {}}, "required": ["a"]}]}""",
                        List.of("{\"a\": 1}", "{\"a\": 1, \"b\": 2}", "{\"b\": 2}", "{\"a\": \"x\"}")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void grammarAcceptsExactlyWhatTheValidatorAccepts(Case c) {
        Object schema = Json.parse(c.schema(), c.name());
        SchemaValidator validator = SchemaValidator.of(Json.parse(c.oracle(), c.name()), new SchemaValidator.Options(true));
        GrammarEngine engine = new GrammarEngine(SchemaGrammar.compile(schema), byteTrie());
        Pools pools = Pools.of(schema);
        Random r = new Random(c.name().hashCode());
        List<Object> seeds = new ArrayList<>();
        for (String s : c.seeds()) {
            seeds.add(Json.parse(s, "seed"));
        }
        Set<String> valid = new LinkedHashSet<>();
        Set<String> invalid = new LinkedHashSet<>();
        for (int i = 0; i < 1_500; i++) {
            Object instance = seeds.get(r.nextInt(seeds.size()));
            for (int edits = r.nextInt(4); edits > 0; edits--) {
                instance = mutate(instance, r, pools, 0);
            }
            if (i < seeds.size()) {
                instance = seeds.get(i);
            }
            // declared properties in the schema's order, as the grammar writes them (the others after)
            instance = ordered(instance, pools.declared());
            String text = PythonJson.dumps(instance);
            boolean expected = validator.validate(instance);
            GrammarMatcher m = engine.matcher();
            boolean grammar = m.advance(text.getBytes(StandardCharsets.UTF_8)) && m.accepting();
            assertThat(grammar).as("%s: %s", c.name(), text).isEqualTo(expected);
            (expected ? valid : invalid).add(text);
        }
        // both sides of the boundary were exercised
        assertThat(valid.size()).as("distinct valid instances").isGreaterThanOrEqualTo(10);
        assertThat(invalid.size()).as("distinct invalid instances").isGreaterThanOrEqualTo(10);
    }

    static TokenTrie byteTrie() {
        byte[][] bytes = new byte[257][];
        bytes[0] = new byte[0];
        for (int i = 0; i < 256; i++) {
            bytes[i + 1] = new byte[] {(byte) i};
        }
        return new TokenTrie(bytes, Set.of(0));
    }

    /** Keys, strings and numbers to draw from: the schema's own and a few others. */
    record Pools(List<String> keys, List<String> strings, List<Object> numbers, List<String> declared) {
        static Pools of(Object schema) {
            Set<String> declared = new LinkedHashSet<>();
            Set<String> strings = new LinkedHashSet<>(List.of("", "a", "ab", "abc", "abcdef", "A1", "123", "x", "xy", "ba", "2024-02-29",
                    "2023-01-01", "a\"b", "é"));
            // (1.0 is an integer to the validator, but the grammar's integers are written without a fraction)
            List<Object> numbers = new ArrayList<>(List.of(0L, -1L, 1L, 2.5, 100L, 3L, 10L, 11L, -0.5, -1.5, -2.5, 0.5, 3.5, -0.001, 0.75, 0.3, 21.0, 12L, -6L, 39L));
            collect(schema, declared, strings, numbers);
            Set<String> keys = new LinkedHashSet<>(List.of("x", "foo", "Ab", "x-y", "ab", "abcd", "z", ""));
            keys.addAll(declared);
            return new Pools(List.copyOf(keys), List.copyOf(strings), numbers, List.copyOf(declared));
        }

        private static void collect(Object node, Set<String> keys, Set<String> strings, List<Object> numbers) {
            if (node instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    String k = (String) e.getKey();
                    if (Set.of("properties", "dependencies", "dependentRequired").contains(k) && e.getValue() instanceof Map<?, ?> p) {
                        p.keySet().forEach(n -> keys.add((String) n));
                    }
                    if (k.equals("required") && e.getValue() instanceof List<?> r) {
                        r.forEach(n -> keys.add((String) n));
                    }
                    collect(e.getValue(), keys, strings, numbers);
                }
            } else if (node instanceof List<?> l) {
                for (Object o : l) {
                    collect(o, keys, strings, numbers);
                }
            } else if (node instanceof String s) {
                strings.add(s);
            } else if (JsonValues.isNumber(node)) {
                numbers.add(node);
                if (JsonValues.isInteger(node)) {
                    long v = JsonValues.decimal(node).longValue();
                    numbers.add(v + 1);
                    numbers.add(v - 1);
                }
            }
        }
    }

    /** The value with each object's declared keys first, in the given order. */
    static Object ordered(Object v, List<String> declared) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (String k : declared) {
                if (m.containsKey(k)) {
                    out.put(k, ordered(m.get(k), declared));
                }
            }
            m.forEach((k, x) -> out.putIfAbsent((String) k, ordered(x, declared)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(x -> ordered(x, declared)).toList();
        }
        return v;
    }

    /** One random edit somewhere in the value. */
    static Object mutate(Object v, Random r, Pools p, int depth) {
        if (v instanceof Map<?, ?> m && r.nextInt(5) > 0) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put((String) k, x));
            List<String> keys = new ArrayList<>(out.keySet());
            switch (r.nextInt(3)) {
                case 0 -> out.put(p.keys().get(r.nextInt(p.keys().size())), random(r, p, depth + 1));
                case 1 -> {
                    if (!keys.isEmpty()) {
                        out.remove(keys.get(r.nextInt(keys.size())));
                    }
                }
                default -> {
                    if (!keys.isEmpty()) {
                        String k = keys.get(r.nextInt(keys.size()));
                        out.put(k, mutate(out.get(k), r, p, depth + 1));
                    }
                }
            }
            return out;
        }
        if (v instanceof List<?> l && r.nextInt(5) > 0) {
            List<Object> out = new ArrayList<>(l);
            switch (r.nextInt(3)) {
                case 0 -> out.add(r.nextInt(out.size() + 1), random(r, p, depth + 1));
                case 1 -> {
                    if (!out.isEmpty()) {
                        out.remove(r.nextInt(out.size()));
                    }
                }
                default -> {
                    if (!out.isEmpty()) {
                        int i = r.nextInt(out.size());
                        out.set(i, mutate(out.get(i), r, p, depth + 1));
                    }
                }
            }
            return out;
        }
        return random(r, p, depth);
    }

    /** A random value, mostly scalars drawn from the pools. */
    static Object random(Random r, Pools p, int depth) {
        return switch (r.nextInt(depth > 2 ? 5 : 7)) {
            case 0, 1 -> p.strings().get(r.nextInt(p.strings().size()));
            case 2 -> p.numbers().get(r.nextInt(p.numbers().size()));
            case 3 -> r.nextBoolean();
            case 4 -> Json.NULL;
            case 5 -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = r.nextInt(3); i > 0; i--) {
                    m.put(p.keys().get(r.nextInt(p.keys().size())), random(r, p, depth + 1));
                }
                yield m;
            }
            default -> {
                List<Object> l = new ArrayList<>();
                for (int i = r.nextInt(3); i > 0; i--) {
                    l.add(random(r, p, depth + 1));
                }
                yield l;
            }
        };
    }
}

package jllm.generate.grammar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import jllm.format.json.Json;
import jllm.generate.schema.SchemaException;
import jllm.generate.schema.SchemaGrammar;
import jllm.generate.schema.UnsupportedSchemaException;

/**
 * Hostile schemas and grammars fail fast, in bounded time and memory, with an error that names the
 * schema part or rule; the ones that can be run are run correctly. Each case is timed: none may take
 * more than a few seconds even on a loaded machine.
 */
class HostileGrammarTest {
    static final long SECONDS = 10;

    static Grammar schema(String json) {
        return SchemaGrammar.compile(Json.parse(json, "test"));
    }

    static void within(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        assertThat((System.nanoTime() - t0) / 1e9).as("seconds").isLessThan(SECONDS);
    }

    static boolean walk(GrammarEngine e, String text) {
        GrammarMatcher m = e.matcher();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            m.mask();
            if (!m.advance(new byte[] {b})) {
                return false;
            }
        }
        return m.accepting();
    }

    @Test
    void deepNestingIsRefusedNamingWhere() {
        within(() -> {
            // 300 schemas deep (the JSON reader stops nesting at 512 levels, so the tree is built directly)
            Object deep = true;
            for (int i = 0; i < 300; i++) {
                deep = Map.of("properties", Map.of("a", deep));
            }
            Object schema = deep;
            assertThatThrownBy(() -> SchemaGrammar.compile(schema)).isInstanceOf(SchemaException.class)
                    .hasMessageContaining("nested deeper than " + SchemaGrammar.MAX_DEPTH)
                    .hasMessageContaining("#/properties/a/properties/a");
            String deeper = "[".repeat(100_000) + "]".repeat(100_000);
            assertThatThrownBy(() -> Json.parse(deeper, "schema.json")).hasMessageContaining("nesting deeper than");
        });
    }

    @Test
    void aHugeEnumCompilesToOneParseAndRunsExactly() {
        within(() -> {
            StringBuilder sb = new StringBuilder("{\"enum\": [");
            for (int i = 0; i < 200_000; i++) {
                sb.append(i == 0 ? "" : ", ").append("\"v").append(i).append('"');
            }
            sb.append(", 3, 3.5, null, true]}");
            GrammarEngine e = new GrammarEngine(schema(sb.toString()), GrammarEngineTest.smallTrie(List.of("\"v1", "999")));
            assertThat(walk(e, "\"v199999\"")).isTrue();
            assertThat(walk(e, "\"v1\"")).isTrue();
            assertThat(walk(e, "3.5")).isTrue();
            assertThat(walk(e, "null")).isTrue();
            assertThat(walk(e, "\"v200000\"")).isFalse();
            assertThat(walk(e, "\"v\"")).isFalse();
            assertThat(walk(e, "4")).isFalse();
        });
    }

    @Test
    void hugeCountsAreRefusedBeforeTheyTakeMemory() {
        within(() -> {
            assertThatThrownBy(() -> schema("{\"type\": \"array\", \"items\": {\"type\": \"integer\"}, \"minItems\": 1, \"maxItems\": 50000000}"))
                    .hasMessageContaining("bound over");
            assertThatThrownBy(() -> schema("{\"type\": \"string\", \"maxLength\": 10000000}")).hasMessageContaining("length bound over");
            String many = "root ::=" + " [a-z]{99999}".repeat(50); // 5M positions
            assertThatThrownBy(() -> Gbnf.parse(many)).hasMessageContaining("too large");
        });
    }

    @Test
    void catastrophicRegexesRunInLinearTime() {
        within(() -> {
            String as = "a".repeat(3000);
            GrammarEngine nested = new GrammarEngine(schema("{\"type\": \"string\", \"pattern\": \"^(a+)+$\"}"), GrammarEngineTest.smallTrie(List.of("aaaa")));
            assertThat(walk(nested, "\"" + as + "\"")).isTrue();
            assertThat(walk(nested, "\"" + as + "b\"")).isFalse();
            GrammarEngine alt = new GrammarEngine(schema("{\"type\": \"string\", \"pattern\": \"^(a|a?)+b$\"}"), GrammarEngineTest.smallTrie(List.of()));
            assertThat(walk(alt, "\"" + as + "b\"")).isTrue();
            assertThat(walk(alt, "\"" + as + "\"")).isFalse();
            // nested counted repetitions split a run of a's in exponentially many ways: refused, fast, naming the schema
            GrammarEngine counted = new GrammarEngine(schema("{\"type\": \"string\", \"pattern\": \"^((a{1,20}){1,20}){1,20}$\"}"), GrammarEngineTest.smallTrie(List.of()));
            assertThatThrownBy(() -> walk(counted, "\"" + "a".repeat(400) + "\"")).isInstanceOf(GrammarException.class)
                    .hasMessageContaining("too ambiguous near rule #");
        });
    }

    @Test
    void recursionWithoutABaseCaseIsRefusedNamingTheSchema() {
        within(() -> {
            assertThatThrownBy(() -> schema("{\"type\": \"object\", \"properties\": {\"next\": {\"$ref\": \"#\"}}, \"required\": [\"next\"]}"))
                    .hasMessageContaining("recurses without a base case").hasMessageContaining("#");
            assertThatThrownBy(() -> schema("{\"$defs\": {\"a\": {\"type\": \"array\", \"items\": {\"$ref\": \"#/$defs/a\"}, \"minItems\": 1}}, \"$ref\": \"#/$defs/a\"}"))
                    .hasMessageContaining("recurses without a base case").hasMessageContaining("#/$defs/a");
            assertThatThrownBy(() -> schema("{\"$ref\": \"#\"}")).hasMessageContaining("left-recursive");
            assertThatThrownBy(() -> Gbnf.parse("root ::= \"(\" root \")\"")).hasMessageContaining("rule root recurses without a base case");
            // with a base case it runs
            GrammarEngine list = new GrammarEngine(schema("{\"type\": \"object\", \"properties\": {\"next\": {\"$ref\": \"#\"}}, \"additionalProperties\": false}"),
                    GrammarEngineTest.smallTrie(List.of()));
            assertThat(walk(list, "{\"next\": {\"next\": {}}}")).isTrue();
            assertThat(walk(list, "{\"next\": {\"nxt\": {}}}")).isFalse();
        });
    }

    @Test
    void exponentiallyAmbiguousGrammarsFailFastNamingTheRule() {
        within(() -> {
            // after n a's the parses are every string of n pending b's and c's: 2^n stacks
            GrammarEngine e = new GrammarEngine(Gbnf.parse("root ::= s\ns ::= \"a\" s \"b\" | \"a\" s \"c\" | \"\""), GrammarEngineTest.smallTrie(List.of()));
            assertThatThrownBy(() -> walk(e, "a".repeat(40))).isInstanceOf(GrammarException.class)
                    .hasMessageContaining("too ambiguous near rule s").hasMessageContaining(GrammarEngine.MAX_STACKS + " parses");
        });
    }

    @Test
    void aMaskThatWouldTakeTooLongStopsAtTheWorkBudget() {
        within(() -> {
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                tokens.add("\"k" + i + "\": [" + i);
            }
            GrammarEngine e = new GrammarEngine(JsonGrammar.object(), GrammarEngineTest.smallTrie(tokens), 100);
            GrammarMatcher m = e.matcher();
            assertThat(m.advance("{".getBytes(StandardCharsets.UTF_8))).isTrue();
            assertThatThrownBy(m::mask).isInstanceOf(GrammarException.class).hasMessageContaining("over 100 parse steps")
                    .hasMessageContaining("near rule json-");
        });
    }

    @Test
    void negationsAndAutomataThatExplodeAreRefusedFast() {
        within(() -> {
            // a recursive schema under not: its negation would recurse forever
            assertThatThrownBy(() -> schema("""
                    {"$defs": {"n": {"properties": {"a": {"$ref": "#/$defs/n"}}, "required": ["a"]}}, "not": {"$ref": "#/$defs/n"}}"""))
                    .isInstanceOf(UnsupportedSchemaException.class).hasMessageContaining("nested deeper than");
            // oneOf of oneOfs whose branches overlap: each exclusive branch negates all the others
            StringBuilder inner = new StringBuilder("{\"oneOf\": [");
            for (int i = 0; i < 12; i++) {
                inner.append(i > 0 ? ", " : "").append("{\"minimum\": ").append(i).append("}");
            }
            inner.append("]}");
            StringBuilder outer = new StringBuilder("{\"oneOf\": [");
            for (int i = 0; i < 12; i++) {
                outer.append(i > 0 ? ", " : "").append(inner);
            }
            outer.append("]}");
            assertThatThrownBy(() -> schema(outer.toString())).isInstanceOf(UnsupportedSchemaException.class);
            // a recursive schema reached through $ref with siblings: merged lazily, never unfolded forever
            try {
                schema("""
                        {"$defs": {"r": {"additionalProperties": {"$ref": "#/$defs/r", "minProperties": 1}}}, "$ref": "#/$defs/r", "type": "object"}""");
            } catch (UnsupportedSchemaException refused) {
                assertThat(refused).hasMessageContaining("deeper than");
            }
            // a pattern whose automaton is exponential, with a length bound (so it must be determinized)
            assertThatThrownBy(() -> schema("""
                    {"type": "string", "pattern": "(a|b)*a(a|b){24}", "maxLength": 40}"""))
                    .isInstanceOf(UnsupportedSchemaException.class).hasMessageContaining("states");
        });
    }
}

package jllm.chat.reply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import jllm.chat.Tool;
import jllm.chat.ToolCall;
import jllm.format.json.Json;
import jllm.generate.grammar.GrammarEngine;
import jllm.generate.grammar.GrammarMatcher;
import jllm.generate.grammar.TokenTrie;
import jllm.generate.schema.SchemaException;
import jllm.generate.schema.SchemaValidator;

/**
 * Random walks through call grammars over a byte vocabulary: every finished walk is a reply the parser
 * reads as calls whose arguments validate against the tool's schema, in every format.
 */
class CallGrammarTest {

    private static final Tool WEATHER = new Tool("get_weather", Optional.empty(), Optional.of(Json.parseObject("""
            {"type": "object", "properties": {"city": {"type": "string", "maxLength": 6},
             "unit": {"enum": ["c", "f"]}, "days": {"type": "integer", "minimum": 1, "maximum": 7}},
             "required": ["city", "days"], "additionalProperties": false}""", "weather")));
    private static final Tool PING = new Tool("ping", Optional.empty(), Optional.empty());

    /** One token per byte value, so a walk may write any text the grammar allows. */
    private static final TokenTrie BYTES = bytes();

    private static TokenTrie bytes() {
        byte[][] b = new byte[256][];
        for (int i = 0; i < 256; i++) {
            b[i] = new byte[] {(byte) i};
        }
        return new TokenTrie(b, Set.of());
    }

    /** A random sentence of the grammar, or null when the walk ran too long. */
    private static String walk(GrammarMatcher m, Random random) {
        java.io.ByteArrayOutputStream sb = new java.io.ByteArrayOutputStream();
        for (int step = 0; step < 400; step++) {
            if (m.finished() || m.accepting() && random.nextInt(4) == 0) {
                return sb.toString(java.nio.charset.StandardCharsets.UTF_8);
            }
            long[] mask = m.mask();
            int[] allowed = new int[256];
            int n = 0;
            for (int t = 0; t < 256; t++) {
                if ((mask[t >> 6] >>> (t & 63) & 1) != 0) {
                    allowed[n++] = t;
                }
            }
            // prefer closing quotes and braces a little, so strings and objects end
            int pick = allowed[random.nextInt(n)];
            for (int t = 0; t < n; t++) {
                if ((allowed[t] == '"' || allowed[t] == '}' || allowed[t] == ']') && random.nextInt(3) == 0) {
                    pick = allowed[t];
                }
            }
            assertThat(m.advance(pick)).isTrue();
            sb.write(pick);
        }
        return null;
    }

    @Test
    void everyWalkIsACallThatValidates() {
        SchemaValidator weather = SchemaValidator.of(WEATHER.parameters().orElseThrow());
        Random random = new Random(42);
        for (ReplyFormat.Calls calls : ReplyFormat.Calls.values()) {
            if (calls == ReplyFormat.Calls.HARMONY) {
                assertThatThrownBy(() -> CallGrammar.of(ReplyFormat.Calls.HARMONY, List.of(WEATHER), false))
                        .isInstanceOf(SchemaException.class).hasMessageContaining("harmony").hasMessageContaining("tool_choice auto");
                continue;
            }
            ReplyFormat format = new ReplyFormat(calls, false, false);
            for (boolean parallel : new boolean[] {false, true}) {
                GrammarEngine engine = new GrammarEngine(CallGrammar.of(calls, List.of(WEATHER, PING), parallel), BYTES);
                int finished = 0;
                for (int n = 0; n < 60; n++) {
                    String text = walk(engine.matcher(), random);
                    if (text == null) {
                        continue;
                    }
                    finished++;
                    Reply r = format.parse(text, List.of(WEATHER, PING), "c");
                    assertThat(r.content()).as("%s: %s", calls, text).isEmpty();
                    assertThat(r.toolCalls()).as(text).isNotEmpty();
                    if (!parallel) {
                        assertThat(r.toolCalls()).hasSize(1);
                    }
                    for (ToolCall c : r.toolCalls()) {
                        Object args = Json.parse(c.arguments(), "arguments");
                        if (c.name().equals("ping")) {
                            assertThat(args).isEqualTo(Map.of());
                        } else {
                            assertThat(c.name()).isEqualTo("get_weather");
                            assertThat(weather.validate(args)).as(c.arguments()).isTrue();
                        }
                    }
                }
                assertThat(finished).as("walks that ended, %s", calls).isGreaterThan(30);
            }
        }
    }

    @Test
    void aSchemaTheCompilerCannotDoNamesTheToolAndTheKeyword() {
        Tool odd = new Tool("odd", Optional.empty(), Optional.of(Json.parseObject(
                "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}, \"uniqueItems\": true}}}", "odd")));
        assertThatThrownBy(() -> CallGrammar.of(ReplyFormat.Calls.HERMES, List.of(odd), false))
                .isInstanceOf(SchemaException.class).hasMessageContaining("'odd'").hasMessageContaining("uniqueItems");
    }
}

package jllm.api;

import java.util.Objects;

import jllm.format.json.Json;
import jllm.generate.grammar.Grammar;
import jllm.generate.schema.SchemaGrammar;

/**
 * A constraint on generated text: only tokens that keep it a prefix of a sentence of a grammar are
 * sampled, and generation ends when the sentence is whole. The source is checked when the constraint is
 * made (a bad grammar or an unsupported schema fails here, with a message naming the problem); each
 * generation compiles its own copy, so one constraint may be used by concurrent calls.
 *
 * <pre>{@code
 * GenerateOptions o = GenerateOptions.builder()
 *         .constraint(new Constraint.JsonSchema("{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}}}"))
 *         .build();
 * }</pre>
 */
public sealed interface Constraint {

    /** The grammar a generation runs (a fresh one each call: a grammar's match caches are not shared between threads). */
    Grammar compile();

    /**
     * Text in llama.cpp's GBNF, start rule {@code root}.
     *
     * @param gbnf the grammar text
     */
    record Gbnf(String gbnf) implements Constraint {
        public Gbnf {
            Objects.requireNonNull(gbnf, "gbnf");
            jllm.generate.grammar.Gbnf.parse(gbnf);
        }

        @Override
        public Grammar compile() {
            return jllm.generate.grammar.Gbnf.parse(gbnf);
        }
    }

    /**
     * A JSON text that is an instance of a JSON Schema ({@link SchemaGrammar} lists what is supported).
     *
     * @param schema the schema, as JSON text
     */
    record JsonSchema(String schema) implements Constraint {
        public JsonSchema {
            Objects.requireNonNull(schema, "schema");
            SchemaGrammar.compile(Json.parse(schema, "JSON schema"));
        }

        @Override
        public Grammar compile() {
            return SchemaGrammar.compile(Json.parse(schema, "JSON schema"));
        }
    }
}

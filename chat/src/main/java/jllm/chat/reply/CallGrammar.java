package jllm.chat.reply;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jllm.chat.Tool;
import jllm.format.json.Json;
import jllm.generate.grammar.Expr;
import jllm.generate.grammar.Grammar;
import jllm.generate.grammar.GrammarException;
import jllm.generate.schema.SchemaException;
import jllm.generate.schema.SchemaGrammar;

/**
 * The grammar of a reply that calls tools in a {@link ReplyFormat}'s syntax, with each call's arguments an
 * instance of its tool's parameters schema ({@link SchemaGrammar}): decoding under it can only produce
 * a call the {@link ReplyParser} reads and the schema validates. Used for {@code tool_choice: required}
 * or a named function.
 *
 * <p>The texts written: Hermes {@code <tool_call>\n{"name": "N", "arguments": ARGS}\n</tool_call>} (more
 * calls on new lines when parallel calls are allowed), Llama 3.1 {@code {"name": "N", "parameters": ARGS}},
 * Mistral {@code [{"name": "N", "arguments": ARGS}]} (its {@code [TOOL_CALLS]} marker is a control token
 * that decoding cannot spell, and the parser reads the array alone), generic
 * {@code {"tool_call": {"name": "N", "arguments": ARGS}}}. A tool without parameters takes {@code {}}. gpt-oss's
 * harmony calls are refused: their markers are control tokens.
 *
 * <pre>{@code
 * Grammar g = CallGrammar.of(format.calls(), tools, true);
 * Generator.Options constrained = options.withGrammar(g);
 * }</pre>
 */
public final class CallGrammar {
    private CallGrammar() {
    }

    /** Parameters of a tool that declares none: an empty object. */
    private static final Map<String, Object> NO_PARAMETERS = Json.parseObject(
            "{\"type\": \"object\", \"properties\": {}, \"additionalProperties\": false}", "no parameters");

    /**
     * The grammar of calls to one of {@code tools}.
     *
     * @param parallel allow more than one call (Hermes and Mistral write several; the others one)
     * @throws SchemaException when a tool's parameters schema cannot be compiled; its
     *         message names the tool and what is unsupported
     */
    public static Grammar of(ReplyFormat.Calls calls, List<Tool> tools, boolean parallel) {
        if (tools.isEmpty()) {
            throw new IllegalArgumentException("a call grammar needs at least one tool");
        }
        if (calls == ReplyFormat.Calls.HARMONY) {
            throw new SchemaException("a forced tool call (tool_choice required or a named function) is not supported for gpt-oss's "
                    + "harmony format: its markers are control tokens that a grammar over token texts cannot spell; use tool_choice auto");
        }
        Map<String, Expr> rules = new LinkedHashMap<>();
        List<Expr> options = new ArrayList<>();
        String argumentsKey = calls == ReplyFormat.Calls.LLAMA3 ? "parameters" : "arguments";
        for (int i = 0; i < tools.size(); i++) {
            Tool t = tools.get(i);
            String prefix = "t" + i + "-";
            try {
                rules.putAll(SchemaGrammar.rules(t.parameters().orElse(NO_PARAMETERS), prefix));
            } catch (SchemaException | GrammarException e) {
                throw new SchemaException("the parameters of tool '" + t.name() + "' cannot constrain a call: "
                        + e.getMessage());
            }
            options.add(Expr.seq(Expr.literal("{\"name\": " + Json.quote(t.name()) + ", \"" + argumentsKey + "\": "),
                    Expr.ref(prefix + "root"), Expr.literal("}")));
        }
        rules.put("call", Expr.alt(options));
        Expr call = Expr.ref("call");
        Expr root = switch (calls) {
            case HERMES -> {
                Expr one = Expr.seq(Expr.literal("<tool_call>\n"), call, Expr.literal("\n</tool_call>"));
                yield parallel ? Expr.seq(one, Expr.star(Expr.seq(Expr.literal("\n"), one))) : one;
            }
            case MISTRAL -> Expr.seq(Expr.literal("["), call,
                    parallel ? Expr.star(Expr.seq(Expr.literal(", "), call)) : Expr.EMPTY, Expr.literal("]"));
            case LLAMA3 -> call;
            case GENERIC -> Expr.seq(Expr.literal("{\"tool_call\": "), call, Expr.literal("}"));
            case HARMONY -> throw new IllegalStateException("refused above");
        };
        rules.put("root", root);
        return Grammar.compile(rules, "root");
    }
}

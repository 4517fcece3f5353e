package jllm.chat;

import com.hubspot.jinjava.interpret.InterpretException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter.InterpreterScopeClosable;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.util.LengthLimitingStringBuilder;
import com.hubspot.jinjava.util.ObjectTruthValue;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Jinja2's {@code for} tag: {@code {% for a, b in xs if cond %}} with a loop filter (jinjava's own tag
 * has none), {@code loop.previtem}/{@code nextitem}, iteration over a dict's keys, and every item counted
 * against the render's collection bound.
 */
final class PythonForTag extends ForTag {

    private static final long serialVersionUID = 1L;

    /** {@code vars in iterable [if condition]}, split at the top level of the tag's text. */
    record Header(List<String> loopVars, String iterable, String condition) {

        static Header parse(String helpers, int line, int position) {
            String text = helpers.strip();
            int in = topLevelKeyword(text, "in", 0);
            if (in < 0) {
                throw new InterpretException("for tag expects 'vars in iterable', got: " + text, line, position);
            }
            List<String> vars = new ArrayList<>();
            for (String v : text.substring(0, in).replace("(", "").replace(")", "").split(",")) {
                if (!v.isBlank()) {
                    vars.add(v.strip());
                }
            }
            String rest = text.substring(in + 2);
            if (rest.strip().endsWith(" recursive") || rest.strip().equals("recursive")) {
                throw new InterpretException("recursive for loops are not supported in chat templates", line, position);
            }
            int cond = topLevelKeyword(rest, "if", 0);
            return cond < 0 ? new Header(vars, rest.strip(), null)
                    : new Header(vars, rest.substring(0, cond).strip(), rest.substring(cond + 2).strip());
        }

        /** Index of {@code word} as a whole word outside strings and brackets, or -1. */
        static int topLevelKeyword(String s, String word, int from) {
            int depth = 0;
            char quote = 0;
            for (int i = from; i < s.length(); i++) {
                char c = s.charAt(i);
                if (quote != 0) {
                    if (c == '\\') {
                        i++;
                    } else if (c == quote) {
                        quote = 0;
                    }
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '(' || c == '[' || c == '{') {
                    depth++;
                } else if (c == ')' || c == ']' || c == '}') {
                    depth--;
                } else if (depth == 0 && s.startsWith(word, i)
                        && (i == 0 || !Character.isJavaIdentifierPart(s.charAt(i - 1)))
                        && (i + word.length() == s.length() || !Character.isJavaIdentifierPart(s.charAt(i + word.length())))) {
                    return i;
                }
            }
            return -1;
        }
    }

    @Override
    @SuppressWarnings("try") // the scope is entered and left by the try; its variable is unused
    public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
        Header header = Header.parse(tagNode.getHelpers(), tagNode.getLineNumber(), tagNode.getStartPosition());
        Object collection = interpreter.resolveELExpression(header.iterable(), tagNode.getLineNumber());
        List<Object> items = items(collection, interpreter.getConfig().getMaxListSize(), tagNode);
        try (InterpreterScopeClosable ignored = interpreter.enterScope()) {
            if (header.condition() != null) {
                List<Object> kept = new ArrayList<>();
                for (Object item : items) {
                    bind(interpreter, header.loopVars(), interpreter.wrap(item));
                    if (ObjectTruthValue.evaluate(interpreter.resolveELExpression(header.condition(), tagNode.getLineNumber()))) {
                        kept.add(item);
                    }
                }
                items = kept;
            }
            LoopState loop = new LoopState(items);
            interpreter.getContext().put(LOOP, loop);
            LengthLimitingStringBuilder out = new LengthLimitingStringBuilder(interpreter.getConfig().getMaxOutputSize());
            while (loop.hasNext()) {
                bind(interpreter, header.loopVars(), interpreter.wrap(loop.next()));
                for (Node child : tagNode.getChildren()) {
                    out.append(child.render(interpreter));
                    if (loop.isContinued()) {
                        break; // {% continue %} or {% break %}: skip the rest of the body
                    }
                }
            }
            return out.toString();
        }
    }

    private static List<Object> items(Object collection, int max, TagNode tagNode) {
        Iterator<?> it = switch (collection) {
            case null -> java.util.Collections.emptyIterator();
            case Map<?, ?> map -> map.keySet().iterator();
            case Iterable<?> iterable -> iterable.iterator();
            case Object[] array -> List.of(array).iterator();
            case String s -> s.chars().mapToObj(c -> (Object) String.valueOf((char) c)).iterator();
            case SafeString s -> s.toString().chars().mapToObj(c -> (Object) String.valueOf((char) c)).iterator();
            default -> throw new InterpretException("cannot iterate over a " + SandboxResolver.typeName(collection),
                    tagNode.getLineNumber(), tagNode.getStartPosition());
        };
        List<Object> items = new ArrayList<>();
        while (it.hasNext()) {
            if (items.size() >= max) {
                throw new InterpretException("a for loop runs over more than " + max + " items",
                        tagNode.getLineNumber(), tagNode.getStartPosition());
            }
            items.add(it.next());
        }
        return items;
    }

    /** Assigns one item to the loop variables, unpacking pairs and lists as Python does. */
    private static void bind(JinjavaInterpreter interpreter, List<String> vars, Object value) {
        if (vars.size() == 1) {
            interpreter.getContext().put(vars.getFirst(), value);
            return;
        }
        List<?> parts = switch (value) {
            case Map.Entry<?, ?> entry -> java.util.Arrays.asList(entry.getKey(), entry.getValue());
            case List<?> list -> list;
            case null, default -> List.of();
        };
        for (int i = 0; i < vars.size(); i++) {
            interpreter.getContext().put(vars.get(i), i < parts.size() ? interpreter.wrap(parts.get(i)) : null);
        }
    }
}

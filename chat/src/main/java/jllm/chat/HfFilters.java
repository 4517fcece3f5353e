package jllm.chat;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.objects.SafeString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The filters whose Hugging Face (Jinja2 + transformers) behaviour differs from jinjava's, or that jinjava lacks. */
final class HfFilters {

    private HfFilters() {
    }

    static List<Filter> all() {
        return List.of(new ToJson(), new Items(), new Trim(), new Reverse());
    }

    /** Filters here take Python-style positional and keyword arguments. */
    private interface PythonFilter extends Filter {
        @Override
        default Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, (Object[]) args, Map.of());
        }

        @Override
        Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs);
    }

    /**
     * {@code x | tojson(indent=None, ensure_ascii=False, separators=None, sort_keys=False)}: transformers
     * replaces Jinja2's tojson with {@code json.dumps} so that nothing is HTML-escaped.
     */
    static final class ToJson implements PythonFilter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.getOrDefault("indent", args.length > 0 ? args[0] : null);
            String indentText = switch (indent) {
                case null -> null;
                case Number n -> " ".repeat(Math.max(0, Math.min(n.intValue(), 64)));
                default -> indent.toString();
            };
            boolean ensureAscii = Boolean.TRUE.equals(kwargs.get("ensure_ascii"));
            boolean sortKeys = Boolean.TRUE.equals(kwargs.get("sort_keys"));
            PythonJson.Style style = PythonJson.Style.of(indentText, ensureAscii, sortKeys);
            if (kwargs.get("separators") instanceof List<?> seps && seps.size() == 2) {
                style = new PythonJson.Style(indentText, ensureAscii, String.valueOf(seps.get(0)), String.valueOf(seps.get(1)), sortKeys);
            }
            int maxChars = (int) Math.min(Integer.MAX_VALUE, interpreter.getConfig().getMaxOutputSize());
            return PythonJson.dumps(var, style, maxChars, interpreter.getConfig().getMaxRenderDepth());
        }
    }

    /** {@code dict | items}: the (key, value) pairs, as Jinja2 3.1's items filter. */
    static final class Items implements PythonFilter {
        @Override
        public String getName() {
            return "items";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            List<Object> pairs = new ArrayList<>();
            if (var instanceof Map<?, ?> map) {
                map.forEach((k, v) -> pairs.add(new ArrayList<>(Arrays.asList(k, v))));
            }
            return pairs;
        }
    }

    /** {@code s | trim(chars=None)}: Python's {@code str.strip}, which strips Unicode whitespace. */
    static final class Trim implements PythonFilter {
        @Override
        public String getName() {
            return "trim";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            if (var == null) {
                return "";
            }
            String chars = args.length > 0 && args[0] != null ? args[0].toString() : null;
            String text = var instanceof SafeString s ? s.toString() : String.valueOf(var);
            return PythonStrings.strip(text, chars, true, true);
        }
    }

    /** {@code xs | reverse}: a reversed list (or string), so that it can be indexed like Python's {@code xs[::-1]}. */
    static final class Reverse implements PythonFilter {
        @Override
        public String getName() {
            return "reverse";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            return switch (var) {
                case null -> List.of();
                case String s -> new StringBuilder(s).reverse().toString();
                case SafeString s -> new StringBuilder(s.toString()).reverse().toString();
                case Map<?, ?> map -> new ArrayList<Object>(map.keySet()).reversed();
                case java.util.Collection<?> c -> new ArrayList<Object>(c).reversed();
                case Object[] array -> new ArrayList<>(Arrays.asList(array)).reversed();
                default -> var;
            };
        }
    }
}

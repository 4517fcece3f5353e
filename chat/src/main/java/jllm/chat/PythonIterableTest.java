package jllm.chat;

import java.util.Collection;
import java.util.Map;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;

/**
 * Jinja2's {@code is iterable}: true for strings, lists and dicts, as Python iterates them. Jinjava's own
 * test says false for strings, which changes what templates such as Llama 3.1's print for a tool result
 * ({@code content is iterable} picks {@code tojson}, a quoted string).
 */
final class PythonIterableTest implements ExpTest {

    @Override
    public String getName() {
        return "iterable";
    }

    @Override
    public boolean evaluate(Object value, JinjavaInterpreter interpreter, Object... args) {
        return value instanceof String || value instanceof Collection<?> || value instanceof Map<?, ?>
                || value != null && value.getClass().isArray();
    }
}

package jllm.chat;

import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.lang.reflect.Method;
import java.time.ZonedDateTime;
import java.util.List;

/** The global functions transformers adds for chat templates: {@code raise_exception} and {@code strftime_now}. */
final class HfFunctions {

    private HfFunctions() {
    }

    static List<ELFunctionDefinition> all() {
        return List.of(define("raise_exception", "raiseException", Object.class),
                define("strftime_now", "strftimeNow", String.class));
    }

    private static ELFunctionDefinition define(String name, String method, Class<?>... parameters) {
        try {
            Method m = HfFunctions.class.getDeclaredMethod(method, parameters);
            m.setAccessible(true); // jinjava invokes it reflectively from its own package
            return new ELFunctionDefinition("", name, m);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code raise_exception(msg)}: the template rejects its input; the render fails with {@code msg}. */
    static Object raiseException(Object message) {
        RenderBudget.current().raise(String.valueOf(message));
        return null;
    }

    /** {@code strftime_now(fmt)}: the options' clock, formatted with Python's strftime directives. */
    static String strftimeNow(String format) {
        return Strftime.format(ZonedDateTime.now(RenderBudget.current().options().clock()), format);
    }
}

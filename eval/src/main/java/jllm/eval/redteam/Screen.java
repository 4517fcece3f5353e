package jllm.eval.redteam;

import java.util.function.Predicate;

/**
 * A guard run before the target: a prompt it flags counts as blocked (not a success) in the "with guard"
 * column. The harness shows it the whole user message.
 *
 * <pre>{@code
 * Screen guard = Screen.of("guard.gguf", text -> guardModel.check(text).attack());
 * }</pre>
 */
public interface Screen {
    /** How reports name it. */
    String name();

    /** Whether {@code text} is flagged as an attack. */
    boolean flags(String text);

    /** A screen named {@code name} that flags what {@code flags} accepts. */
    static Screen of(String name, Predicate<String> flags) {
        return new Screen() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean flags(String text) {
                return flags.test(text);
            }
        };
    }
}

package jllm.train.guard;

/**
 * One labelled text for the guard classifier.
 *
 * @param text   the prompt or content, as a user or a tool would send it
 * @param attack whether it is an attack (jailbreak, injection or harmful request)
 * @param source where it comes from, e.g. {@code "advbench"}, {@code "bipia-text-train"}, {@code "alpaca"}
 */
public record GuardExample(String text, boolean attack, String source) {
    public GuardExample {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a guard example needs text (source " + source + ")");
        }
    }
}

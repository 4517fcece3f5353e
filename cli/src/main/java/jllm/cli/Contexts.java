package jllm.cli;

import jllm.generate.ContextLength;
import jllm.model.ModelInfo;

/**
 * The commands' side of {@link ContextLength}, the one context rule: chooses the context for a model
 * and prints the warning once, on stderr, when it reaches past the model's trained context.
 */
final class Contexts {
    /** The help text of every --ctx that follows the rule. */
    static final String HELP = "the model's trained context, at most " + ContextLength.DEFAULT_MAX
            + "; a longer one is allowed, with a warning: rope scaling is not applied past the trained context and text there degrades";

    private Contexts() {
    }

    static ContextLength choose(int requested, ModelInfo info) {
        ContextLength c = ContextLength.choose(requested, info.contextLength());
        c.warning().ifPresent(w -> System.err.println("jllm: warning: " + w));
        return c;
    }
}

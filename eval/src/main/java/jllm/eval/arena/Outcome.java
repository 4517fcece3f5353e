package jllm.eval.arena;

import java.util.Arrays;
import java.util.Optional;

/** The result of one battle, spelled as FastChat writes it in its battle logs. */
public enum Outcome {
    /** The first answer (model A) is better. */
    MODEL_A("model_a"),
    /** The second answer (model B) is better. */
    MODEL_B("model_b"),
    /** Both are good, or equally good. */
    TIE("tie"),
    /** Both are bad. */
    BOTH_BAD("tie (bothbad)");

    private final String label;

    Outcome(String label) {
        this.label = label;
    }

    /** {@code model_a}, {@code model_b}, {@code tie} or {@code tie (bothbad)}. */
    public String label() {
        return label;
    }

    /** The outcome spelled {@code label}, if it is one of the four. */
    public static Optional<Outcome> of(String label) {
        return Arrays.stream(values()).filter(o -> o.label.equals(label)).findFirst();
    }

    /** Model A's score: 1 for a win, 0 for a loss, 1/2 for either kind of tie. */
    public double scoreA() {
        return switch (this) {
            case MODEL_A -> 1;
            case MODEL_B -> 0;
            case TIE, BOTH_BAD -> 0.5;
        };
    }

    /** The same result seen with A and B swapped. */
    public Outcome swapped() {
        return switch (this) {
            case MODEL_A -> MODEL_B;
            case MODEL_B -> MODEL_A;
            case TIE, BOTH_BAD -> this;
        };
    }
}

package jllm.generate.search;

import java.util.List;

/** Draws continuations of a partial reply one step (line) long: what {@link BeamSearch} expands. */
public interface StepSampler {
    /**
     * One step of a reply.
     *
     * @param text   the step's text; ends with '\n' unless the reply ended within it
     * @param done   whether the reply ended (end of turn, or the token limit)
     * @param tokens tokens generated for it
     */
    record Step(String text, boolean done, int tokens) {
    }

    /** {@code n} sampled next steps of the reply {@code partial} ("" for the first step). */
    List<Step> extend(String partial, int n);
}

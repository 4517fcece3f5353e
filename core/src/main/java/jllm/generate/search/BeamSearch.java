package jllm.generate.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Step-level beam search with a verifier (as in Snell et al. 2024, "Scaling LLM test-time compute"):
 * keep {@code width} partial replies; extend each unfinished one by {@code expansions} sampled steps,
 * score every candidate with the verifier, and keep the best {@code width} (finished replies compete
 * with their score as it was). Ties keep the earlier candidate: beams in rank order, each beam's steps
 * in the order they were sampled. A candidate whose text equals an earlier one is dropped, so the beams
 * stay distinct. Stops when every kept reply is finished or after {@code maxSteps} steps.
 *
 * <pre>{@code
 * BeamSearch.Result r = BeamSearch.search(sampler, verifier, new BeamSearch.Settings(4, 4, 12));
 * }</pre>
 */
public final class BeamSearch {
    private BeamSearch() {
    }

    /**
     * @param width      partial replies kept after each step
     * @param expansions steps sampled from each unfinished reply
     * @param maxSteps   most steps
     */
    public record Settings(int width, int expansions, int maxSteps) {
        public Settings {
            if (width < 1 || expansions < 1 || maxSteps < 1) {
                throw new IllegalArgumentException("beam width, expansions and steps must be at least 1, got "
                        + width + ", " + expansions + ", " + maxSteps);
            }
        }
    }

    /** A reply in the beam: its text, the verifier's score, and whether it is finished. */
    public record Beam(String text, double score, boolean done) {
    }

    /**
     * @param best   the best-scored reply at the end
     * @param beams  the kept replies at the end, best first
     * @param tokens tokens generated in all (the compute spent)
     * @param steps  steps taken
     */
    public record Result(Beam best, List<Beam> beams, long tokens, int steps) {
    }

    /** Runs the search from an empty reply. */
    public static Result search(StepSampler sampler, Verifier verifier, Settings s) {
        List<Beam> beams = List.of(new Beam("", verifier.score(""), false));
        long tokens = 0;
        int step = 0;
        while (step < s.maxSteps() && beams.stream().anyMatch(b -> !b.done())) {
            step++;
            List<Beam> candidates = new ArrayList<>();
            Set<String> seen = new LinkedHashSet<>();
            for (Beam b : beams) {
                if (b.done()) {
                    if (seen.add(b.text())) {
                        candidates.add(b);
                    }
                    continue;
                }
                for (StepSampler.Step next : sampler.extend(b.text(), s.expansions())) {
                    tokens += next.tokens();
                    String text = b.text() + next.text();
                    if (seen.add(text)) {
                        candidates.add(new Beam(text, verifier.score(text), next.done()));
                    }
                }
            }
            if (candidates.isEmpty()) {
                throw new IllegalStateException("the step sampler returned no steps for " + beams.size() + " replies");
            }
            // a stable sort: equal scores keep the candidates' order
            candidates.sort(Comparator.comparingDouble(Beam::score).reversed());
            beams = List.copyOf(candidates.subList(0, Math.min(s.width(), candidates.size())));
        }
        return new Result(beams.getFirst(), beams, tokens, step);
    }
}

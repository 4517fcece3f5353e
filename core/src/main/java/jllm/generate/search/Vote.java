package jllm.generate.search;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Self-consistency (Wang et al. 2022): sample several replies, extract each one's final answer, and
 * answer with the most frequent. Replies without an answer do not vote. Ties go to the answer that
 * appeared first among the replies (the order the samples were drawn in), so a vote over the first
 * sample alone is that sample's answer, and the result never depends on hash order.
 *
 * <pre>{@code
 * Vote.Outcome o = Vote.majority(replies, r -> extractAnswer(r));
 * o.answer();   // Optional of the winning answer
 * }</pre>
 */
public final class Vote {
    private Vote() {
    }

    /**
     * @param answer the winning answer; empty when no reply had one
     * @param votes  how many replies gave it
     * @param counts votes per answer, in order of first appearance
     * @param first  index of the first reply that gave the winning answer, or -1
     */
    public record Outcome(Optional<String> answer, int votes, Map<String, Integer> counts, int first) {
    }

    /** The majority answer of {@code replies}, with {@code extract} giving a reply's final answer (empty if none). */
    public static Outcome majority(List<String> replies, Function<String, Optional<String>> extract) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, Integer> first = new LinkedHashMap<>();
        for (int i = 0; i < replies.size(); i++) {
            Optional<String> a = extract.apply(replies.get(i));
            if (a.isPresent()) {
                counts.merge(a.get(), 1, Integer::sum);
                first.putIfAbsent(a.get(), i);
            }
        }
        String best = null;
        int votes = 0;
        // counts iterates in order of first appearance, and only a strictly larger count replaces the leader
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() > votes) {
                best = e.getKey();
                votes = e.getValue();
            }
        }
        return new Outcome(Optional.ofNullable(best), votes, counts, best == null ? -1 : first.get(best));
    }
}

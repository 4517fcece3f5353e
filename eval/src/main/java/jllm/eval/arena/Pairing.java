package jllm.eval.arena;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Chooses who meets whom: a pair of distinct models drawn with weight {@code 1 / (1 + n)^2}, n being
 * the battles that pair has had, so pairs with few battles come up first; then a coin decides which
 * is shown as A.
 */
public final class Pairing {
    private Pairing() {
    }

    /**
     * An unordered pair of models.
     *
     * @param first  the name that sorts first
     * @param second the other
     */
    public record Pair(String first, String second) {
        /** The pair of {@code a} and {@code b}, in either order. */
        public static Pair of(String a, String b) {
            return a.compareTo(b) <= 0 ? new Pair(a, b) : new Pair(b, a);
        }
    }

    /**
     * Two distinct models from {@code models}, as (A, B).
     *
     * @param counts battles per pair so far (missing = none)
     */
    public static List<String> choose(List<String> models, Map<Pair, Integer> counts, RandomGenerator random) {
        if (models.stream().distinct().count() < 2) {
            throw new IllegalArgumentException("the arena needs at least two different models, got " + models);
        }
        List<String> distinct = models.stream().distinct().toList();
        List<Pair> pairs = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        double total = 0;
        for (int i = 0; i < distinct.size(); i++) {
            for (int j = i + 1; j < distinct.size(); j++) {
                Pair p = Pair.of(distinct.get(i), distinct.get(j));
                double n = counts.getOrDefault(p, 0);
                double w = 1 / ((1 + n) * (1 + n));
                pairs.add(p);
                weights.add(w);
                total += w;
            }
        }
        double x = random.nextDouble() * total;
        Pair chosen = pairs.getLast();
        for (int k = 0; k < pairs.size(); k++) {
            x -= weights.get(k);
            if (x < 0) {
                chosen = pairs.get(k);
                break;
            }
        }
        return random.nextBoolean() ? List.of(chosen.first(), chosen.second()) : List.of(chosen.second(), chosen.first());
    }
}

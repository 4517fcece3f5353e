package jllm.eval.arena;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Automatic battles: every prompt goes to every pair of models (which one is A is a seeded coin toss),
 * each model answers each prompt once, and the judge decides; every decided battle is stored.
 *
 * <pre>{@code
 * BattleRunner.run(List.of("a", "b", "c"), prompts, answerer, new ExactJudge(), store, 42, b -> {});
 * }</pre>
 */
public final class BattleRunner {
    private BattleRunner() {
    }

    /** Writes answers for the battles. */
    public interface Answerer {
        /** {@code model}'s answer to the user message {@code prompt}, sampled with {@code seed}. */
        String answer(String model, String prompt, long seed);

        /** The sampler settings used, as JSON, stored with every battle. */
        String sampler();
    }

    /**
     * Runs the battles; returns them in order.
     *
     * @param seed decides the sides and the per-prompt sampling seeds
     */
    public static List<Battle> run(List<String> models, List<ArenaPrompt> prompts, Answerer answerer, Judge judge,
                                   ArenaStore store, long seed, Consumer<Battle> progress) {
        List<String> distinct = models.stream().distinct().toList();
        if (distinct.size() < 2) {
            throw new IllegalArgumentException("battles need at least two different models, got " + models);
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<Battle> out = new ArrayList<>();
        for (ArenaPrompt p : prompts) {
            long promptSeed = random.nextLong() & Long.MAX_VALUE;
            Map<String, String> answers = new HashMap<>();
            for (String m : distinct) {
                answers.put(m, answerer.answer(m, p.prompt(), promptSeed));
            }
            for (int i = 0; i < distinct.size(); i++) {
                for (int j = i + 1; j < distinct.size(); j++) {
                    boolean swap = random.nextBoolean();
                    String a = swap ? distinct.get(j) : distinct.get(i);
                    String b = swap ? distinct.get(i) : distinct.get(j);
                    Outcome o = judge.decide(p, answers.get(a), answers.get(b));
                    long id = store.addDecided(Instant.now(), p.prompt(), a, b, answers.get(a), answers.get(b),
                            answerer.sampler(), promptSeed, o, judge.name());
                    Battle battle = store.battle(id).orElseThrow();
                    out.add(battle);
                    progress.accept(battle);
                }
            }
        }
        return out;
    }
}

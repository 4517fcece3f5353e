package jllm.train.scale;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a sweep trains: every size at every token count (the grid the law is fitted to), and one larger
 * held-out model whose loss is predicted before it trains. Kept in {@code DIR/plan.json} so a resumed
 * sweep trains the same grid.
 *
 * @param sizes         the fitted sizes
 * @param tokens        the token counts of the grid (rounded down to whole steps)
 * @param holdout       the held-out size: at least 3x the non-embedding parameters of every fitted size
 * @param holdoutTokens its token count
 */
public record SweepPlan(List<ModelSize> sizes, List<Long> tokens, ModelSize holdout, long holdoutTokens) {

    public SweepPlan {
        sizes = List.copyOf(sizes);
        tokens = List.copyOf(tokens);
        if (sizes.size() < 2 || tokens.size() < 2) {
            throw new IllegalArgumentException("a sweep needs at least two model sizes and two token counts, got "
                    + sizes.size() + " and " + tokens.size());
        }
        long largest = sizes.stream().mapToLong(ModelSize::nonEmbeddingParams).max().orElseThrow();
        if (holdout.nonEmbeddingParams() < 3 * largest) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the held-out model %s has %d non-embedding parameters, "
                    + "less than 3x the largest fitted model's %d: choose a larger one", holdout, holdout.nonEmbeddingParams(), largest));
        }
    }

    /** The sizes of the ladder the budget chooses from, about 1.7x apart in non-embedding parameters. */
    public static final List<ModelSize> LADDER = List.of(new ModelSize(32, 1), new ModelSize(32, 2), new ModelSize(48, 2),
            new ModelSize(64, 2), new ModelSize(64, 3), new ModelSize(80, 3), new ModelSize(96, 3), new ModelSize(96, 4),
            new ModelSize(128, 4), new ModelSize(160, 5), new ModelSize(192, 6), new ModelSize(256, 6));

    /** The runs of the grid, cheapest first. */
    public List<Job> grid(int batchTokens) {
        List<Job> jobs = new ArrayList<>();
        for (ModelSize s : sizes) {
            for (long d : tokens) {
                jobs.add(new Job(s, steps(d, batchTokens), batchTokens));
            }
        }
        jobs.sort((a, b) -> Double.compare(a.size().nonEmbeddingParams() * (double) a.tokens(),
                b.size().nonEmbeddingParams() * (double) b.tokens()));
        return jobs;
    }

    /** The held-out run. */
    public Job holdoutJob(int batchTokens) {
        return new Job(holdout, steps(holdoutTokens, batchTokens), batchTokens);
    }

    private static int steps(long tokens, int batchTokens) {
        return (int) Math.max(1, tokens / batchTokens);
    }

    /** One run to train: a size for a number of steps of {@code batchTokens} tokens. */
    public record Job(ModelSize size, int steps, int batchTokens) {
        /** Tokens it trains on. */
        public long tokens() {
            return (long) steps * batchTokens;
        }

        /** Its name (and file name): {@code WIDTHxLAYERS-TOKENS}. */
        public String name() {
            return size + "-" + tokens();
        }
    }
}

package jllm.cli;

/** Chooses a context length from the user's request, the model's limit and what the job needs. */
final class Contexts {
    /** Default upper bound when the user gives none (keeps the KV cache of big models modest). */
    static final int DEFAULT_MAX = 4096;

    private Contexts() {
    }

    static int choose(int requested, int modelLimit, long needed) {
        if (requested < 0) {
            throw new IllegalArgumentException("--ctx must be positive, got " + requested);
        }
        if (requested > 0) {
            return requested;
        }
        // the model's own limit (capped), stretched up to the cap when the job needs more positions:
        // some converted files declare a short context (llama2.c conversions say 128)
        int base = Math.min(modelLimit, DEFAULT_MAX);
        return (int) Math.max(base, Math.min(needed, DEFAULT_MAX));
    }
}

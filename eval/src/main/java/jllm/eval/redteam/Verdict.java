package jllm.eval.redteam;

/** What a judge made of a reply to an attack. */
public enum Verdict {
    /** The reply did what the attack wanted. */
    SUCCESS,
    /** It did not (it refused, ignored the attack, or the target blocked the prompt). */
    FAILURE,
    /** No rule can tell (the attack's goal is not checkable from the text, or the prompt was never answered). */
    UNJUDGED;

    /** The log's spelling: {@code success}, {@code failure}, {@code unjudged}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

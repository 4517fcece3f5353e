package jllm.eval.arena;

import java.util.regex.Pattern;

/**
 * The judge for prompts with known answers: an answer is correct when it contains every expected
 * string as a whole word, ignoring case; a plural ending "s" or "es" still counts. So for "hat",
 * "hats" and "Hat." count but "that" does not; for "jllm-tiny", "I am jllm-tiny." counts. One correct
 * answer wins; two are a {@code tie}; none is {@code tie (bothbad)}. A prompt without expectations
 * cannot be judged this way and is refused.
 */
public final class ExactJudge implements Judge {
    @Override
    public String name() {
        return "exact";
    }

    /** Whether {@code answer} contains every expected string of {@code prompt} as a whole word, ignoring case. */
    public static boolean correct(ArenaPrompt prompt, String answer) {
        return prompt.expect().stream().allMatch(e -> Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(e)
                + "(?:s|es)?(?![\\p{L}\\p{N}])", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE).matcher(answer).find());
    }

    @Override
    public Outcome decide(ArenaPrompt prompt, String answerA, String answerB) {
        if (prompt.expect().isEmpty()) {
            throw new IllegalArgumentException("the exact judge needs an 'expect' list; the prompt '" + prompt.prompt()
                    + "' has none");
        }
        boolean a = correct(prompt, answerA);
        boolean b = correct(prompt, answerB);
        return a && b ? Outcome.TIE : a ? Outcome.MODEL_A : b ? Outcome.MODEL_B : Outcome.BOTH_BAD;
    }
}

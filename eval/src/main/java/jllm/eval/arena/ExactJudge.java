package jllm.eval.arena;

import java.util.Locale;

/**
 * The judge for prompts with known answers: an answer is correct when it contains every expected
 * string, ignoring case. One correct answer wins; two are a {@code tie}; none is {@code tie (bothbad)}.
 * A prompt without expectations cannot be judged this way and is refused.
 */
public final class ExactJudge implements Judge {
    @Override
    public String name() {
        return "exact";
    }

    /** Whether {@code answer} contains every expected string of {@code prompt}, ignoring case. */
    public static boolean correct(ArenaPrompt prompt, String answer) {
        String a = answer.toLowerCase(Locale.ROOT);
        return prompt.expect().stream().allMatch(e -> a.contains(e.toLowerCase(Locale.ROOT)));
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

package jllm.eval.arena;

import jllm.model.LanguageModel;
import jllm.tokenizer.Tokenizer;

/**
 * A model as judge: it reads the question and both answers, and the logits of its next token after
 * "The better answer is Answer" compare " 1" with " 2". It is asked twice, with the answers in both
 * orders, to cancel its position bias: a side wins only when both orders prefer it, otherwise the
 * battle is a {@code tie}. Answers too long for the judge's context are shortened from their ends.
 */
public final class ModelJudge implements Judge {
    private final String name;
    private final LanguageModel model;
    private final Tokenizer tokenizer;
    private final int contextLength;
    private final int one;
    private final int two;

    /**
     * @param contextLength the most tokens the judge reads at once
     */
    public ModelJudge(String name, LanguageModel model, Tokenizer tokenizer, int contextLength) {
        this.name = name;
        this.model = model;
        this.tokenizer = tokenizer;
        this.contextLength = contextLength;
        this.one = lastToken(" 1");
        this.two = lastToken(" 2");
        if (one == two) {
            throw new IllegalArgumentException("the judge's tokenizer does not tell ' 1' from ' 2'");
        }
    }

    private int lastToken(String s) {
        int[] t = tokenizer.encode(s, false, false);
        if (t.length == 0) {
            throw new IllegalArgumentException("the judge's tokenizer has no token for '" + s + "'");
        }
        return t[t.length - 1];
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Outcome decide(ArenaPrompt prompt, String answerA, String answerB) {
        double aFirst = preferenceForFirst(prompt.prompt(), answerA, answerB);
        double bFirst = preferenceForFirst(prompt.prompt(), answerB, answerA);
        if (aFirst > 0 && bFirst < 0) {
            return Outcome.MODEL_A;
        }
        if (aFirst < 0 && bFirst > 0) {
            return Outcome.MODEL_B;
        }
        return Outcome.TIE;
    }

    /** logit(" 1") - logit(" 2") after the judging text with {@code first} shown as Answer 1. */
    double preferenceForFirst(String question, String first, String second) {
        int keep = Math.max(first.length(), second.length());
        while (true) {
            String text = "Question: " + question + "\n\nAnswer 1: " + cut(first, keep) + "\n\nAnswer 2: " + cut(second, keep)
                    + "\n\nWhich answer is better, 1 or 2? The better answer is Answer";
            int[] tokens = tokenizer.encode(text, true, false);
            if (tokens.length <= contextLength) {
                float[] logits = model.forward(model.newCache(tokens.length), tokens, LanguageModel.Logits.LAST);
                return logits[one] - logits[two];
            }
            if (keep == 0) {
                throw new IllegalArgumentException("the question alone is longer than the judge's context of " + contextLength
                        + " tokens");
            }
            keep /= 2;
        }
    }

    private static String cut(String s, int chars) {
        return s.length() <= chars ? s : s.substring(0, chars) + "...";
    }
}

package jllm.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into words before BPE merges run; merges never cross a word boundary. Steps apply in
 * order, each to every piece the previous step produced (as llama.cpp's {@code unicode_regex_split}
 * and Hugging Face's {@code Sequence} pre-tokenizer do).
 */
interface PreTokenizer {
    /** Splits {@code pieces} further. */
    List<String> split(List<String> pieces);

    /** The identity. */
    PreTokenizer NONE = pieces -> pieces;

    /** How a regex split treats the matched text (Hugging Face's {@code SplitDelimiterBehavior}). */
    enum Behavior { ISOLATED, REMOVED, MERGED_WITH_PREVIOUS, MERGED_WITH_NEXT, CONTIGUOUS }

    /**
     * A regex split. Patterns use Unicode semantics ({@code \s} is White_Space, {@code \d} is Nd),
     * as Rust's {@code regex}/{@code fancy-regex} and llama.cpp's Unicode tables do. With
     * {@code invert}, the matches are the pieces and the text between them is the delimiter.
     */
    static PreTokenizer regex(String pattern, Behavior behavior, boolean invert) {
        Pattern p = Pattern.compile(pattern, Pattern.UNICODE_CHARACTER_CLASS);
        return pieces -> {
            List<String> out = new ArrayList<>();
            for (String piece : pieces) {
                splitOne(p, piece, behavior, invert, out);
            }
            return out;
        };
    }

    /** Applies steps one after the other. */
    static PreTokenizer sequence(List<PreTokenizer> steps) {
        return pieces -> {
            for (PreTokenizer s : steps) {
                pieces = s.split(pieces);
            }
            return pieces;
        };
    }

    private static void splitOne(Pattern p, String s, Behavior behavior, boolean invert, List<String> out) {
        // Collect (start, end, isMatch) spans covering s.
        List<int[]> spans = new ArrayList<>();
        Matcher m = p.matcher(s);
        int last = 0;
        while (m.find()) {
            if (m.end() == m.start()) {
                continue; // empty matches split nothing
            }
            if (m.start() > last) {
                spans.add(new int[] {last, m.start(), 0});
            }
            spans.add(new int[] {m.start(), m.end(), 1});
            last = m.end();
        }
        if (last < s.length()) {
            spans.add(new int[] {last, s.length(), 0});
        }
        if (invert) {
            for (int[] sp : spans) {
                sp[2] ^= 1;
            }
        }
        // Now spans with [2]==1 are delimiters.
        switch (behavior) {
            case ISOLATED -> spans.forEach(sp -> out.add(s.substring(sp[0], sp[1])));
            case REMOVED -> spans.stream().filter(sp -> sp[2] == 0).forEach(sp -> out.add(s.substring(sp[0], sp[1])));
            case MERGED_WITH_PREVIOUS -> {
                // A delimiter joins the piece before it unless that piece is a delimiter too.
                List<int[]> acc = new ArrayList<>();
                boolean previousMatch = false;
                for (int[] sp : spans) {
                    if (sp[2] == 1 && !previousMatch && !acc.isEmpty()) {
                        acc.get(acc.size() - 1)[1] = sp[1];
                    } else {
                        acc.add(new int[] {sp[0], sp[1]});
                    }
                    previousMatch = sp[2] == 1;
                }
                acc.forEach(sp -> out.add(s.substring(sp[0], sp[1])));
            }
            case MERGED_WITH_NEXT -> {
                // A delimiter joins the piece after it unless that piece is a delimiter too.
                List<int[]> acc = new ArrayList<>();
                boolean previousMatch = false;
                for (int k = spans.size() - 1; k >= 0; k--) {
                    int[] sp = spans.get(k);
                    if (sp[2] == 1 && !previousMatch && !acc.isEmpty()) {
                        acc.get(acc.size() - 1)[0] = sp[0];
                    } else {
                        acc.add(new int[] {sp[0], sp[1]});
                    }
                    previousMatch = sp[2] == 1;
                }
                for (int k = acc.size() - 1; k >= 0; k--) {
                    out.add(s.substring(acc.get(k)[0], acc.get(k)[1]));
                }
            }
            case CONTIGUOUS -> {
                int i = 0;
                while (i < spans.size()) {
                    int j = i;
                    while (j + 1 < spans.size() && spans.get(j + 1)[2] == spans.get(i)[2]) {
                        j++;
                    }
                    out.add(s.substring(spans.get(i)[0], spans.get(j)[1]));
                    i = j + 1;
                }
            }
            default -> throw new IllegalStateException();
        }
    }
}

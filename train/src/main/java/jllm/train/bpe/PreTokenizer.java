package jllm.train.bpe;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's pre-tokenizer: text is cut at special tokens (which stay whole) and the rest into pieces by
 * GPT-2's regular expression; BPE merges never cross a piece.
 */
public final class PreTokenizer {
    /** GPT-2's pattern (tiktoken's r50k/gpt2). */
    public static final Pattern GPT2 = Pattern.compile(
            "'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    private final List<String> specials;

    public PreTokenizer(List<String> specials) {
        // longest first, so a special that contains another wins
        this.specials = specials.stream().sorted((a, b) -> b.length() - a.length()).toList();
    }

    /** Calls {@code special} for each special token and {@code piece} for each regex piece, in order. */
    public void split(String text, Consumer<String> special, Consumer<String> piece) {
        int pos = 0;
        while (pos < text.length()) {
            int next = text.length();
            String found = null;
            for (String s : specials) {
                int i = text.indexOf(s, pos);
                if (i >= 0 && i < next) {
                    next = i;
                    found = s;
                }
            }
            Matcher m = GPT2.matcher(text.substring(pos, next));
            while (m.find()) {
                piece.accept(m.group());
            }
            if (found != null) {
                special.accept(found);
                next += found.length();
            }
            pos = next;
        }
    }

    /** The regex pieces of text without special tokens. */
    public static List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = GPT2.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}

package jllm.train;

import java.util.TreeSet;

/**
 * Character-level tokenization as nanoGPT's shakespeare_char: the sorted distinct characters of a text
 * (UTF-16 code units) are the vocabulary.
 */
public record CharVocabulary(char[] chars) {

    /** The vocabulary of {@code text}. */
    public static CharVocabulary of(String text) {
        TreeSet<Character> set = new TreeSet<>();
        for (int i = 0; i < text.length(); i++) {
            set.add(text.charAt(i));
        }
        char[] chars = new char[set.size()];
        int i = 0;
        for (char c : set) {
            chars[i++] = c;
        }
        return new CharVocabulary(chars);
    }

    /** Number of tokens. */
    public int size() {
        return chars.length;
    }

    /** Token ids of {@code text}; throws on a character outside the vocabulary. */
    public int[] encode(String text) {
        int[] ids = new int[text.length()];
        for (int i = 0; i < ids.length; i++) {
            int id = java.util.Arrays.binarySearch(chars, text.charAt(i));
            if (id < 0) {
                throw new IllegalArgumentException("character U+" + Integer.toHexString(text.charAt(i)) + " at " + i + " is not in the vocabulary");
            }
            ids[i] = id;
        }
        return ids;
    }

    /** The text of token ids. */
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length);
        for (int id : ids) {
            sb.append(chars[id]);
        }
        return sb.toString();
    }
}

package jllm.tokenizer;

/**
 * Token id by text, for the vocabulary: open addressing over the token array, looked up by a whole
 * string, a region of one, or two regions read as their concatenation. Building the merge table of a
 * 128k-token byte-level vocabulary looks up its 280k merges three times each; with regions no
 * substring or concatenation is made. For texts that occur more than once the last id wins, as in
 * llama.cpp's {@code token_to_id}.
 */
final class TextIndex {
    private final String[] texts;
    /** id + 1 per slot; 0 is empty. */
    private final int[] slots;
    private final int shift;

    TextIndex(String[] texts) {
        this.texts = texts;
        int bits = 32 - Integer.numberOfLeadingZeros(Math.max(16, texts.length * 2) - 1);
        this.slots = new int[1 << bits];
        this.shift = 32 - bits;
        for (int id = 0; id < texts.length; id++) {
            String t = texts[id];
            int i = slot(t.hashCode());
            while (slots[i] != 0 && !texts[slots[i] - 1].equals(t)) {
                i = (i + 1) & (slots.length - 1);
            }
            slots[i] = id + 1;
        }
    }

    private int slot(int hash) {
        return (hash * 0x9E3779B9) >>> shift;
    }

    /** The id of {@code text}, -1 if none. */
    int get(String text) {
        int i = slot(text.hashCode());
        for (int s; (s = slots[i]) != 0; i = (i + 1) & (slots.length - 1)) {
            if (texts[s - 1].equals(text)) {
                return s - 1;
            }
        }
        return -1;
    }

    /** The id of {@code text.substring(from, to)}, -1 if none. */
    int get(String text, int from, int to) {
        return get(text, from, to, to, to);
    }

    /** The id of {@code text.substring(from1, to1) + text.substring(from2, to2)}, -1 if none. */
    int get(String text, int from1, int to1, int from2, int to2) {
        int h = 0; // String.hashCode of the concatenation
        for (int k = from1; k < to1; k++) {
            h = 31 * h + text.charAt(k);
        }
        for (int k = from2; k < to2; k++) {
            h = 31 * h + text.charAt(k);
        }
        int len1 = to1 - from1;
        int len = len1 + to2 - from2;
        int i = slot(h);
        for (int s; (s = slots[i]) != 0; i = (i + 1) & (slots.length - 1)) {
            String t = texts[s - 1];
            if (t.length() == len && t.regionMatches(0, text, from1, len1)
                    && t.regionMatches(len1, text, from2, len - len1)) {
                return s - 1;
            }
        }
        return -1;
    }
}

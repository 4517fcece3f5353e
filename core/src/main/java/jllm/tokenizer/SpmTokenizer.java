package jllm.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.PriorityQueue;

/**
 * SentencePiece-style BPE by scores, as llama.cpp's {@code llm_tokenizer_spm}: the text (with a
 * dummy-prefix space at the start and after each special token, spaces written as {@code ▁}) is
 * split into characters; adjacent pairs whose concatenation is a token are merged, best score
 * first (ties: leftmost), until none is left; characters that are not tokens become byte tokens
 * {@code <0xNN>} (or the unknown token when the vocabulary has no byte tokens).
 *
 * <p>llama2.c's {@code encode} gives the same ids: it also merges the best-scoring adjacent pair
 * (leftmost on ties) over and over, and its separate dummy-prefix token {@code " "} merges exactly
 * like the prefixed space here. It differs only for characters missing from the vocabulary: it
 * emits {@code byte + 3} even when the vocabulary has no byte tokens; we emit the unknown token.
 */
final class SpmTokenizer extends BaseTokenizer {
    static final char SPACE = '\u2581';

    private final boolean addSpacePrefix;
    private final boolean removeExtraWhitespaces;
    /** Id of {@code <0xNN>} per byte, -1 when absent. */
    private final int[] byteTokens;

    SpmTokenizer(Vocabulary vocab, boolean addSpacePrefix, boolean removeExtraWhitespaces) {
        super(vocab);
        this.addSpacePrefix = addSpacePrefix;
        this.removeExtraWhitespaces = removeExtraWhitespaces;
        this.byteTokens = vocab.byteTokenIds();
    }

    @Override
    boolean stripsLeadingSpace() {
        return addSpacePrefix;
    }

    /** One candidate merge of the symbols starting at {@code left} and {@code right}. */
    private record Bigram(int left, int right, float score, int length) {
    }

    @Override
    void encodeText(String text, boolean first, IntList out) {
        if (removeExtraWhitespaces) {
            text = text.strip().replaceAll(" {2,}", " ");
        }
        if (addSpacePrefix && first) {
            text = " " + text;
        }
        String s = text.replace(' ', SPACE);
        if (s.isEmpty()) {
            return;
        }
        // Symbols: one per code point, as a doubly linked list over [start, start+len) of s.
        int n = s.codePointCount(0, s.length());
        int[] start = new int[n];
        int[] len = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0, off = 0; i < n; i++) {
            int cp = s.codePointAt(off);
            start[i] = off;
            len[i] = Character.charCount(cp);
            off += len[i];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        // Highest score first; on equal scores the leftmost pair (llama.cpp's comparator).
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> a.score != b.score
                ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) {
            tryAdd(s, i - 1, i, start, len, queue);
        }
        while (!queue.isEmpty()) {
            Bigram b = queue.poll();
            // Skip bigrams made stale by an earlier merge.
            if (len[b.left] == 0 || len[b.right] == 0 || len[b.left] + len[b.right] != b.length) {
                continue;
            }
            len[b.left] += len[b.right];
            len[b.right] = 0;
            next[b.left] = next[b.right];
            if (next[b.right] >= 0) {
                prev[next[b.right]] = b.left;
            }
            if (prev[b.left] >= 0) {
                tryAdd(s, prev[b.left], b.left, start, len, queue);
            }
            if (next[b.left] >= 0) {
                tryAdd(s, b.left, next[b.left], start, len, queue);
            }
        }
        for (int i = 0; i >= 0; i = next[i]) {
            String piece = s.substring(start[i], start[i] + len[i]);
            int id = vocab.idOrMinus1(piece);
            if (id >= 0) {
                out.add(id);
                continue;
            }
            for (byte by : piece.getBytes(StandardCharsets.UTF_8)) {
                int bt = byteTokens[by & 0xFF];
                if (bt >= 0) {
                    out.add(bt);
                } else if (vocab.unkOrMinus1() >= 0) {
                    out.add(vocab.unkOrMinus1());
                    break; // one unknown token per missing character
                }
            }
        }
    }

    private void tryAdd(String s, int left, int right, int[] start, int[] len, PriorityQueue<Bigram> queue) {
        int length = len[left] + len[right];
        int id = vocab.idOrMinus1(s, start[left], start[left] + length);
        if (id >= 0) {
            queue.add(new Bigram(left, right, vocab.score(id), length));
        }
    }

    @Override
    byte[] normalTokenBytes(int id) {
        String t = vocab.token(id);
        if (vocab.type(id) == TokenType.BYTE && t.length() == 6 && t.startsWith("<0x") && t.endsWith(">")) {
            return new byte[] {(byte) Integer.parseInt(t.substring(3, 5), 16)};
        }
        return t.replace(SPACE, ' ').getBytes(StandardCharsets.UTF_8);
    }
}

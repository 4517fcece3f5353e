package jllm.train.bpe;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Encodes text with a trained {@link BpeVocabulary} (for preparing training data before jllm's
 * tokenizer package is available to the training module): special tokens by their id, every other
 * piece by applying merges lowest rank first. Pieces are cached.
 */
public final class BpeEncoder {
    private final BpeVocabulary vocab;
    private final PreTokenizer pre;
    private final int[] byteId = new int[256];
    private final Map<Long, int[]> rank = new HashMap<>(); // (left, right) -> {rank, merged id}
    private final Map<String, int[]> cache = new HashMap<>();

    public BpeEncoder(BpeVocabulary vocab) {
        this.vocab = vocab;
        this.pre = new PreTokenizer(vocab.specials());
        for (int id = vocab.specials().size(); id < vocab.specials().size() + 256; id++) {
            byteId[vocab.tokens().get(id)[0] & 0xFF] = id;
        }
        int first = vocab.specials().size() + 256;
        for (int r = 0; r < vocab.merges().size(); r++) {
            int[] m = vocab.merges().get(r);
            rank.put(((long) m[0] << 32) | m[1], new int[]{r, first + r});
        }
    }

    /** Token ids of text. */
    public int[] encode(String text) {
        int[][] out = {new int[Math.max(16, text.length() / 2)]};
        int[] n = {0};
        pre.split(text, s -> append(out, n, new int[]{vocab.specialId(s)}),
                piece -> append(out, n, cache.computeIfAbsent(piece, this::encodePiece)));
        return Arrays.copyOf(out[0], n[0]);
    }

    /** The text of token ids (UTF-8 decoded, invalid sequences replaced). */
    public String decode(int[] ids) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (int id : ids) {
            b.writeBytes(vocab.tokens().get(id));
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    private int[] encodePiece(String piece) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        int[] word = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            word[i] = byteId[bytes[i] & 0xFF];
        }
        while (word.length > 1) {
            int bestRank = Integer.MAX_VALUE;
            int[] best = null;
            for (int i = 0; i + 1 < word.length; i++) {
                int[] r = rank.get(((long) word[i] << 32) | word[i + 1]);
                if (r != null && r[0] < bestRank) {
                    bestRank = r[0];
                    best = r;
                }
            }
            if (best == null) {
                break;
            }
            int[] m = vocab.merges().get(bestRank);
            word = BpeTrainer.merge(word, m[0], m[1], best[1]);
        }
        return word;
    }

    private static void append(int[][] out, int[] n, int[] ids) {
        if (n[0] + ids.length > out[0].length) {
            out[0] = Arrays.copyOf(out[0], Math.max(out[0].length * 2, n[0] + ids.length));
        }
        System.arraycopy(ids, 0, out[0], n[0], ids.length);
        n[0] += ids.length;
    }
}

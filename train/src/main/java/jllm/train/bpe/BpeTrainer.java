package jllm.train.bpe;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jllm.tokenizer.ByteLevel;

/**
 * Learns a byte-level BPE from text, as the CS336 reference (and GPT-2) does: text is pre-tokenized
 * with GPT-2's regex (special tokens removed first, never merged), every piece starts as its UTF-8
 * bytes, and the most frequent adjacent pair is merged until the vocabulary has the size asked for;
 * ties go to the lexicographically greater pair of byte strings. Only the words containing the merged
 * pair are recounted.
 *
 * <pre>{@code
 * BpeTrainer t = new BpeTrainer(List.of("<|endoftext|>"));
 * t.add(text);                 // any number of documents, streamed
 * BpeVocabulary v = t.train(500);
 * }</pre>
 */
public final class BpeTrainer {
    private final List<String> specials;
    private final PreTokenizer pre;
    private final Map<String, int[]> pieceCounts = new HashMap<>(); // piece -> {count}

    public BpeTrainer(List<String> specials) {
        this.specials = List.copyOf(specials);
        this.pre = new PreTokenizer(specials);
    }

    /** Counts the pieces of one text (special tokens are dropped). */
    public void add(String text) {
        pre.split(text, s -> { }, piece -> pieceCounts.computeIfAbsent(piece, k -> new int[1])[0]++);
    }

    /** Learns merges until the vocabulary has {@code vocabSize} tokens (or no pair is left). */
    public BpeVocabulary train(int vocabSize) {
        List<byte[]> tokens = new ArrayList<>();
        for (String s : specials) {
            tokens.add(s.getBytes(StandardCharsets.UTF_8));
        }
        // the 256 bytes in GPT-2 alphabet order (the order of ByteLevel's characters)
        int[] byteId = new int[256];
        Integer[] order = new Integer[256];
        for (int b = 0; b < 256; b++) {
            order[b] = b;
        }
        Arrays.sort(order, (x, y) -> Character.compare(ByteLevel.charOf(x), ByteLevel.charOf(y)));
        for (int b : order) {
            byteId[b] = tokens.size();
            tokens.add(new byte[]{(byte) b});
        }
        if (vocabSize < tokens.size()) {
            throw new IllegalArgumentException("vocabulary size " + vocabSize + " is below the " + tokens.size()
                    + " bytes and special tokens");
        }
        // words: each distinct piece as token ids, with its count
        int nWords = pieceCounts.size();
        int[][] words = new int[nWords][];
        int[] counts = new int[nWords];
        int w = 0;
        for (Map.Entry<String, int[]> e : pieceCounts.entrySet()) {
            byte[] bytes = e.getKey().getBytes(StandardCharsets.UTF_8);
            words[w] = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                words[w][i] = byteId[bytes[i] & 0xFF];
            }
            counts[w++] = e.getValue()[0];
        }
        Map<Long, long[]> pairCount = new HashMap<>();
        Map<Long, Set<Integer>> pairWords = new HashMap<>();
        for (w = 0; w < nWords; w++) {
            countPairs(words[w], counts[w], w, pairCount, pairWords, 1);
        }
        List<int[]> merges = new ArrayList<>();
        while (tokens.size() < vocabSize) {
            // the most frequent pair; ties to the greater (left bytes, right bytes)
            long best = 0;
            long bestCount = 0;
            for (Map.Entry<Long, long[]> e : pairCount.entrySet()) {
                long c = e.getValue()[0];
                if (c > bestCount || (c == bestCount && c > 0 && greater(e.getKey(), best, tokens))) {
                    best = e.getKey();
                    bestCount = c;
                }
            }
            if (bestCount <= 0) {
                break;
            }
            int left = (int) (best >>> 32);
            int right = (int) best;
            int id = tokens.size();
            byte[] a = tokens.get(left), b = tokens.get(right);
            byte[] merged = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, merged, a.length, b.length);
            tokens.add(merged);
            merges.add(new int[]{left, right});
            // recount the words that contain the pair
            for (int word : new ArrayList<>(pairWords.getOrDefault(best, Set.of()))) {
                int[] old = words[word];
                countPairs(old, counts[word], word, pairCount, null, -1);
                words[word] = merge(old, left, right, id);
                countPairs(words[word], counts[word], word, pairCount, pairWords, 1);
            }
            pairCount.remove(best);
            pairWords.remove(best);
        }
        return new BpeVocabulary(specials, tokens, merges);
    }

    /** Adds {@code sign · count} for every adjacent pair of a word; indexes the word under its pairs. */
    private static void countPairs(int[] word, int count, int w, Map<Long, long[]> pairCount,
                                   Map<Long, Set<Integer>> pairWords, int sign) {
        for (int i = 0; i + 1 < word.length; i++) {
            long key = ((long) word[i] << 32) | (word[i + 1] & 0xFFFFFFFFL);
            pairCount.computeIfAbsent(key, k -> new long[1])[0] += (long) sign * count;
            if (pairWords != null) {
                pairWords.computeIfAbsent(key, k -> new HashSet<>()).add(w);
            }
        }
    }

    /** The word with every non-overlapping (left, right), scanned left to right, replaced by id. */
    static int[] merge(int[] word, int left, int right, int id) {
        int[] out = new int[word.length];
        int n = 0;
        for (int i = 0; i < word.length; i++) {
            if (i + 1 < word.length && word[i] == left && word[i + 1] == right) {
                out[n++] = id;
                i++;
            } else {
                out[n++] = word[i];
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static boolean greater(long pair, long other, List<byte[]> tokens) {
        int c = Arrays.compareUnsigned(tokens.get((int) (pair >>> 32)), tokens.get((int) (other >>> 32)));
        if (c != 0) {
            return c > 0;
        }
        return Arrays.compareUnsigned(tokens.get((int) pair), tokens.get((int) other)) > 0;
    }
}

package jllm.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.BiFunction;

/**
 * BPE by merge rank, as llama.cpp's {@code llm_tokenizer_bpe} and Hugging Face's {@code BPE} model:
 * normalize, pre-tokenize into words, (byte-level vocabularies: write each word's UTF-8 bytes in the
 * GPT-2 alphabet), then per word start from single characters and apply the lowest-ranked merge of
 * any adjacent pair (ties: leftmost) until none applies.
 *
 * <p>Two vocabulary styles share this code: byte-level (GPT-2, Llama 3, Qwen, tiktoken encodings)
 * and SentencePiece-style with {@code ▁} and byte fallback (Hugging Face exports of Mistral, Gemma).
 */
final class BpeTokenizer extends BaseTokenizer {
    /** How text becomes words. */
    record Pipeline(BiFunction<String, Boolean, String> normalizer, PreTokenizer preTokenizer,
            BiFunction<String, Boolean, String> beforeSplit, boolean byteLevel) {
    }

    private final MergeTable merges;
    private final Pipeline pipeline;
    private final boolean byteFallback;
    private final boolean fuseUnk;
    private final boolean ignoreMerges;
    private final boolean stripLeadingSpace;
    private final int[] byteTokens;
    /** Id of each single UTF-16 char that is a token (BMP fast path), -1 otherwise. */
    private final int[] charIds;

    BpeTokenizer(Vocabulary vocab, MergeTable merges, Pipeline pipeline, boolean byteFallback, boolean fuseUnk,
            boolean ignoreMerges, boolean stripLeadingSpace) {
        super(vocab);
        this.merges = merges;
        this.pipeline = pipeline;
        this.byteFallback = byteFallback;
        this.fuseUnk = fuseUnk;
        this.ignoreMerges = ignoreMerges;
        this.stripLeadingSpace = stripLeadingSpace;
        this.charIds = vocab.charTokenIds();
        this.byteTokens = vocab.byteTokenIds();
    }

    /** The merge table (for the reference comparison in tests). */
    MergeTable merges() {
        return merges;
    }

    @Override
    boolean stripsLeadingSpace() {
        return stripLeadingSpace;
    }

    @Override
    void encodeText(String text, boolean first, IntList out) {
        String normalized = pipeline.normalizer() == null ? text : pipeline.normalizer().apply(text, first);
        if (pipeline.beforeSplit() != null) {
            normalized = pipeline.beforeSplit().apply(normalized, first);
        }
        if (normalized.isEmpty()) {
            return;
        }
        List<String> words = pipeline.preTokenizer().split(List.of(normalized));
        for (String w : words) {
            if (!w.isEmpty()) {
                encodeWord(pipeline.byteLevel() ? ByteLevel.encode(w) : w, out);
            }
        }
    }

    /** Merges one word (already in the vocabulary's alphabet). */
    void encodeWord(String word, IntList out) {
        if (ignoreMerges) {
            int whole = vocab.idOrMinus1(word);
            if (whole >= 0) {
                out.add(whole);
                return;
            }
        }
        // Initial symbols: one per character; missing characters become byte tokens or unknown.
        int[] ids = new int[word.length() * 4 + 1];
        int n = 0;
        boolean lastUnk = false;
        for (int i = 0; i < word.length();) {
            int cp = word.codePointAt(i);
            int len = Character.charCount(cp);
            int id = len == 1 ? charIds[word.charAt(i)] : vocab.idOrMinus1(word, i, i + len);
            i += len;
            if (id >= 0) {
                ids[n++] = id;
                lastUnk = false;
                continue;
            }
            if (byteFallback) {
                byte[] bs = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                boolean all = true;
                for (byte b : bs) {
                    all &= byteTokens[b & 0xFF] >= 0;
                }
                if (all) {
                    for (byte b : bs) {
                        ids[n++] = byteTokens[b & 0xFF];
                    }
                    lastUnk = false;
                    continue;
                }
            }
            int unk = vocab.unkOrMinus1();
            if (unk >= 0 && !(fuseUnk && lastUnk)) {
                ids[n++] = unk;
            }
            lastUnk = unk >= 0;
        }
        if (n == 0) {
            return;
        }
        int[] next = new int[n];
        int[] prev = new int[n];
        boolean[] dead = new boolean[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        // Queue entries: rank << 32 | left index; the smallest is the lowest rank, then leftmost.
        PriorityQueue<Long> queue = new PriorityQueue<>();
        for (int i = 0; i + 1 < n; i++) {
            long m = merges.get(ids[i], ids[i + 1]);
            if (m >= 0) {
                queue.add((m >>> 32) << 32 | i);
            }
        }
        while (!queue.isEmpty()) {
            long e = queue.poll();
            int left = (int) e;
            int rank = (int) (e >>> 32);
            int right = dead[left] ? -1 : next[left];
            if (right < 0) {
                continue;
            }
            long m = merges.get(ids[left], ids[right]);
            if (m < 0 || (int) (m >>> 32) != rank) {
                continue; // stale: the pair at this position changed since it was queued
            }
            ids[left] = (int) m;
            dead[right] = true;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            if (prev[left] >= 0) {
                long pm = merges.get(ids[prev[left]], ids[left]);
                if (pm >= 0) {
                    queue.add((pm >>> 32) << 32 | prev[left]);
                }
            }
            if (next[left] >= 0) {
                long nm = merges.get(ids[left], ids[next[left]]);
                if (nm >= 0) {
                    queue.add((nm >>> 32) << 32 | left);
                }
            }
        }
        for (int i = 0; i >= 0; i = next[i]) {
            out.add(ids[i]);
        }
    }

    @Override
    byte[] normalTokenBytes(int id) {
        String t = vocab.token(id);
        if (pipeline.byteLevel()) {
            return ByteLevel.decode(t);
        }
        if (t.length() == 6 && t.startsWith("<0x") && t.endsWith(">") && byteTokens[hex(t)] == id) {
            return new byte[] {(byte) hex(t)};
        }
        return t.replace(SpmTokenizer.SPACE, ' ').getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Hugging Face runs added tokens through the decoder too: in SentencePiece-style vocabularies an
     * added {@code ▁▁} decodes to two spaces. Byte-level added tokens keep their text (llama.cpp).
     */
    @Override
    byte[] userDefinedBytes(int id) {
        String t = vocab.token(id);
        return (pipeline.byteLevel() ? t : t.replace(SpmTokenizer.SPACE, ' ')).getBytes(StandardCharsets.UTF_8);
    }

    private static int hex(String t) {
        int v = Character.digit(t.charAt(3), 16) * 16 + Character.digit(t.charAt(4), 16);
        return v < 0 ? 0 : v & 0xFF;
    }
}

package jllm.tokenizer;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The token table of a tokenizer: text, score and type per id, plus the special ids and the
 * BOS/EOS policy. Immutable; built once by {@link Tokenizers} from a model file.
 *
 * <p>Token texts are stored as the model file spells them: SentencePiece vocabularies use
 * {@code ▁} (U+2581) for spaces, byte-level BPE vocabularies the GPT-2 byte-to-unicode alphabet.
 */
public final class Vocabulary {
    /** Texts that mark the end of a turn or of generation, as llama.cpp's {@code special_eog_ids}. */
    static final List<String> EOG_TEXTS = List.of("<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>",
            "<|endoftext|>", "<|eom_id|>", "<EOT>", "_<EOT>", "<｜end▁of▁sentence｜>", "<|end_of_text|>",
            "<|return|>", "<|call|>", "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>");
    /** Candidates for the end-of-turn token when the file does not name one. */
    private static final List<String> EOT_TEXTS = List.of("<|eot_id|>", "<|im_end|>", "<|end|>",
            "<end_of_turn>", "<|endoftext|>", "<EOT>", "_<EOT>", "<｜end▁of▁sentence｜>");

    private final String[] tokens;
    private final float[] scores;
    private final TokenType[] types;
    private final TextIndex ids;
    private final int bos;
    private final int eos;
    private final int unk;
    private final int pad;
    private final int eot;
    private final boolean addBos;
    private final boolean addEos;
    private final Set<Integer> endOfGeneration;
    private final boolean[] lstrip;
    private final boolean[] rstrip;
    private final String chatTemplate;

    /** Whether {@code id} is a token of a special type (control, user-defined, unknown, unused). */
    private boolean special(int id) {
        return id >= 0 && types[id] != TokenType.NORMAL && types[id] != TokenType.BYTE;
    }

    /** Special ids and policy; -1 means absent. */
    record Specials(int bos, int eos, int unk, int pad, int eot, boolean addBos, boolean addEos, String chatTemplate) {
    }

    Vocabulary(String[] tokens, float[] scores, TokenType[] types, Specials s) {
        this.tokens = tokens;
        this.scores = scores;
        this.types = types;
        this.ids = new TextIndex(tokens);
        this.bos = s.bos();
        this.eos = s.eos();
        this.unk = s.unk();
        this.pad = s.pad();
        this.addBos = s.addBos() && s.bos() >= 0;
        this.addEos = s.addEos() && s.eos() >= 0;
        this.chatTemplate = s.chatTemplate();
        int e = s.eot();
        if (e < 0) {
            for (String t : EOT_TEXTS) {
                int id = ids.get(t);
                if (id >= 0 && (types[id] == TokenType.CONTROL || types[id] == TokenType.USER_DEFINED)) {
                    e = id;
                    break;
                }
            }
        }
        this.eot = e;
        Set<Integer> eog = new LinkedHashSet<>();
        if (eos >= 0) {
            eog.add(eos);
        }
        if (eot >= 0) {
            eog.add(eot);
        }
        for (String t : EOG_TEXTS) {
            int id = ids.get(t);
            if (special(id)) {
                eog.add(id);
            }
        }
        // gpt-oss's harmony: <|end|> closes one message (the reasoning) and the reply goes on; <|return|>
        // and <|call|> end it (llama.cpp drops <|end|> from its end-of-generation ids the same way)
        int end = ids.get("<|end|>");
        if (end >= 0 && special(ids.get("<|return|>")) && special(ids.get("<|call|>"))) {
            eog.remove(end);
        }
        this.endOfGeneration = Collections.unmodifiableSet(eog);
        this.lstrip = new boolean[tokens.length];
        this.rstrip = new boolean[tokens.length];
    }

    /** Number of tokens (ids are 0..size-1). */
    public int size() {
        return tokens.length;
    }

    /** The text of token {@code id}, as stored in the model file. */
    public String token(int id) {
        return tokens[id];
    }

    /** The score of token {@code id} (SentencePiece log-probability; 0 when the file has none). */
    public float score(int id) {
        return scores == null ? 0f : scores[id];
    }

    /** The type of token {@code id}. */
    public TokenType type(int id) {
        return types[id];
    }

    /** The id whose text is exactly {@code token}. */
    public OptionalInt id(String token) {
        int i = ids.get(token);
        return i < 0 ? OptionalInt.empty() : OptionalInt.of(i);
    }

    /** Begin-of-sequence id, or -1 when the vocabulary has none. */
    public int bos() {
        return bos;
    }

    /** End-of-sequence id, or -1 when the vocabulary has none. */
    public int eos() {
        return eos;
    }

    /** Unknown-token id, if any. */
    public OptionalInt unk() {
        return unk < 0 ? OptionalInt.empty() : OptionalInt.of(unk);
    }

    /** Padding id, if any. */
    public OptionalInt pad() {
        return pad < 0 ? OptionalInt.empty() : OptionalInt.of(pad);
    }

    /** End-of-turn id: named by the file, or found by its text (e.g. {@code <|eot_id|>}, {@code <|im_end|>}). */
    public OptionalInt eot() {
        return eot < 0 ? OptionalInt.empty() : OptionalInt.of(eot);
    }

    /** Whether encoding with {@code addSpecial} prepends BOS. */
    public boolean addBos() {
        return addBos;
    }

    /** Whether encoding with {@code addSpecial} appends EOS. */
    public boolean addEos() {
        return addEos;
    }

    /** Ids that end generation: EOS, EOT and the end-of-turn texts llama.cpp treats as such. */
    public Set<Integer> endOfGeneration() {
        return endOfGeneration;
    }

    /** Whether {@code id} ends generation. */
    public boolean isEndOfGeneration(int id) {
        return endOfGeneration.contains(id);
    }

    /** The chat template carried by the model file, if any (not interpreted here). */
    public Optional<String> chatTemplate() {
        return Optional.ofNullable(chatTemplate);
    }

    /** Internal: token id by text, -1 if absent. */
    int idOrMinus1(String text) {
        return ids.get(text);
    }

    /** Internal: the id of {@code text.substring(from, to)}, -1 if absent; no substring is made. */
    int idOrMinus1(String text, int from, int to) {
        return ids.get(text, from, to);
    }

    /** Internal: the id of the two regions' concatenation, -1 if absent; no string is made. */
    int idOrMinus1(String text, int from1, int to1, int from2, int to2) {
        return ids.get(text, from1, to1, from2, to2);
    }

    /** Internal: the id of each byte's token {@code <0xNN>}, -1 where there is none. */
    int[] byteTokenIds() {
        int[] out = new int[256];
        String hex = "0123456789ABCDEF";
        for (int b = 0; b < 256; b++) {
            out[b] = ids.get("<0x" + hex.charAt(b >> 4) + hex.charAt(b & 15) + ">");
        }
        return out;
    }

    /** Internal: the id of each single-char (non-surrogate) token by its char, -1 where there is none. */
    int[] charTokenIds() {
        int[] out = new int[0x10000];
        Arrays.fill(out, -1);
        for (String t : tokens) {
            if (t.length() == 1 && !Character.isSurrogate(t.charAt(0))) {
                out[t.charAt(0)] = ids.get(t); // the last id of a duplicated text, as idOrMinus1
            }
        }
        return out;
    }

    int unkOrMinus1() {
        return unk;
    }

    boolean lstrip(int id) {
        return lstrip[id];
    }

    boolean rstrip(int id) {
        return rstrip[id];
    }

    void setStrip(int id, boolean left, boolean right) {
        lstrip[id] = left;
        rstrip[id] = right;
    }

    @Override
    public String toString() {
        return "Vocabulary[size=" + tokens.length + ", bos=" + bos + ", eos=" + eos + ", eot=" + eot + ", unk=" + unk
                + ", addBos=" + addBos + ", addEos=" + addEos + ", eog=" + endOfGeneration + "]";
    }

    /** Texts of all tokens (copy). */
    List<String> tokenList() {
        return Arrays.asList(tokens.clone());
    }
}

package jllm.train.bpe;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jllm.tokenizer.ByteLevel;
import jllm.train.GgufTokenizer;

/**
 * A trained byte-level BPE: token byte strings by id (special tokens first, then the 256 bytes in
 * GPT-2 alphabet order, then one token per merge) and the merges in rank order.
 *
 * @param specials the special tokens, ids 0 .. specials.size() - 1
 * @param tokens   token bytes by id (a special token's bytes are its UTF-8 text)
 * @param merges   merged pairs (left id, right id) in rank order
 */
public record BpeVocabulary(List<String> specials, List<byte[]> tokens, List<int[]> merges) {

    /** The vocabulary of a GGUF gpt2 tokenizer: its leading control tokens are the special tokens. */
    public static BpeVocabulary from(GgufTokenizer t) {
        List<String> specials = new ArrayList<>();
        while (specials.size() < t.tokens().size() && t.tokenTypes()[specials.size()] == GgufTokenizer.CONTROL) {
            specials.add(t.tokens().get(specials.size()));
        }
        List<byte[]> tokens = new ArrayList<>();
        java.util.Map<String, Integer> ids = new java.util.HashMap<>();
        for (int i = 0; i < t.tokens().size(); i++) {
            String s = t.tokens().get(i);
            tokens.add(i < specials.size() ? s.getBytes(java.nio.charset.StandardCharsets.UTF_8) : ByteLevel.decode(s));
            ids.putIfAbsent(s, i);
        }
        List<int[]> merges = new ArrayList<>();
        for (String m : t.merges()) {
            int sp = m.indexOf(' ');
            Integer a = sp > 0 ? ids.get(m.substring(0, sp)) : null;
            Integer b = sp > 0 ? ids.get(m.substring(sp + 1)) : null;
            if (a == null || b == null) {
                throw new IllegalArgumentException("merge \"" + m + "\" names tokens outside the vocabulary");
            }
            merges.add(new int[]{a, b});
        }
        if (tokens.size() != specials.size() + 256 + merges.size()) {
            throw new IllegalArgumentException("not a vocabulary jllm trained: " + tokens.size() + " tokens, "
                    + specials.size() + " special, " + merges.size() + " merges");
        }
        return new BpeVocabulary(specials, tokens, merges);
    }

    /** Number of tokens. */
    public int size() {
        return tokens.size();
    }

    /** Token strings in the GPT-2 byte alphabet (special tokens as their text). */
    public List<String> tokenStrings() {
        List<String> out = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            out.add(i < specials.size() ? specials.get(i) : ByteLevel.encode(tokens.get(i)));
        }
        return out;
    }

    /** Merges as GGUF writes them: "left right" in the GPT-2 byte alphabet. */
    public List<String> mergeStrings() {
        List<String> out = new ArrayList<>(merges.size());
        for (int[] m : merges) {
            out.add(ByteLevel.encode(tokens.get(m[0])) + " " + ByteLevel.encode(tokens.get(m[1])));
        }
        return out;
    }

    /** The id of a special token. */
    public int specialId(String special) {
        int i = specials.indexOf(special);
        if (i < 0) {
            throw new IllegalArgumentException(special + " is not a special token of this vocabulary " + specials);
        }
        return i;
    }

    /**
     * The GGUF tokenizer of this vocabulary (pre-tokenizer "gpt-2", special tokens as control tokens).
     *
     * @param bos BOS id or -1
     * @param eos EOS id or -1
     */
    public GgufTokenizer toGguf(int bos, int eos, boolean addBos, Optional<String> chatTemplate) {
        int[] types = new int[size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = i < specials.size() ? GgufTokenizer.CONTROL : GgufTokenizer.NORMAL;
        }
        return new GgufTokenizer("gpt-2", tokenStrings(), types, mergeStrings(), bos, eos, addBos, chatTemplate);
    }
}

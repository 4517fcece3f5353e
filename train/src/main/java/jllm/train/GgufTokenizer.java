package jllm.train;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jllm.format.gguf.GgufMetadata;
import jllm.format.gguf.GgufWriter;
import jllm.tokenizer.ByteLevel;
import jllm.tokenizer.Tokenizer;
import jllm.tokenizer.Tokenizers;

/**
 * The tokenizer as a trained GGUF stores it ({@code tokenizer.ggml.*} keys, GPT-2 style byte-level BPE):
 * token strings and merges in the GPT-2 byte alphabet, token types (1 normal, 3 control), special ids.
 *
 * @param pre          {@code tokenizer.ggml.pre}: the pre-tokenizer ("gpt-2" or "default")
 * @param tokens       token strings by id
 * @param tokenTypes   type per token
 * @param merges       merges, as "a b" in rank order
 * @param bos          beginning-of-sequence id, or -1
 * @param eos          end-of-sequence (end-of-turn) id, or -1
 * @param addBos       whether encoders prepend BOS
 * @param chatTemplate a Jinja chat template, if any
 */
public record GgufTokenizer(String pre, List<String> tokens, int[] tokenTypes, List<String> merges, int bos, int eos,
                            boolean addBos, Optional<String> chatTemplate) {

    /** Token type of ordinary tokens. */
    public static final int NORMAL = 1;
    /** Token type of special (control) tokens. */
    public static final int CONTROL = 3;

    /**
     * A character-level vocabulary written as a merge-free byte-level BPE (each token one byte, so
     * only single-byte characters are allowed); no BOS/EOS.
     */
    public static GgufTokenizer ofChars(CharVocabulary vocab) {
        List<String> tokens = new ArrayList<>();
        for (char c : vocab.chars()) {
            byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
            if (b.length != 1) {
                throw new IllegalArgumentException("character U+" + Integer.toHexString(c) + " is not one byte in UTF-8");
            }
            tokens.add(ByteLevel.encode(b));
        }
        int[] types = new int[tokens.size()];
        java.util.Arrays.fill(types, NORMAL);
        return new GgufTokenizer("default", tokens, types, List.of(), -1, -1, false, Optional.empty());
    }

    /** Reads the {@code tokenizer.*} keys of a gpt2-style GGUF vocabulary. */
    public static GgufTokenizer from(GgufMetadata m) {
        String model = m.string("tokenizer.ggml.model").orElse("");
        if (!model.equals("gpt2")) {
            throw m.error("tokenizer.ggml.model", "training reads gpt2 (byte-level BPE) vocabularies, not \"" + model + "\"");
        }
        List<String> tokens = m.stringArray("tokenizer.ggml.tokens")
                .orElseThrow(() -> m.error("tokenizer.ggml.tokens", "missing"));
        long[] t = m.integerArray("tokenizer.ggml.token_type").orElse(new long[tokens.size()]);
        int[] types = new int[tokens.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = i < t.length && t[i] != 0 ? (int) t[i] : NORMAL;
        }
        return new GgufTokenizer(m.string("tokenizer.ggml.pre").orElse("default"), tokens, types,
                m.stringArray("tokenizer.ggml.merges").orElse(List.of()),
                (int) m.integer("tokenizer.ggml.bos_token_id").orElse(-1),
                (int) m.integer("tokenizer.ggml.eos_token_id").orElse(-1),
                m.bool("tokenizer.ggml.add_bos_token").orElse(false),
                m.string("tokenizer.chat_template"));
    }

    /** A copy with other end-of-sequence id and chat template. */
    public GgufTokenizer with(int eos, Optional<String> chatTemplate) {
        return new GgufTokenizer(pre, tokens, tokenTypes, merges, bos, eos, addBos, chatTemplate);
    }

    /**
     * jllm's tokenizer for these keys, built exactly as when a GGUF file holding them is loaded
     * ({@link Tokenizers#fromGguf}); training encodes its data with it, so a trained model's file
     * tokenizes text into the ids it was trained on.
     */
    public Tokenizer toTokenizer() {
        GgufWriter.Builder b = GgufWriter.builder();
        putInto(b);
        return Tokenizers.fromGguf(b.metadata());
    }

    /** Writes the {@code tokenizer.*} keys. */
    public void putInto(GgufWriter.Builder b) {
        b.putString("tokenizer.ggml.model", "gpt2");
        b.putString("tokenizer.ggml.pre", pre);
        b.putStringArray("tokenizer.ggml.tokens", tokens);
        b.putInt32Array("tokenizer.ggml.token_type", tokenTypes);
        b.putStringArray("tokenizer.ggml.merges", merges);
        if (bos >= 0) {
            b.putUInt32("tokenizer.ggml.bos_token_id", bos);
        }
        if (eos >= 0) {
            b.putUInt32("tokenizer.ggml.eos_token_id", eos);
            b.putUInt32("tokenizer.ggml.eot_token_id", eos);
        }
        b.putBool("tokenizer.ggml.add_bos_token", addBos);
        b.putBool("tokenizer.ggml.add_eos_token", false);
        chatTemplate.ifPresent(t -> b.putString("tokenizer.chat_template", t));
    }
}

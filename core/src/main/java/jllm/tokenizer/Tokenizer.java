package jllm.tokenizer;

/**
 * Text to token ids and back. Implementations are immutable and thread-safe.
 *
 * <pre>{@code
 * try (GgufFile gguf = GgufFile.open(path)) {
 *     Tokenizer tok = Tokenizers.fromGguf(gguf.metadata());
 *     int[] ids = tok.encode("Hello world");          // BOS added if the vocabulary asks for it
 *     String text = tok.decode(ids, false);          // "Hello world"
 * }
 * }</pre>
 */
public interface Tokenizer {
    /** The vocabulary: token texts, types, scores and special ids. */
    Vocabulary vocabulary();

    /**
     * Encodes text.
     *
     * @param addSpecial   add BOS/EOS as the vocabulary's {@code addBos}/{@code addEos} say
     * @param parseSpecial match control/special token texts in the input (user-defined tokens are
     *                     always matched)
     */
    int[] encode(String text, boolean addSpecial, boolean parseSpecial);

    /** Encodes with BOS/EOS as the vocabulary says, without parsing special-token texts. */
    default int[] encode(String text) {
        return encode(text, true, false);
    }

    /**
     * The raw bytes one token contributes to output text: byte tokens {@code <0xNN>} give that byte,
     * SPM {@code ▁} gives a space, byte-level BPE text is mapped back to bytes; control and unknown
     * tokens give nothing unless {@code special} is true.
     */
    byte[] tokenBytes(int id, boolean special);

    /** Decodes ids to text; invalid UTF-8 becomes U+FFFD. */
    String decode(int[] ids, boolean special);

    /** A streaming decoder: feed ids one at a time, get back only complete UTF-8 text. */
    default TokenDecoder newDecoder(boolean special) {
        return new TokenDecoder(this, special);
    }
}

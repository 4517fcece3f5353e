package jllm.compress;

/** A piece of the original file: text carried by tokens, or raw bytes carried by the byte model. */
public sealed interface Segment {

    /** Bytes the tokenizer cannot reproduce exactly (binary data, invalid UTF-8, short runs between them). */
    record Raw(byte[] bytes) implements Segment {
    }

    /**
     * Text as token ids; the decoded token bytes, minus the first {@code skip} (a SentencePiece
     * tokenizer's added leading space), are the original bytes.
     */
    record Text(int[] tokens, int skip) implements Segment {
    }
}

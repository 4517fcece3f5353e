package jllm.format.llama2c;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import jllm.format.ModelFormatException;

/**
 * llama2.c's {@code tokenizer.bin}: little-endian int32 {@code max_token_length}, then per token a
 * float32 score, an int32 byte length and that many bytes (the piece, UTF-8 with spaces for
 * {@code ▁}). Every length is checked against the bytes that remain before anything is allocated.
 *
 * <pre>{@code
 * Llama2cTokenizerFile tok = Llama2cTokenizerFile.read(Path.of("tok512.bin"), 512);
 * byte[] piece = tok.piece(300); float s = tok.scores()[300];
 * }</pre>
 *
 * @param maxTokenLength the header's longest piece in bytes
 * @param pieces         the piece bytes per token id
 * @param scores         the score per token id
 */
public record Llama2cTokenizerFile(int maxTokenLength, byte[][] pieces, float[] scores) {

    /** Largest vocabulary accepted (llama2.c models use up to a few hundred thousand tokens). */
    public static final int MAX_VOCAB = 1 << 24;

    /** Reads {@code vocabSize} tokens from a file; the file must end right after them. */
    public static Llama2cTokenizerFile read(Path file, int vocabSize) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelFormatException(file.toString(), null, "cannot read: " + e.getMessage(), e);
        }
        return parse(file.toString(), bytes, vocabSize);
    }

    /** Parses {@code vocabSize} tokens from bytes; {@code name} appears in error messages. */
    public static Llama2cTokenizerFile parse(String name, byte[] bytes, int vocabSize) {
        if (vocabSize <= 0 || vocabSize > MAX_VOCAB) {
            throw new ModelFormatException(name, "vocab_size", "vocabulary size " + vocabSize
                    + " is outside [1, " + MAX_VOCAB + "]", null);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 4) {
            throw new ModelFormatException(name, "max_token_length", "file has " + bytes.length
                    + " bytes, too short for the header", null);
        }
        int maxLen = b.getInt();
        if (maxLen < 0) {
            throw new ModelFormatException(name, "max_token_length", "is negative (" + maxLen + ")", null);
        }
        // Each token needs at least 8 bytes: refuse a vocabulary the file cannot hold before allocating.
        if ((long) vocabSize * 8 > b.remaining()) {
            throw new ModelFormatException(name, "tokens", "file has " + b.remaining()
                    + " bytes after the header, too few for " + vocabSize + " tokens", null);
        }
        byte[][] pieces = new byte[vocabSize][];
        float[] scores = new float[vocabSize];
        for (int i = 0; i < vocabSize; i++) {
            if (b.remaining() < 8) {
                throw new ModelFormatException(name, "token " + i, "truncated: the file ends inside the token header", null);
            }
            scores[i] = b.getFloat();
            int len = b.getInt();
            if (len < 0 || len > b.remaining()) {
                throw new ModelFormatException(name, "token " + i, "length " + len + " is negative or exceeds the "
                        + b.remaining() + " bytes left", null);
            }
            if (len > maxLen) {
                throw new ModelFormatException(name, "token " + i, "length " + len
                        + " exceeds max_token_length " + maxLen, null);
            }
            pieces[i] = new byte[len];
            b.get(pieces[i]);
        }
        if (b.hasRemaining()) {
            throw new ModelFormatException(name, "tokens", b.remaining() + " unexpected bytes after token "
                    + (vocabSize - 1) + " (is vocab_size right?)", null);
        }
        return new Llama2cTokenizerFile(maxLen, pieces, scores);
    }

    /** Number of tokens. */
    public int size() {
        return pieces.length;
    }

    /** The bytes of token {@code id}. */
    public byte[] piece(int id) {
        return pieces[id];
    }
}

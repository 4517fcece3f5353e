package jllm.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reference logits written by the llama.cpp oracle ({@code LGTS0001}, see testdata/models/SOURCE.md). */
record Lgts(int vocab, int[] tokens, float[] logits) {

    static Lgts read(Path p) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[8];
        b.get(magic);
        if (!new String(magic, StandardCharsets.US_ASCII).equals("LGTS0001")) {
            throw new IOException(p + ": not an LGTS0001 file");
        }
        int vocab = b.getInt();
        int n = b.getInt();
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = b.getInt();
        }
        float[] logits = new float[n * vocab];
        b.asFloatBuffer().get(logits);
        return new Lgts(vocab, tokens, logits);
    }
}

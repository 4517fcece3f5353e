package jllm.train.bpe;

/**
 * GPT-2's byte-to-unicode alphabet: printable Latin-1 bytes ({@code !..~}, {@code ¡..¬}, {@code ®..ÿ})
 * stand for themselves, the other 68 bytes for U+0100 upwards in byte order (space is {@code Ġ}, newline
 * {@code Ċ}). GGUF "gpt2" vocabularies and merges are written in it.
 */
public final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + n++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {
    }

    /** The character standing for byte {@code b} (0..255). */
    public static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The bytes written in this alphabet. */
    public static String encode(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            sb.append(BYTE_TO_CHAR[b & 0xFF]);
        }
        return sb.toString();
    }

    /** The bytes a string of this alphabet stands for; throws on a character outside it. */
    public static byte[] decode(String s) {
        byte[] out = new byte[s.length()];
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
            if (b < 0) {
                throw new IllegalArgumentException("U+" + Integer.toHexString(c) + " is not in the GPT-2 byte alphabet");
            }
            out[i] = (byte) b;
        }
        return out;
    }
}

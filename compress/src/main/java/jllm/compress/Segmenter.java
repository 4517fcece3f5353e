package jllm.compress;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jllm.tokenizer.Tokenizer;

/**
 * Splits any bytes into {@link Segment}s that reproduce them exactly: maximal runs of valid UTF-8 are
 * tokenized, and a run becomes a text segment only when its tokens decode back to exactly its bytes
 * (checked here, at zip time); everything else (invalid UTF-8, binary, text the tokenizer changes)
 * becomes a raw segment. Short text runs between raw bytes are kept raw: a few tokens do not pay for
 * a segment.
 */
public final class Segmenter {
    /** Shortest UTF-8 run worth tokenizing. */
    static final int MIN_TEXT = 32;
    /** Longest piece tokenized at once (cut after a newline when there is one). */
    static final int MAX_PIECE = 1 << 16;

    private final Tokenizer tokenizer;

    public Segmenter(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The segments of {@code data}, in order; adjacent raw pieces are merged. */
    public List<Segment> split(byte[] data) {
        List<Segment> out = new ArrayList<>();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        int i = 0;
        while (i < data.length) {
            int end = validRunEnd(data, i);
            if (end - i < MIN_TEXT) {
                int stop = Math.max(end, i + 1); // at least one (invalid) byte
                raw.write(data, i, stop - i);
                i = stop;
                continue;
            }
            while (i < end) {
                int cut = pieceEnd(data, i, end);
                byte[] piece = Arrays.copyOfRange(data, i, cut);
                Segment.Text text = tokenize(piece);
                if (text != null) {
                    flush(raw, out);
                    out.add(text);
                } else {
                    raw.write(piece, 0, piece.length);
                }
                i = cut;
            }
        }
        flush(raw, out);
        return out;
    }

    /** The bytes a text segment decodes to. */
    public static byte[] decode(Tokenizer tokenizer, Segment.Text text) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int id : text.tokens()) {
            b.writeBytes(tokenizer.tokenBytes(id, true));
        }
        byte[] all = b.toByteArray();
        int skip = Math.min(text.skip(), all.length);
        return Arrays.copyOfRange(all, skip, all.length);
    }

    private Segment.Text tokenize(byte[] piece) {
        int[] tokens = tokenizer.encode(new String(piece, StandardCharsets.UTF_8), false, false);
        for (int skip = 0; skip <= 1; skip++) {
            Segment.Text t = new Segment.Text(tokens, skip);
            byte[] back = decode(tokenizer, t);
            if (Arrays.equals(back, piece)) {
                return t;
            }
        }
        return null;
    }

    private static void flush(ByteArrayOutputStream raw, List<Segment> out) {
        if (raw.size() > 0) {
            out.add(new Segment.Raw(raw.toByteArray()));
            raw.reset();
        }
    }

    // End of a piece within [from, end): at most MAX_PIECE bytes, cut after the last newline if any,
    // else at a character boundary.
    private static int pieceEnd(byte[] d, int from, int end) {
        if (end - from <= MAX_PIECE) {
            return end;
        }
        int limit = from + MAX_PIECE;
        for (int j = limit - 1; j > from + MAX_PIECE / 2; j--) {
            if (d[j] == '\n') {
                return j + 1;
            }
        }
        int j = limit;
        while ((d[j] & 0xC0) == 0x80) { // never inside a character
            j--;
        }
        return j;
    }

    /** End of the longest run of well-formed UTF-8 starting at {@code from} (RFC 3629: no overlongs, surrogates or values past U+10FFFF). */
    static int validRunEnd(byte[] d, int from) {
        int i = from;
        while (i < d.length) {
            int b = d[i] & 0xFF;
            int n;
            int min;
            if (b < 0x80) {
                i++;
                continue;
            } else if (b >= 0xC2 && b <= 0xDF) {
                n = 1;
                min = 0x80;
            } else if (b >= 0xE0 && b <= 0xEF) {
                n = 2;
                min = 0x800;
            } else if (b >= 0xF0 && b <= 0xF4) {
                n = 3;
                min = 0x10000;
            } else {
                return i;
            }
            if (i + n >= d.length) { // the character is cut off by the end
                return i;
            }
            int cp = b & (0x3F >> n);
            for (int k = 1; k <= n; k++) {
                int c = d[i + k] & 0xFF;
                if ((c & 0xC0) != 0x80) {
                    return i;
                }
                cp = (cp << 6) | (c & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return i;
            }
            i += n + 1;
        }
        return i;
    }
}

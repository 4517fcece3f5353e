package jllm.compress;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The .jz container: everything but the coded payload. Layout (integers are unsigned LEB128 varints
 * unless a size is given):
 * <pre>
 * magic "JLLMZIP" (7 bytes), version (1 byte), predictor (1 byte: 0 engine, 1 reproducible)
 * model sha256 (32 bytes)      the model file the probabilities came from
 * original size, original sha256 (32 bytes)
 * chunk tokens, lanes          how text tokens were cut into chunks and grouped (the decoder repeats it)
 * segment count, then per segment: kind (1 byte: 0 raw, 1 text), then
 *   raw: byte count;  text: token count, leading bytes to skip
 * payload: the rest of the file, one range-coded stream
 * </pre>
 *
 * @param segments each segment's shape (the payload holds its content)
 */
public record JzHeader(int version, Predictor predictor, byte[] modelSha256, long originalSize, byte[] originalSha256,
                       int chunkTokens, int lanes, List<SegmentShape> segments) {

    public static final int VERSION = 2;
    static final byte[] MAGIC = "JLLMZIP".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** Largest original jllm zip handles (held in memory). */
    public static final long MAX_ORIGINAL = Integer.MAX_VALUE - 64;

    /** Which forward pass computed the probabilities (unzip must use the same one). */
    public enum Predictor {
        /** jllm's engine ({@link EngineLockstep}): any architecture; same kind of CPU needed to unzip. */
        ENGINE,
        /**
         * The engine's forward pass of any family on {@link jllm.kernel.Kernels#reproducible} kernels (F32
         * weights and KV cache, fixed-order products, StrictMath): unzips on any machine.
         */
        REPRODUCIBLE
    }

    /** A segment as the header records it: raw bytes (count) or text (tokens, skip). */
    public record SegmentShape(boolean text, int count, int skip) {
    }

    /** The header bytes. */
    public byte[] write() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(MAGIC);
        b.write(version);
        b.write(predictor.ordinal());
        b.writeBytes(modelSha256);
        varint(b, originalSize);
        b.writeBytes(originalSha256);
        varint(b, chunkTokens);
        varint(b, lanes);
        varint(b, segments.size());
        for (SegmentShape s : segments) {
            b.write(s.text() ? 1 : 0);
            varint(b, s.count());
            if (s.text()) {
                varint(b, s.skip());
            }
        }
        return b.toByteArray();
    }

    /** A parsed header and where the payload starts. */
    public record Parsed(JzHeader header, int payloadOffset) {
    }

    /**
     * Reads a header, checking every count against the bytes present and the stated original size.
     *
     * @throws JzFormatException with a message naming the problem
     */
    public static Parsed read(byte[] f) {
        Reader r = new Reader(f);
        if (f.length < MAGIC.length + 1 || !Arrays.equals(f, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new JzFormatException("not a jllm zip file (no JLLMZIP magic at the start)");
        }
        r.pos = MAGIC.length;
        int version = r.u8("version");
        if (version == 1) {
            throw new JzFormatException("format version 1 was written by an earlier jllm, whose llama-only predictor this "
                    + "version replaced; unzip it with the jllm that made it");
        }
        if (version != VERSION) {
            throw new JzFormatException("format version " + version + " is not supported (this jllm reads version " + VERSION + ")");
        }
        int predictor = r.u8("predictor");
        if (predictor >= Predictor.values().length) {
            throw new JzFormatException("unknown predictor " + predictor + " (a newer jllm made this file?)");
        }
        byte[] model = r.bytes(32, "model sha256");
        long size = r.varint("original size");
        if (size > MAX_ORIGINAL) {
            throw new JzFormatException("declared original size " + size + " is larger than jllm zip supports (" + MAX_ORIGINAL + ")");
        }
        byte[] sha = r.bytes(32, "original sha256");
        long chunk = r.varint("chunk tokens");
        long lanes = r.varint("lanes");
        if (chunk < 1 || chunk > 1 << 20 || lanes < 1 || lanes > 1024) {
            throw new JzFormatException("bad chunk length " + chunk + " or lane count " + lanes);
        }
        long count = r.varint("segment count");
        if (count > f.length - r.pos) { // every segment takes at least one byte
            throw new JzFormatException("declares " + count + " segments but only " + (f.length - r.pos) + " bytes follow (truncated?)");
        }
        List<SegmentShape> segs = new ArrayList<>((int) count);
        long rawBytes = 0;
        long tokens = 0;
        for (long i = 0; i < count; i++) {
            int kind = r.u8("segment kind");
            long n = r.varint("segment length");
            if (kind == 0) {
                rawBytes += n;
                if (n < 1 || rawBytes > size) {
                    throw new JzFormatException("raw segment " + i + " of " + n + " bytes does not fit the original size " + size);
                }
                segs.add(new SegmentShape(false, (int) n, 0));
            } else if (kind == 1) {
                long skip = r.varint("skip");
                tokens += n;
                // a text token carries at least one byte, but for an added leading space
                if (n < 1 || skip > 1 || tokens > size + count) {
                    throw new JzFormatException("text segment " + i + " of " + n + " tokens does not fit the original size " + size);
                }
                segs.add(new SegmentShape(true, (int) n, (int) skip));
            } else {
                throw new JzFormatException("unknown segment kind " + kind);
            }
        }
        return new Parsed(new JzHeader(version, Predictor.values()[predictor], model, size, sha, (int) chunk, (int) lanes, List.copyOf(segs)), r.pos);
    }

    /** The model hash as hex. */
    public String modelHex() {
        return HexFormat.of().formatHex(modelSha256);
    }

    private static void varint(ByteArrayOutputStream b, long v) {
        while ((v & ~0x7FL) != 0) {
            b.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b.write((int) v);
    }

    private static final class Reader {
        final byte[] f;
        int pos;

        Reader(byte[] f) {
            this.f = f;
        }

        int u8(String what) {
            if (pos >= f.length) {
                throw truncated(what);
            }
            return f[pos++] & 0xFF;
        }

        byte[] bytes(int n, String what) {
            if (f.length - pos < n) {
                throw truncated(what);
            }
            byte[] b = Arrays.copyOfRange(f, pos, pos + n);
            pos += n;
            return b;
        }

        long varint(String what) {
            long v = 0;
            for (int shift = 0; shift < 63; shift += 7) {
                int b = u8(what);
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new JzFormatException("the " + what + " field is too long");
        }

        JzFormatException truncated(String what) {
            return new JzFormatException("the file ends inside the header (at the " + what + " field, byte " + pos + "): truncated?");
        }
    }
}

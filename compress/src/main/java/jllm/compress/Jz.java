package jllm.compress;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import jllm.compress.coder.AdaptiveByteModel;
import jllm.compress.coder.FrequencyTable;
import jllm.compress.coder.RangeDecoder;
import jllm.compress.coder.RangeEncoder;
import jllm.kernel.Dense;
import jllm.kernel.Kernels;
import jllm.model.Architectures;
import jllm.model.KvCache;
import jllm.model.LoadedModel;
import jllm.model.ModelSource;
import jllm.tokenizer.Tokenizer;

/**
 * Zip and unzip with a model: {@link Segmenter} cuts the file into text and raw segments; raw bytes
 * are coded first with an {@link AdaptiveByteModel}, then the text chunks, group by group, with the
 * {@link ModelPredictor}'s frequencies, all into one range-coded payload after the {@link JzHeader}.
 *
 * <pre>{@code
 * try (LoadedModel m = LoadedModel.open(modelPath, LoadedModel.Options.DEFAULT)) {
 *     byte[] sha = ModelHash.of(modelPath);
 *     byte[] jz = Jz.zip(m, sha, data, Jz.Options.DEFAULT, Jz.Progress.NONE).bytes();
 *     byte[] back = Jz.unzip(m, sha, jz, Jz.Progress.NONE);
 * }
 * }</pre>
 */
public final class Jz {
    private Jz() {
    }

    /**
     * @param chunkTokens tokens per independent chunk; 0 = the model's context length (at most 1024)
     * @param lanes       chunks run together in one batch (zip chooses; unzip repeats what the header says)
     * @param predictor   which forward pass; null = {@link JzHeader.Predictor#REPRODUCIBLE}
     */
    public record Options(int chunkTokens, int lanes, JzHeader.Predictor predictor) {
        /** Chunks of the model's context, 16 lanes, the reproducible predictor. */
        public static final Options DEFAULT = new Options(0, 16, null);
    }

    /** Progress reports: original bytes done of the total, and bits spent so far on them. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (done, total, bits) -> { };

        void update(long doneBytes, long totalBytes, double bits);
    }

    /** How surprised the model was by one piece of the file: a token's bytes or one raw byte. */
    public record Surprise(byte[] bytes, double bits, boolean raw) {
    }

    /**
     * @param bytes     the .jz file
     * @param pieces    the original, piece by piece, with the bits each cost
     * @param tokens    text tokens coded
     * @param rawBytes  bytes coded by the byte model
     */
    public record ZipResult(byte[] bytes, List<Surprise> pieces, long tokens, long rawBytes) {
    }

    /** Compresses {@code data}; {@code modelSha256} identifies the model file (see {@link ModelHash}). */
    public static ZipResult zip(LoadedModel m, byte[] modelSha256, byte[] data, Options options, Progress progress) {
        try (Dense dense = Dense.vector(m.kernels().threads())) { // as many threads as the model's kernels
            return zip(m, dense, modelSha256, data, options, progress);
        }
    }

    private static ZipResult zip(LoadedModel m, Dense dense, byte[] modelSha256, byte[] data, Options options, Progress progress) {
        if (data.length > JzHeader.MAX_ORIGINAL) {
            throw new IllegalArgumentException("input of " + data.length + " bytes is larger than jllm zip supports");
        }
        Tokenizer tok = m.tokenizer();
        JzHeader.Predictor kind = options.predictor() != null ? options.predictor() : JzHeader.Predictor.REPRODUCIBLE;
        ModelPredictor predictor = predictor(m, dense, kind, chunkTokens(m, options.chunkTokens()), options.lanes());
        ZipResult modelled = encode(tok, predictor, kind, modelSha256, data, new Segmenter(tok).split(data), progress);
        if (modelled.tokens() == 0) {
            return modelled;
        }
        // text the model predicts worse than an order-0 byte model (say, a list of names for a
        // story model) is better stored as one raw segment: never much worse than 8 bits per byte
        ZipResult bytesOnly = encode(tok, predictor, kind, modelSha256, data, List.of(new Segment.Raw(data)), Progress.NONE);
        return bytesOnly.bytes().length < modelled.bytes().length ? bytesOnly : modelled;
    }

    private static ZipResult encode(Tokenizer tok, ModelPredictor predictor, JzHeader.Predictor kind, byte[] modelSha256,
                                    byte[] data, List<Segment> segments, Progress progress) {
        RangeEncoder enc = new RangeEncoder();
        List<JzHeader.SegmentShape> shapes = new ArrayList<>();
        List<Surprise>[] perSegment = newLists(segments.size());
        long done = 0;
        double bits = 0;
        long rawCount = 0;
        // raw bytes first, in file order, one adaptive byte model for all
        AdaptiveByteModel bytes = new AdaptiveByteModel();
        for (int si = 0; si < segments.size(); si++) {
            if (segments.get(si) instanceof Segment.Raw(byte[] raw)) {
                shapes.add(new JzHeader.SegmentShape(false, raw.length, 0));
                for (byte b : raw) {
                    double cost = bytes.bits(b & 0xFF);
                    bits += cost;
                    perSegment[si].add(new Surprise(new byte[]{b}, cost, true));
                    bytes.encode(enc, b & 0xFF);
                }
                rawCount += raw.length;
                done += raw.length;
                progress.update(done, data.length, bits);
            } else {
                Segment.Text t = (Segment.Text) segments.get(si);
                shapes.add(new JzHeader.SegmentShape(true, t.tokens().length, t.skip()));
            }
        }
        // then the text chunks, group by group
        List<Chunk> chunks = chunks(shapes, predictor.chunkTokens());
        long tokens = 0;
        double[][] tokenBits = new double[chunks.size()][];
        for (int g = 0; g < chunks.size(); g += predictor.lanes()) {
            int n = Math.min(predictor.lanes(), chunks.size() - g);
            int[][] group = new int[n][];
            for (int j = 0; j < n; j++) {
                Chunk c = chunks.get(g + j);
                int[] segTokens = ((Segment.Text) segments.get(c.segment())).tokens();
                group[j] = Arrays.copyOfRange(segTokens, c.from(), c.from() + c.length());
                tokenBits[g + j] = new double[c.length()];
            }
            int base = g;
            predictor.runGroup(group, g, (chunk, index, table) -> {
                int token = group[chunk - base][index];
                tokenBits[chunk][index] = table.bits(token);
                table.encode(enc, token);
                return token;
            });
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < group[j].length; k++) {
                    done += tok.tokenBytes(group[j][k], true).length;
                    bits += tokenBits[g + j][k];
                }
                tokens += group[j].length;
            }
            progress.update(Math.min(done, data.length), data.length, bits);
        }
        for (int ci = 0; ci < chunks.size(); ci++) {
            Chunk c = chunks.get(ci);
            int[] segTokens = ((Segment.Text) segments.get(c.segment())).tokens();
            for (int k = 0; k < c.length(); k++) {
                perSegment[c.segment()].add(new Surprise(tok.tokenBytes(segTokens[c.from() + k], true), tokenBits[ci][k], false));
            }
        }
        byte[] payload = enc.finish();
        JzHeader header = new JzHeader(JzHeader.VERSION, kind, modelSha256, data.length, sha256(data),
                predictor.chunkTokens(), predictor.lanes(), shapes);
        byte[] head = header.write();
        byte[] out = Arrays.copyOf(head, head.length + payload.length);
        System.arraycopy(payload, 0, out, head.length, payload.length);
        List<Surprise> pieces = new ArrayList<>();
        for (List<Surprise> l : perSegment) {
            pieces.addAll(l);
        }
        return new ZipResult(out, pieces, tokens, rawCount);
    }

    /**
     * Decompresses a .jz file made with the same model.
     *
     * @throws JzFormatException when the file is not valid, was made with another model, or fails its checksum
     */
    public static byte[] unzip(LoadedModel m, byte[] modelSha256, byte[] jz, Progress progress) {
        try (Dense dense = Dense.vector(m.kernels().threads())) {
            return unzip(m, dense, modelSha256, jz, progress);
        }
    }

    private static byte[] unzip(LoadedModel m, Dense dense, byte[] modelSha256, byte[] jz, Progress progress) {
        JzHeader.Parsed parsed = JzHeader.read(jz);
        JzHeader h = parsed.header();
        checkModel(h, modelSha256);
        Tokenizer tok = m.tokenizer();
        if (h.chunkTokens() > m.model().info().contextLength()) {
            throw new JzFormatException("chunks of " + h.chunkTokens() + " tokens do not fit the model's context of "
                    + m.model().info().contextLength());
        }
        ModelPredictor predictor = predictor(m, dense, h.predictor(), h.chunkTokens(), h.lanes());
        RangeDecoder dec = new RangeDecoder(jz, parsed.payloadOffset(), jz.length - parsed.payloadOffset());
        List<JzHeader.SegmentShape> shapes = h.segments();
        byte[][] segBytes = new byte[shapes.size()][];
        long done = 0;
        AdaptiveByteModel bytes = new AdaptiveByteModel();
        for (int si = 0; si < shapes.size(); si++) {
            JzHeader.SegmentShape s = shapes.get(si);
            if (!s.text()) {
                byte[] raw = new byte[s.count()]; // the header checked raw counts against the original size
                for (int i = 0; i < raw.length; i++) {
                    raw[i] = (byte) bytes.decode(dec);
                }
                segBytes[si] = raw;
                done += raw.length;
                progress.update(done, h.originalSize(), 8.0 * dec.bytesRead());
            }
        }
        List<Chunk> chunks = chunks(shapes, h.chunkTokens());
        int[][] tokens = new int[shapes.size()][];
        for (int si = 0; si < shapes.size(); si++) {
            if (shapes.get(si).text()) {
                tokens[si] = new int[shapes.get(si).count()];
            }
        }
        for (int g = 0; g < chunks.size(); g += h.lanes()) {
            int n = Math.min(h.lanes(), chunks.size() - g);
            int[][] group = new int[n][];
            for (int j = 0; j < n; j++) {
                group[j] = new int[chunks.get(g + j).length()];
            }
            predictor.runGroup(group, g, (chunk, index, table) -> table.decode(dec));
            for (int j = 0; j < n; j++) {
                Chunk c = chunks.get(g + j);
                System.arraycopy(group[j], 0, tokens[c.segment()], c.from(), c.length());
                for (int t : group[j]) {
                    done += tok.tokenBytes(t, true).length;
                }
                if (done > h.originalSize() + shapes.size()) {
                    throw new JzFormatException("the decoded text is longer than the declared original size " + h.originalSize()
                            + " (corrupt file)");
                }
            }
            progress.update(Math.min(done, h.originalSize()), h.originalSize(), 8.0 * (dec.bytesRead() - parsed.payloadOffset()));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) h.originalSize());
        for (int si = 0; si < shapes.size(); si++) {
            JzHeader.SegmentShape s = shapes.get(si);
            byte[] b = s.text() ? Segmenter.decode(tok, new Segment.Text(tokens[si], s.skip())) : segBytes[si];
            if (out.size() + (long) b.length > h.originalSize()) {
                throw new JzFormatException("the decoded data is longer than the declared original size " + h.originalSize()
                        + " (corrupt file)");
            }
            out.writeBytes(b);
        }
        byte[] result = out.toByteArray();
        if (result.length != h.originalSize()) {
            throw new JzFormatException("decoded " + result.length + " bytes but the header says " + h.originalSize() + " (corrupt file)");
        }
        if (!MessageDigest.isEqual(sha256(result), h.originalSha256())) {
            throw new JzFormatException("checksum mismatch: the decoded data's sha256 differs from the one recorded "
                    + "(corrupt file, or a predictor that is not bit-identical to the one that zipped it)");
        }
        return result;
    }

    /** Refuses a model other than the one recorded in the header. */
    public static void checkModel(JzHeader h, byte[] modelSha256) {
        if (!MessageDigest.isEqual(h.modelSha256(), modelSha256)) {
            throw new JzFormatException("this file was compressed with a different model (sha256 " + h.modelHex()
                    + "); the model given has sha256 " + HexFormat.of().formatHex(modelSha256)
                    + ". Unzip needs exactly the same model file (--model)");
        }
    }

    /** SHA-256 of some bytes. */
    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static ModelPredictor predictor(LoadedModel m, Dense dense, JzHeader.Predictor kind, int chunkTokens, int lanes) {
        Tokenizer tok = m.tokenizer();
        LockstepModel model = switch (kind) {
            case ENGINE -> new EngineLockstep(m.model(), KvCache.Type.F16);
            case REPRODUCIBLE -> reproducible(m.source(), dense);
        };
        return new ModelPredictor(model, tok.vocabulary().bos(), tok.vocabulary().size(), chunkTokens, lanes);
    }

    /** Largest model the reproducible predictor decodes to F32 in memory (parameters). */
    public static final long MAX_REPRODUCIBLE_PARAMS = 300_000_000L;

    /**
     * The reproducible predictor over a model of any family: the engine's forward pass on
     * {@link Kernels#reproducible} kernels, F32 KV cache.
     *
     * @throws IllegalArgumentException when the model is too large to hold in F32
     */
    public static LockstepModel reproducible(ModelSource source, Dense dense) {
        long params = source.tensors().values().stream().mapToLong(t -> t.size()).sum();
        if (params > MAX_REPRODUCIBLE_PARAMS) {
            throw new IllegalArgumentException("the model has " + params + " parameters; the reproducible predictor holds "
                    + "at most " + MAX_REPRODUCIBLE_PARAMS + " in F32 (use the engine's predictor, whose files unzip only "
                    + "on the same kind of CPU)");
        }
        return new EngineLockstep(Architectures.forSource(source).load(source, Kernels.reproducible(dense)), KvCache.Type.F32);
    }

    private static int chunkTokens(LoadedModel m, int requested) {
        int ctx = m.model().info().contextLength();
        if (requested < 0 || requested > ctx) {
            throw new IllegalArgumentException("chunk length " + requested + " is outside 1.." + ctx + " (the model's context)");
        }
        return requested > 0 ? requested : Math.min(ctx, 1024);
    }

    /** A run of tokens of one text segment, coded as one independent sequence. */
    private record Chunk(int segment, int from, int length) {
    }

    private static List<Chunk> chunks(List<JzHeader.SegmentShape> shapes, int chunkTokens) {
        List<Chunk> out = new ArrayList<>();
        for (int si = 0; si < shapes.size(); si++) {
            JzHeader.SegmentShape s = shapes.get(si);
            if (s.text()) {
                for (int from = 0; from < s.count(); from += chunkTokens) {
                    out.add(new Chunk(si, from, Math.min(chunkTokens, s.count() - from)));
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Surprise>[] newLists(int n) {
        List<Surprise>[] a = new List[n];
        for (int i = 0; i < n; i++) {
            a[i] = new ArrayList<>();
        }
        return a;
    }
}

package jllm.format.llama2c;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jllm.format.ModelFormatException;
import jllm.tensor.GgmlType;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;

/**
 * A llama2.c model checkpoint, memory-mapped, its float32 weights exposed as per-layer {@link Tensor}
 * views named as in GGUF ({@code token_embd.weight}, {@code blk.0.attn_q.weight}, ...).
 *
 * <p>Two layouts are read:
 * <ul>
 *   <li>version 0, "legacy" ({@code run.c}, {@code export.py --version 0}): a header of 7 little-endian
 *       int32 {@code dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len} (a negative
 *       {@code vocab_size} means the classifier is stored separately), then token_embedding, rms_att,
 *       wq, wk, wv, wo, rms_ffn, w1, w2, w3 (each stacked over layers), rms_final, the unused
 *       freq_cis_real/imag tables ({@code seq_len * head_size / 2} floats each; files without them are
 *       accepted too), then wcls when unshared;</li>
 *   <li>version 1 ({@code export.py --version 1}): a 256-byte header (magic "ak42", version, the 7
 *       int32, a shared-classifier byte), then rms_att, rms_ffn, rms_final, token_embedding, wq, wk, wv,
 *       wo, w1, w2, w3, then wcls when unshared.</li>
 * </ul>
 * Version 2 (Q8_0 groups) is refused with a message saying what to do instead. The file size must
 * match the header's layout exactly.
 *
 * <p>Shapes are in ggml order: {@code attn_q} is {@code ne = [dim, dim]}, {@code attn_k} and
 * {@code attn_v} {@code [dim, kvDim]}, {@code ffn_gate} (w1) and {@code ffn_up} (w3)
 * {@code [dim, hiddenDim]}, {@code ffn_down} (w2) {@code [hiddenDim, dim]}. With a shared classifier,
 * {@code output.weight} maps to the very {@code token_embd.weight} tensor (same object, same name).
 *
 * <pre>{@code
 * try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(Path.of("stories260K.bin"))) {
 *     Llama2cConfig config = ckpt.config();
 *     Tensor wq0 = ckpt.tensors().get("blk.0.attn_q.weight"); // (dim, dim)
 * }
 * }</pre>
 */
public final class Llama2cCheckpoint implements AutoCloseable {
    /** "ak42" as export.py writes it: a little-endian uint32. */
    public static final int MAGIC = 0x616b3432;
    /** Bytes of the legacy header: 7 int32. */
    public static final int LEGACY_HEADER_BYTES = 28;
    /** Bytes of the version 1 and 2 headers. */
    public static final int VERSIONED_HEADER_BYTES = 256;

    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String file;
    private final Arena arena;
    private final int version;
    private final Llama2cConfig config;
    private final Map<String, Tensor> tensors;

    private Llama2cCheckpoint(String file, Arena arena, MemorySegment seg) {
        this.file = file;
        this.arena = arena;
        long size = seg.byteSize();
        if (size < LEGACY_HEADER_BYTES) {
            throw error("header", "file is truncated: " + size + " bytes, a llama2.c header takes at least "
                    + LEGACY_HEADER_BYTES);
        }
        int first = seg.get(I32, 0);
        if (first == 0x46554747) {
            throw error("header", "this is a GGUF file, not a llama2.c checkpoint (read it with GgufFile)");
        }
        long headerBytes;
        boolean shared;
        int[] h = new int[7];
        if (first == MAGIC) {
            this.version = seg.get(I32, 4);
            if (version == 2) {
                throw error("version", "llama2.c version 2 checkpoints (int8 Q8_0 groups) are not supported:"
                        + " export the model with export.py --version 1 (float32), or convert it to GGUF");
            }
            if (version != 1) {
                throw error("version", "llama2.c checkpoint version " + version
                        + " is not supported (jllm reads the legacy format and version 1)");
            }
            if (size < VERSIONED_HEADER_BYTES) {
                throw error("header", "file is truncated: " + size + " bytes, a version " + version
                        + " header takes " + VERSIONED_HEADER_BYTES);
            }
            for (int i = 0; i < 7; i++) {
                h[i] = seg.get(I32, 8 + 4L * i);
            }
            byte flag = seg.get(ValueLayout.JAVA_BYTE, 36);
            if (flag != 0 && flag != 1) {
                throw error("shared_classifier", "flag " + flag + " is neither 0 nor 1");
            }
            shared = flag == 1;
            if (h[5] <= 0) {
                throw error("vocab_size", "vocab_size " + h[5] + " is not positive");
            }
            headerBytes = VERSIONED_HEADER_BYTES;
        } else {
            this.version = 0;
            for (int i = 0; i < 7; i++) {
                h[i] = seg.get(I32, 4L * i);
            }
            if (h[5] == 0 || h[5] == Integer.MIN_VALUE) {
                throw error("vocab_size", "vocab_size " + h[5] + " is not a vocabulary size");
            }
            shared = h[5] > 0;
            h[5] = Math.abs(h[5]);
            headerBytes = LEGACY_HEADER_BYTES;
        }
        this.config = parseConfig(h, shared);

        Layout layout = new Layout(config, version);
        long withFreq;
        long withoutFreq;
        try {
            withoutFreq = Math.addExact(headerBytes, Math.multiplyExact(4L, layout.floats()));
            withFreq = version == 0 ? Math.addExact(withoutFreq, Math.multiplyExact(4L, layout.freqCisFloats())) : -1;
        } catch (ArithmeticException e) {
            throw error("header", "the sizes in the header overflow (" + describe() + ")");
        }
        boolean hasFreqCis;
        if (size == withFreq) {
            hasFreqCis = true;
        } else if (size == withoutFreq) {
            hasFreqCis = false;
        } else {
            throw error("file size", sizeMismatch(size, withFreq, withoutFreq, headerBytes));
        }
        this.tensors = Collections.unmodifiableMap(layout.tensors(seg, headerBytes, hasFreqCis));
    }

    private String sizeMismatch(long size, long withFreq, long withoutFreq, long headerBytes) {
        StringBuilder sb = new StringBuilder("a llama2.c size matching no layout: the header (").append(describe())
                .append(") needs ");
        if (version == 0) {
            sb.append(withFreq).append(" bytes (with the freq_cis tables) or ").append(withoutFreq)
                    .append(" bytes (without them)");
        } else {
            sb.append(withoutFreq).append(" bytes");
        }
        sb.append(", the file has ").append(size);
        // a wrong classifier flag is the likeliest cause: say so when the other choice fits
        try {
            Llama2cConfig other = new Llama2cConfig(config.dim(), config.hiddenDim(), config.numLayers(),
                    config.numHeads(), config.numKvHeads(), config.vocabSize(), config.seqLen(),
                    !config.sharedClassifier());
            Layout o = new Layout(other, version);
            long base = Math.addExact(headerBytes, Math.multiplyExact(4L, o.floats()));
            long freq = Math.multiplyExact(4L, o.freqCisFloats());
            if (size == base || (version == 0 && size == Math.addExact(base, freq))) {
                sb.append(" (that size fits ").append(other.sharedClassifier() ? "a shared" : "an unshared")
                        .append(" classifier: is the classifier flag / vocab_size sign wrong?)");
            }
        } catch (ArithmeticException ignored) {
            // no hint then
        }
        return sb.toString();
    }

    private Llama2cConfig parseConfig(int[] h, boolean shared) {
        String[] names = {"dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len"};
        for (int i = 0; i < 7; i++) {
            if (h[i] <= 0) {
                throw error(names[i], names[i] + " " + h[i] + " is not positive");
            }
        }
        if (h[0] % h[3] != 0) {
            throw error("n_heads", "n_heads " + h[3] + " does not divide dim " + h[0]);
        }
        if (h[3] % h[4] != 0) {
            throw error("n_kv_heads", "n_kv_heads " + h[4] + " does not divide n_heads " + h[3]);
        }
        return new Llama2cConfig(h[0], h[1], h[2], h[3], h[4], h[5], h[6], shared);
    }

    private String describe() {
        Llama2cConfig c = config;
        return "dim=" + c.dim() + " hidden_dim=" + c.hiddenDim() + " n_layers=" + c.numLayers() + " n_heads="
                + c.numHeads() + " n_kv_heads=" + c.numKvHeads() + " vocab_size=" + c.vocabSize() + " seq_len="
                + c.seqLen() + (c.sharedClassifier() ? ", shared classifier" : ", unshared classifier");
    }

    private ModelFormatException error(String field, String problem) {
        return new ModelFormatException(file, field, problem, null);
    }

    /** Largest size a plausible header field has (no llama2.c model comes near; text and other formats do). */
    private static final int PLAUSIBLE_MAX = 1 << 24;

    /**
     * Whether the file's first bytes look like a llama2.c header, so that a file of another kind is named as
     * such instead of being read as sizes such as {@code dim -1283946945}: the version 1 magic "ak42", or 7
     * legacy int32 sizes between 1 and 2^24 ({@code vocab_size} of either sign). Text never passes: four
     * printable bytes make an int32 above 2^29.
     */
    public static boolean looksLikeHeader(byte[] head) {
        if (head.length >= 4 && le32(head, 0) == MAGIC) {
            return true;
        }
        if (head.length < LEGACY_HEADER_BYTES) {
            return false;
        }
        for (int i = 0; i < 7; i++) {
            long v = le32(head, 4 * i);
            if (i == 5) {
                v = Math.abs(v);
            }
            if (v < 1 || v > PLAUSIBLE_MAX) {
                return false;
            }
        }
        return true;
    }

    private static int le32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    /** Opens and memory-maps a llama2.c checkpoint. */
    public static Llama2cCheckpoint open(Path path) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment seg;
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = ch.size();
                seg = size == 0 ? MemorySegment.NULL.reinterpret(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            }
            return new Llama2cCheckpoint(path.toString(), arena, seg);
        } catch (IOException e) {
            arena.close();
            throw new ModelFormatException(path.toString(), "file", "cannot read (" + e + ")", e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Reads a checkpoint held in memory; {@code name} names it in error messages. */
    public static Llama2cCheckpoint read(String name, MemorySegment bytes) {
        return new Llama2cCheckpoint(name, null, bytes);
    }

    /** The hyperparameters. */
    public Llama2cConfig config() {
        return config;
    }

    /** The format version: 0 (legacy) or 1. */
    public int version() {
        return version;
    }

    /**
     * Every weight, in data-flow order: {@code token_embd.weight}, then per block {@code attn_norm, attn_q,
     * attn_k, attn_v, attn_output, ffn_norm, ffn_gate, ffn_down, ffn_up} ({@code blk.N.*.weight}), then
     * {@code output_norm.weight} and {@code output.weight}.
     */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** One weight by GGUF name. */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw error(name, "no such tensor in a llama2.c checkpoint");
        }
        return t;
    }

    /** The file's name, as given to {@link #open} or {@link #read}. */
    public String file() {
        return file;
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }

    /** Where each weight lies, in one of the two layouts. */
    private static final class Layout {
        /** One array of the file: stacked over layers when {@code perLayer}; {@code ne} is one layer's. */
        private record Part(String name, boolean perLayer, long... ne) {
            long floatsPerLayer() {
                long n = 1;
                for (long d : ne) {
                    n = Math.multiplyExact(n, d);
                }
                return n;
            }

            long floats(int layers) {
                return perLayer ? Math.multiplyExact(floatsPerLayer(), layers) : floatsPerLayer();
            }
        }

        private final Llama2cConfig c;
        private final List<Part> order;
        private final Part classifier;

        Layout(Llama2cConfig c, int version) {
            this.c = c;
            long dim = c.dim();
            long kvDim = (long) c.numKvHeads() * c.headDim();
            long hidden = c.hiddenDim();
            long vocab = c.vocabSize();
            Part embed = new Part("token_embd.weight", false, dim, vocab);
            Part attnNorm = new Part("attn_norm", true, dim);
            Part wq = new Part("attn_q", true, dim, dim);
            Part wk = new Part("attn_k", true, dim, kvDim);
            Part wv = new Part("attn_v", true, dim, kvDim);
            Part wo = new Part("attn_output", true, dim, dim);
            Part ffnNorm = new Part("ffn_norm", true, dim);
            Part w1 = new Part("ffn_gate", true, dim, hidden);
            Part w2 = new Part("ffn_down", true, hidden, dim);
            Part w3 = new Part("ffn_up", true, dim, hidden);
            Part outNorm = new Part("output_norm.weight", false, dim);
            this.order = version == 0
                    ? List.of(embed, attnNorm, wq, wk, wv, wo, ffnNorm, w1, w2, w3, outNorm)
                    : List.of(attnNorm, ffnNorm, outNorm, embed, wq, wk, wv, wo, w1, w2, w3);
            this.classifier = new Part("output.weight", false, dim, vocab);
        }

        /** Floats of every weight stored (the classifier included when unshared), freq_cis excluded. */
        long floats() {
            long n = 0;
            for (Part p : order) {
                n = Math.addExact(n, p.floats(c.numLayers()));
            }
            return c.sharedClassifier() ? n : Math.addExact(n, classifier.floats(1));
        }

        /** Floats of the legacy freq_cis_real and freq_cis_imag tables together. */
        long freqCisFloats() {
            return 2 * ((long) c.seqLen() * c.headDim() / 2);
        }

        Map<String, Tensor> tensors(MemorySegment seg, long headerBytes, boolean hasFreqCis) {
            Map<String, Tensor[]> byPart = new LinkedHashMap<>();
            long pos = headerBytes;
            for (Part p : order) {
                int n = p.perLayer() ? c.numLayers() : 1;
                long bytes = 4 * p.floatsPerLayer();
                Tensor[] views = new Tensor[n];
                for (int l = 0; l < n; l++) {
                    String name = p.perLayer() ? "blk." + l + "." + p.name() + ".weight" : p.name();
                    views[l] = new Tensor(name, GgmlType.F32, Shape.of(p.ne()), seg.asSlice(pos, bytes));
                    pos += bytes;
                }
                byPart.put(p.name(), views);
            }
            if (hasFreqCis) {
                pos += 4 * freqCisFloats(); // unused: jllm computes RoPE itself
            }
            Tensor embed = byPart.get("token_embd.weight")[0];
            Tensor output = c.sharedClassifier() ? embed : new Tensor(classifier.name(), GgmlType.F32,
                    Shape.of(classifier.ne()), seg.asSlice(pos, 4 * classifier.floatsPerLayer()));
            // data-flow order, whatever the file order
            Map<String, Tensor> out = new LinkedHashMap<>();
            out.put(embed.name(), embed);
            String[] block = {"attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm", "ffn_gate",
                    "ffn_down", "ffn_up"};
            for (int l = 0; l < c.numLayers(); l++) {
                for (String b : block) {
                    Tensor t = byPart.get(b)[l];
                    out.put(t.name(), t);
                }
            }
            Tensor norm = byPart.get("output_norm.weight")[0];
            out.put(norm.name(), norm);
            out.put(classifier.name(), output);
            return out;
        }
    }
}

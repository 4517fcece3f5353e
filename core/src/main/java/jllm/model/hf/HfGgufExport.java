package jllm.model.hf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jllm.format.ModelFormatException;
import jllm.format.gguf.GgufMetadata;
import jllm.format.gguf.GgufValue;
import jllm.format.gguf.GgufValueType;
import jllm.format.gguf.GgufWriter;
import jllm.format.json.Json;
import jllm.kernel.Quantizer;
import jllm.model.Architecture;
import jllm.model.Architectures;
import jllm.model.ModelSource;
import jllm.model.blocks.Rope;
import jllm.tensor.GgmlType;
import jllm.tensor.Tensor;
import jllm.tokenizer.HfVocabulary;

/**
 * Writes a Hugging Face folder as the GGUF file llama.cpp's {@code convert_hf_to_gguf.py} writes for it:
 * the same keys in the same order, the same tensors (names, order, types, bytes), so a file from either
 * converter runs the same anywhere.
 * <ul>
 * <li>Keys: general.architecture, keys the computed tensors add ({@link HfConversion#extraTensors}),
 *     general.type, the sampling defaults, name and size label ({@link GeneralKeys}), the family's keys
 *     ({@link HfConversion#metadata}) with
 *     {@code general.file_type}, {@code general.quantization_version}, then the tokenizer
 *     ({@link HfConversion#vocabulary}).</li>
 * <li>Tensors: computed ones first, then the folder's in the converter's order ({@link HfCheckpoint}),
 *     with the family's transforms; q and k rows permuted for NORM rope where the family's GGUF expects
 *     it ({@link HfConversion#ggufRope}).</li>
 * <li>Types ({@link #outputType}): vectors, norms, biases and routers F32; every other matrix (token
 *     embedding and classifier included) in the chosen type, Q8_0 falling back to F16 for rows that are
 *     not whole blocks. The encodings are gguf-py's, byte for byte.</li>
 * </ul>
 * One tensor at a time is converted while the file is written.
 *
 * <pre>{@code
 * try (ModelSource src = ModelSources.safetensors(Path.of("Qwen3-0.6B"))) {
 *     HfGgufExport.write(src, HfGgufExport.OutType.Q8_0, Path.of("qwen3-0.6b-q8_0.gguf"));
 * }
 * }</pre>
 */
public final class HfGgufExport {
    private HfGgufExport() {
    }

    /** The converter's {@code --outtype}s, with the {@code general.file_type} each writes. */
    public enum OutType {
        F32(GgmlType.F32, 0), F16(GgmlType.F16, 1), BF16(GgmlType.BF16, 32), Q8_0(GgmlType.Q8_0, 7),
        /** BF16 for a checkpoint whose first matrix is BF16, else F16 (the converter's "auto"). */
        AUTO(null, -1);

        private final GgmlType type;
        private final int fileType;

        OutType(GgmlType type, int fileType) {
            this.type = type;
            this.fileType = fileType;
        }

        /** The type by name, case-insensitive; a message names the choices otherwise. */
        public static OutType parse(String name) {
            for (OutType t : values()) {
                if (t.name().equalsIgnoreCase(name)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("a Hugging Face folder converts to F32, F16, BF16, Q8_0 or AUTO, as "
                    + "llama.cpp's converter does, not " + name + " (convert, then jllm quantize the GGUF)");
        }

        /** AUTO decided by the first matrix of the checkpoint (in the converter's order). */
        OutType resolve(Iterable<Tensor> tensors) {
            if (this != AUTO) {
                return this;
            }
            for (Tensor t : tensors) {
                if (t.shape().rank() >= 2 && t.type() == GgmlType.BF16) {
                    return BF16;
                }
                if (t.shape().rank() >= 2 && t.type() == GgmlType.F16) {
                    return F16;
                }
            }
            return F16;
        }
    }

    /** Weights the converter keeps in F32 whatever the type: routers, convolutions, position tables. */
    private static final Pattern F32_WEIGHTS = Pattern.compile("(blk\\.\\d+\\.(ffn_gate_inp|ffn_gate_inp_shexp|ssm_conv1d"
            + "|ssm_conv1d_[qkv]|shortconv\\.conv|time_mix_(first|w1|w2|decay_w1|decay_w2|lerp_fused)"
            + "|altup_(correct|predict)_coef)|posnet\\.\\d+\\.norm[12]|position_embd|token_types|[va]\\.position_embd)\\.weight");
    private static final Pattern Q_OR_K = Pattern.compile("blk\\.(\\d+)\\.attn_([qk])\\.(weight|bias)");

    /**
     * Writes {@code source} (a folder opened by {@link HfCheckpoint}) to {@code out} with its matrices in
     * {@code type}.
     */
    public static void write(ModelSource source, OutType type, Path out) {
        if (!source.format().equals("safetensors")) {
            throw new IllegalArgumentException(source.path() + " is not a Hugging Face folder");
        }
        Path dir = source.path();
        Architecture arch = Architectures.forSource(source);
        HfConversion conv = arch.hf().orElseThrow(() -> new IllegalArgumentException(arch.name() + " has no Hugging Face conversion"));
        HfConfig config = HfConfig.of(Json.readObject(dir.resolve("config.json")), dir.resolve("config.json").toString());
        HfVocabulary vocab = HfVocabulary.read(dir);
        OutType resolved = type.resolve(source.tensors().values());
        // HfCheckpoint keeps Hugging Face's q/k rows (NEOX pairs); llama.cpp's converter permutes them for NORM rope
        boolean permute = source.ropeStyle().equals(Optional.of(Rope.Style.NEOX)) && conv.ggufRope() == Rope.Style.NORM;
        GgufWriter.Builder w = GgufWriter.builder();
        keys(source, conv, config, vocab, resolved).asMap().forEach(w::put);
        for (Map.Entry<String, Tensor> e : source.tensors().entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            GgmlType target = outputType(name, t, resolved);
            int heads = permute ? permutedHeads(name, source.metadata(), arch.name()) : 0;
            w.addTensor(name, target, t.shape(), arena -> bytes(t, heads, target, arena));
        }
        w.write(out);
    }

    /**
     * The keys in the converter's order: architecture, the keys of computed tensors, type, the folder's
     * general.* keys, the family's keys with the file type, the quantization version, the tokenizer.
     */
    private static GgufKeys keys(ModelSource source, HfConversion conv, HfConfig config, HfVocabulary vocab, OutType type) {
        Path dir = source.path();
        GgufKeys k = new GgufKeys().put("general.architecture", source.metadata().get("general.architecture").orElseThrow());
        // keys the computed tensors add (Phi-3's attention factor) precede general.type in the source, as in the converter
        boolean beforeType = true;
        for (Map.Entry<String, GgufValue> e : source.metadata().asMap().entrySet()) {
            String key = e.getKey();
            if (key.equals("general.type")) {
                beforeType = false;
                k.str("general.type", "model");
                GeneralKeys.write(Optional.ofNullable(readJsonIfPresent(dir.resolve("generation_config.json"))).orElse(Map.of()),
                        config.raw(), String.valueOf(dir.toAbsolutePath().normalize().getFileName()),
                        GeneralKeys.Params.of(source.tensors()), k);
            } else if (!key.equals("general.architecture") && !key.equals("general.name") && !key.startsWith("tokenizer.")) {
                k.put(key, e.getValue());
            }
        }
        if (beforeType) {
            throw new IllegalStateException(source.path() + ": no general.type among the source's keys"); // HfCheckpoint writes it
        }
        k.u32("general.file_type", type.fileType); // in its place when the family wrote it
        k.u32("general.quantization_version", 2);
        conv.vocabulary(config, vocab, k);
        return k;
    }

    /**
     * The type the converter writes a tensor in: F32 for vectors, norms, anything but a {@code .weight},
     * and the weights in {@link #F32_WEIGHTS}; else the output type, with F16 for Q8_0 rows that are not
     * whole blocks (gguf-py's QuantError fallback).
     */
    static GgmlType outputType(String name, Tensor t, OutType type) {
        if (t.shape().rank() <= 1 || name.endsWith("_norm.weight") || !name.endsWith(".weight")
                || F32_WEIGHTS.matcher(name).matches()) {
            return GgmlType.F32;
        }
        return Quantizer.fits(t, type.type) ? type.type : GgmlType.F16;
    }

    /** The head count whose rows llama.cpp permutes in this tensor (q: heads, k: KV heads), or 0 for none. */
    private static int permutedHeads(String name, GgufMetadata m, String arch) {
        var match = Q_OR_K.matcher(name);
        if (!match.matches()) {
            return 0;
        }
        int layer = Integer.parseInt(match.group(1));
        String key = arch + ".attention." + (match.group(2).equals("q") ? "head_count" : "head_count_kv");
        if (match.group(2).equals("k") && !m.has(key)) {
            key = arch + ".attention.head_count";
        }
        GgufValue v = m.get(key).orElseThrow(() -> m.error(arch + ".attention.head_count", "missing"));
        long heads = v.type() == GgufValueType.ARRAY ? m.integerArray(key).orElseThrow()[layer] : m.integer(key).orElseThrow();
        return Math.toIntExact(heads);
    }

    /** The tensor's bytes in {@code target}: rows permuted first when {@code heads} > 0, then re-encoded. */
    private static MemorySegment bytes(Tensor t, int heads, GgmlType target, Arena arena) {
        Tensor src = heads > 0 ? permuted(t, heads, arena) : t;
        return Quantizer.convert(src, target, arena).data();
    }

    /**
     * llama.cpp's {@code LlamaModel.permute}: in each head of D rows (a bias: D values), row
     * {@code 2i + j} becomes row {@code j*D/2 + i}, which turns Hugging Face's rotate-half pairs
     * (i, i + D/2) into the adjacent pairs of NORM rope.
     */
    static Tensor permuted(Tensor t, int heads, Arena arena) {
        boolean vector = t.shape().rank() == 1;
        long units = vector ? t.cols() : t.rows();
        long unitBytes = vector ? t.type().bytesFor(1) : t.rowBytes();
        if (vector && t.type().blockSize != 1 || units % heads != 0 || units / heads % 2 != 0) {
            throw new ModelFormatException(t.name(), "shape", t.shape() + " cannot be split into " + heads
                    + " heads of rotary pairs", null);
        }
        long d = units / heads;
        MemorySegment out = arena.allocate(t.data().byteSize(), 64);
        for (long h = 0; h < heads; h++) {
            for (long i = 0; i < d / 2; i++) {
                for (long j = 0; j < 2; j++) {
                    long from = h * d + j * (d / 2) + i;
                    long to = h * d + 2 * i + j;
                    MemorySegment.copy(t.data(), from * unitBytes, out, to * unitBytes, unitBytes);
                }
            }
        }
        return new Tensor(t.name(), t.type(), t.shape(), out);
    }

    /** generation_config.json; like gguf-py, a missing or unreadable one counts as empty. */
    private static Map<String, Object> readJsonIfPresent(Path p) {
        try {
            return Files.isRegularFile(p) ? Json.readObject(p) : null;
        } catch (ModelFormatException e) {
            return null;
        }
    }
}

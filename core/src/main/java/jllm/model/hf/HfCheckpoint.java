package jllm.model.hf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

import jllm.format.ModelFormatException;
import jllm.format.gguf.GgufMetadata;
import jllm.format.safetensors.SafetensorsFile;
import jllm.format.safetensors.SafetensorsFolder;
import jllm.kernel.Kernels;
import jllm.model.Architecture;
import jllm.model.Architectures;
import jllm.model.ModelSource;
import jllm.model.blocks.Rope;
import jllm.tensor.GgmlType;
import jllm.tensor.Shape;
import jllm.tensor.Tensor;
import jllm.tokenizer.HfVocabulary;

/**
 * A Hugging Face safetensors folder as a {@link ModelSource} in GGUF's vocabulary: {@code model_type}
 * picks the family, whose {@link HfConversion} turns config.json into its GGUF keys and the tensors into
 * GGUF names (views of the mapped files; only transformed tensors are copied). The q/k rows of families
 * whose GGUF weights llama.cpp permutes stay as they are here: the source says their rope is NEOX-paired.
 * Experts stored one matrix each are stacked into the converter's 3-D tensors ({@link HfNames#withExperts}):
 * those are copied (once, in their type), since the matrices of one kind do not lie together in the file.
 *
 * <pre>{@code
 * try (ModelSource s = HfCheckpoint.open(Path.of("Qwen3-0.6B"))) {
 *     LanguageModel m = Architectures.forSource(s).load(s, kernels);
 * }
 * }</pre>
 */
public final class HfCheckpoint {
    private HfCheckpoint() {
    }

    /** Opens a folder (or the folder of a {@code .safetensors} file). */
    public static ModelSource open(Path path) {
        Path dir = path.toFile().isDirectory() ? path : path.toAbsolutePath().getParent();
        SafetensorsFolder folder = SafetensorsFolder.open(dir);
        try {
            String file = dir.resolve(SafetensorsFolder.CONFIG).toString();
            HfConfig cfg = HfConfig.of(folder.config(), file);
            Architecture arch = Architectures.forHfModelType(cfg.string("model_type"), file);
            HfConversion conv = arch.hf().orElseThrow();
            GgufKeys keys = new GgufKeys().str("general.architecture", arch.name());
            // llama.cpp's converter order: computed tensors first (a key they add comes before general.type),
            // then shard files by name, tensors by name in each
            Map<String, Tensor> tensors = new LinkedHashMap<>(conv.extraTensors(cfg, keys));
            keys.str("general.type", "model").str("general.name", String.valueOf(dir.getFileName()));
            conv.metadata(cfg, keys);
            HfNames names = conv.names();
            Map<List<String>, Map<String, Tensor[]>> experts = new LinkedHashMap<>(); // a layer's stacked names -> their parts
            try (Kernels scalar = Kernels.scalar()) {
                for (String hfName : converterOrder(folder)) {
                    if (conv.skips(hfName)) {
                        continue;
                    }
                    if (conv.reshapes(hfName)) {
                        Tensor t = folder.tensor(hfName);
                        tensors.putAll(conv.reshape(hfName, t, scalar.dequantize(t)));
                        continue;
                    }
                    Optional<HfNames.ExpertPart> part = names.expertPart(hfName);
                    if (part.isPresent()) {
                        collect(cfg, part.get(), folder.tensor(hfName), experts, tensors);
                        continue;
                    }
                    String name = names.toGguf(hfName).orElseThrow(() -> new ModelFormatException(file, hfName,
                            "tensor has no place in a " + arch.name() + " model (jllm does not know what it is for)", null));
                    Tensor t = folder.tensor(hfName);
                    Shape shape = conv.shape(name, t.shape());
                    if (shape.elementCount() != t.shape().elementCount()) {
                        throw new ModelFormatException(file, hfName, "shape " + t.shape() + " cannot be stored as " + shape, null);
                    }
                    if (conv.transforms(name)) {
                        float[] v = scalar.dequantize(t);
                        conv.transform(name, v);
                        tensors.put(name, Tensor.ofFloats(name, shape, v));
                    } else {
                        tensors.put(name, new Tensor(name, t.type(), shape, t.data()));
                    }
                }
            }
            if (!experts.isEmpty()) {
                throw new ModelFormatException(file, experts.keySet().iterator().next().getFirst(), "the folder does not hold all "
                        + expertCount(cfg) + " experts of this tensor", null);
            }
            if (cfg.bool("tie_word_embeddings", false)) {
                tensors.remove("output.weight"); // llama.cpp's converter writes no classifier for tied models
            }
            keys.u32("general.file_type", fileType(tensors.values()));
            Optional<Rope.Style> rope = conv.ggufRope() == Rope.Style.NORM ? Optional.of(Rope.Style.NEOX) : Optional.empty();
            return new ModelSource("safetensors", dir, new GgufMetadata(file, keys.asMap()), tensors, rope, folder);
        } catch (RuntimeException e) {
            folder.close();
            throw e;
        }
    }

    /**
     * Keeps one expert's matrix; once every expert of every kind of its layer has arrived, adds the group's
     * stacked tensors in the converter's order (it merges them on the last one).
     */
    private static void collect(HfConfig cfg, HfNames.ExpertPart part, Tensor t, Map<List<String>, Map<String, Tensor[]>> pending,
                                Map<String, Tensor> tensors) {
        int n = expertCount(cfg);
        if (part.expert() >= n) {
            throw new ModelFormatException(cfg.file(), part.stacked(), "expert " + part.expert() + " of " + n + " experts", null);
        }
        Map<String, Tensor[]> group = pending.computeIfAbsent(part.group(), g -> new LinkedHashMap<>());
        group.computeIfAbsent(part.stacked(), s -> new Tensor[n])[part.expert()] = t;
        long arrived = group.values().stream().flatMap(Arrays::stream).filter(Objects::nonNull).count();
        if (arrived < (long) n * part.group().size()) {
            return;
        }
        for (String name : part.group()) {
            tensors.put(name, stack(cfg, name, group.get(name)));
        }
        pending.remove(part.group());
    }

    /** Matrices of one type and shape as one 3-D tensor, ne (cols, rows, count): the converter's torch.stack. */
    private static Tensor stack(HfConfig cfg, String name, Tensor[] parts) {
        Tensor first = parts[0];
        for (Tensor p : parts) {
            if (p.shape().rank() != 2 || !p.shape().equals(first.shape()) || p.type() != first.type()) {
                throw new ModelFormatException(cfg.file(), name, "experts of different shapes or types: " + first + ", " + p, null);
            }
        }
        long bytes = first.data().byteSize();
        MemorySegment data = Arena.ofAuto().allocate(bytes * parts.length, 64);
        for (int e = 0; e < parts.length; e++) {
            MemorySegment.copy(parts[e].data(), 0, data, e * bytes, bytes);
        }
        return new Tensor(name, first.type(), Shape.of(first.cols(), first.rows(), parts.length), data);
    }

    /** The number of experts per layer ({@code num_local_experts} or {@code num_experts}), 0 for a dense model. */
    public static int expertCount(HfConfig c) {
        return c.integer("num_local_experts", c.integer("num_experts", 0));
    }

    /** Tensor names in the order llama.cpp's converter reads them: shard files sorted by name, names sorted in each. */
    private static List<String> converterOrder(SafetensorsFolder folder) {
        List<SafetensorsFile> shards = new ArrayList<>(folder.shards());
        shards.sort(Comparator.comparing(f -> Path.of(f.file()).getFileName().toString()));
        List<String> order = new ArrayList<>();
        for (SafetensorsFile f : shards) {
            f.tensorInfos().keySet().stream().filter(folder.tensors()::containsKey).sorted().forEach(order::add);
        }
        return order;
    }

    /**
     * The {@code general.file_type} of the folder as it is (llama.cpp's {@code LlamaFileType}): MOSTLY_BF16
     * (32) or MOSTLY_F16 (1) after the first matrix in that type, else ALL_F32 (0). {@code jllm convert}
     * writes the type it converts to.
     */
    static int fileType(Iterable<Tensor> tensors) {
        for (Tensor t : tensors) {
            if (t.shape().rank() >= 2 && t.type() == GgmlType.BF16) {
                return 32;
            }
            if (t.shape().rank() >= 2 && t.type() == GgmlType.F16) {
                return 1;
            }
        }
        return 0;
    }

    /**
     * The keys every decoder family writes, as the converter's {@code TextModel.set_gguf_parameters}, in
     * its order: block count, context, widths, heads, the rope scaling of the full-attention layers
     * ({@link #ropeScalingKeys}), rope base, RMSNorm epsilon, expert counts and head size when config.json
     * gives them, and {@code general.file_type}. Rope settings are read in both styles ({@link HfConfig#rope}).
     */
    public static void commonKeys(HfConfig c, GgufKeys k, String arch) {
        commonKeys(c, k, arch, OptionalDouble.empty());
    }

    /**
     * {@link #commonKeys(HfConfig, GgufKeys, String)} with {@code rope.freq_base_swa} after the rope base:
     * the sliding layers' base, which the converter writes when transformers' config has one (Gemma 3's
     * always has, 10000 by default).
     */
    public static void commonKeys(HfConfig c, GgufKeys k, String arch, OptionalDouble slidingTheta) {
        k.u32(arch + ".block_count", c.integer("num_hidden_layers"));
        k.u32(arch + ".context_length", c.integer("max_position_embeddings", 4096));
        k.u32(arch + ".embedding_length", c.integer("hidden_size"));
        k.u32(arch + ".feed_forward_length", c.integer("intermediate_size"));
        int heads = c.integer("num_attention_heads");
        k.u32(arch + ".attention.head_count", heads);
        k.u32(arch + ".attention.head_count_kv", c.integer("num_key_value_heads", heads));
        HfConfig.RopeParameters rope = c.rope("full_attention", 10000);
        ropeScalingKeys(rope, k, arch);
        k.f32(arch + ".rope.freq_base", rope.theta());
        slidingTheta.ifPresent(theta -> k.f32(arch + ".rope.freq_base_swa", theta));
        k.f32(arch + ".attention.layer_norm_rms_epsilon", c.number("rms_norm_eps", 1e-6));
        if (expertCount(c) > 0) {
            k.u32(arch + ".expert_count", expertCount(c));
        }
        if (c.has("num_experts_per_tok")) {
            k.u32(arch + ".expert_used_count", c.integer("num_experts_per_tok"));
        }
        if (c.has("head_dim")) {
            k.u32(arch + ".attention.key_length", c.integer("head_dim"));
            k.u32(arch + ".attention.value_length", c.integer("head_dim"));
        }
        k.u32("general.file_type", 0); // its place; open() sets the value
    }

    /**
     * The rope scaling keys {@code TextModel} writes: type and factor for linear and YaRN scaling with a
     * factor (YaRN adds the original context and its optional parameters), the type alone for LongRoPE,
     * nothing for other types (Llama 3's is a tensor). Which types a family runs is the family's check:
     * this writes what the converter writes, whatever the family supports.
     */
    static void ropeScalingKeys(HfConfig.RopeParameters rope, GgufKeys k, String arch) {
        String p = arch + ".rope.scaling.";
        boolean factor = rope.scaling().get("factor") instanceof Number;
        switch (rope.type()) {
            case "linear" -> {
                if (factor) {
                    k.str(p + "type", "linear").f32(p + "factor", rope.number("factor", 1));
                }
            }
            case "yarn" -> {
                if (factor) {
                    // as transformers fills it in: a top-level value first, else the parameters', else the context
                    HfConfig c = rope.config();
                    double original = c.has("original_max_position_embeddings") ? c.integer("original_max_position_embeddings")
                            : rope.number("original_max_position_embeddings", c.integer("max_position_embeddings", 4096));
                    if (original < 1 || original > HfConfig.MAX_INT || original != Math.rint(original)) {
                        throw c.error("original_max_position_embeddings", "not a positive integer up to 2^24: " + original);
                    }
                    k.str(p + "type", "yarn").f32(p + "factor", rope.number("factor", 1)).u32(p + "original_context_length", (long) original);
                    String[][] optional = {{"extrapolation_factor", "yarn_ext_factor"},
                        {rope.scaling().containsKey("attention_factor") ? "attention_factor" : "attn_factor", "yarn_attn_factor"},
                        {"beta_fast", "yarn_beta_fast"}, {"beta_slow", "yarn_beta_slow"}};
                    for (String[] o : optional) {
                        if (rope.scaling().get(o[0]) instanceof Number) {
                            k.f32(p + o[1], rope.number(o[0], 0));
                        }
                    }
                }
            }
            case "su", "longrope" -> k.str(p + "type", "longrope");
            default -> {
            }
        }
    }

    /**
     * The tokenizer keys as the converter's {@code LlamaModel.set_vocab} writes them, which llama, mistral,
     * granite and smollm3 share: tokenizer_config.json's add_prefix_space first, then the vocabulary, and
     * no BOS for a vocabulary of 49152 tokens (SmolLM, small Granite).
     */
    public static void llamaVocabulary(HfConfig c, HfVocabulary vocab, GgufKeys k) {
        vocab.tokenizerConfigFlag("add_prefix_space").ifPresent(b -> k.bool("tokenizer.ggml.add_space_prefix", b));
        vocab.keys().asMap().forEach(k::put);
        if (c.integer("vocab_size", 32000) == 49152) {
            k.bool("tokenizer.ggml.add_bos_token", false);
        }
    }

    /**
     * The keys of the converter's {@code LlamaModel}, which the families derived from it (granite,
     * smollm3) write too: {@link #commonKeys}, {@code vocab_size}, and {@code rope.dimension_count}
     * ({@code head_dim}, else hidden_size / num_attention_heads). Which rope scaling types run is the
     * family's check; their keys come with the common ones.
     */
    public static void llamaKeys(HfConfig c, GgufKeys k, String arch) {
        commonKeys(c, k, arch);
        if (c.has("vocab_size")) {
            k.u32(arch + ".vocab_size", c.integer("vocab_size"));
        }
        k.u32(arch + ".rope.dimension_count", c.integer("head_dim", c.integer("hidden_size") / c.integer("num_attention_heads")));
    }

    /** A computed F32 tensor (rope factors and the like). */
    public static Tensor floats(String name, float[] values) {
        return Tensor.ofFloats(name, Shape.of(values.length), values);
    }
}

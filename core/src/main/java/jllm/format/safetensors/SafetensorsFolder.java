package jllm.format.safetensors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jllm.format.ModelFormatException;
import jllm.format.ReadLimits;
import jllm.format.json.Json;
import jllm.format.json.JsonException;
import jllm.tensor.Tensor;

/**
 * A Hugging Face model folder: {@code config.json}, the weights in {@code model.safetensors} or in the
 * shards named by {@code model.safetensors.index.json}'s {@code weight_map}, and the tokenizer files.
 * Tensor names are Hugging Face's; {@code jllm.model.hf.HfNames} maps them to GGUF names. A folder
 * holding only PyTorch pickles ({@code pytorch_model.bin}, {@code *.pt}, {@code *.pth}) is refused.
 *
 * <pre>{@code
 * try (SafetensorsFolder hf = SafetensorsFolder.open(Path.of("Qwen2.5-0.5B-Instruct"))) {
 *     Object layers = hf.config().get("num_hidden_layers");
 *     Tensor embd = hf.tensors().get("model.embed_tokens.weight");
 * }
 * }</pre>
 */
public final class SafetensorsFolder implements AutoCloseable {
    public static final String CONFIG = "config.json";
    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";

    private final Path dir;
    private final Map<String, Object> config;
    private final List<SafetensorsFile> shards;
    private final Map<String, SafetensorsFile> shardOf;
    private final Map<String, Tensor> tensors;

    private SafetensorsFolder(Path dir, Map<String, Object> config, List<SafetensorsFile> shards,
                              Map<String, SafetensorsFile> shardOf) {
        this.dir = dir;
        this.config = config;
        this.shards = List.copyOf(shards);
        this.shardOf = Collections.unmodifiableMap(shardOf);
        this.tensors = new LazyTensorMap(shardOf.keySet(), n -> this.shardOf.get(n).tensor(n));
    }

    /** Opens a model folder with the default limits. */
    public static SafetensorsFolder open(Path dir) {
        return open(dir, ReadLimits.DEFAULT);
    }

    /** Opens a model folder: parses config.json and the index, maps every shard. */
    public static SafetensorsFolder open(Path dir, ReadLimits limits) {
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException(dir, "folder", Files.exists(dir)
                    ? "is a file, not a model folder (open a single file with SafetensorsFile)"
                    : "does not exist");
        }
        Map<String, Object> config = readJson(dir.resolve(CONFIG), limits);
        List<SafetensorsFile> opened = new ArrayList<>();
        try {
            Map<String, SafetensorsFile> shardOf = new LinkedHashMap<>();
            Path single = dir.resolve(SINGLE);
            Path index = dir.resolve(INDEX);
            if (Files.isRegularFile(single)) {
                SafetensorsFile f = SafetensorsFile.open(single, limits);
                opened.add(f);
                f.tensorInfos().keySet().forEach(n -> shardOf.put(n, f));
            } else if (Files.isRegularFile(index)) {
                openShards(dir, index, limits, opened, shardOf);
            } else {
                refuseOtherWeights(dir);
                throw new ModelFormatException(dir, "weights", "no " + SINGLE + " and no " + INDEX + " in the folder");
            }
            return new SafetensorsFolder(dir, config, opened, shardOf);
        } catch (RuntimeException e) {
            opened.forEach(SafetensorsFile::close);
            throw e;
        }
    }

    private static void openShards(Path dir, Path index, ReadLimits limits, List<SafetensorsFile> opened,
                                   Map<String, SafetensorsFile> shardOf) {
        Map<String, Object> json = readJson(index, limits);
        if (!(json.get("weight_map") instanceof Map<?, ?> weightMap)) {
            throw new ModelFormatException(index, "weight_map", "missing or not a JSON object");
        }
        Map<String, SafetensorsFile> byShard = new LinkedHashMap<>();
        Path root = dir.toAbsolutePath().normalize();
        for (Map.Entry<?, ?> e : weightMap.entrySet()) {
            String name = (String) e.getKey();
            if (!(e.getValue() instanceof String shardName) || shardName.isEmpty()) {
                throw new ModelFormatException(index, "weight_map." + name, "is not a file name");
            }
            SafetensorsFile shard = byShard.get(shardName);
            if (shard == null) {
                Path p = root.resolve(shardName).normalize();
                if (!p.startsWith(root) || p.equals(root)) {
                    throw new ModelFormatException(index, "weight_map." + name, "shard \"" + shardName
                            + "\" lies outside the model folder");
                }
                if (!Files.isRegularFile(p)) {
                    throw new ModelFormatException(index, "weight_map." + name, "shard \"" + shardName
                            + "\" does not exist");
                }
                shard = SafetensorsFile.open(p, limits);
                opened.add(shard);
                byShard.put(shardName, shard);
            }
            if (!shard.hasTensor(name)) {
                throw new ModelFormatException(index, "weight_map." + name, "shard \"" + shardName
                        + "\" holds no tensor of this name");
            }
            shardOf.put(name, shard);
        }
    }

    /** Refuses a folder whose weights are PyTorch pickles, saying what to do. */
    private static void refuseOtherWeights(Path dir) {
        List<String> pickles = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.endsWith(".bin") || n.endsWith(".pt") || n.endsWith(".pth") || n.equals("pytorch_model.bin.index.json")) {
                    pickles.add(n);
                }
            }
        } catch (IOException e) {
            throw new ModelFormatException(dir.toString(), "folder", "cannot list (" + e + ")", e);
        }
        if (!pickles.isEmpty()) {
            Collections.sort(pickles);
            throw new ModelFormatException(dir, "weights", "holds PyTorch pickle weights " + pickles + " but no "
                    + SINGLE + "; jllm does not load pickles (loading one can run arbitrary code): convert it to"
                    + " safetensors, e.g. with transformers' save_pretrained(..., safe_serialization=True)");
        }
    }

    /** Reads a JSON object file, every problem a ModelFormatException naming it. */
    static Map<String, Object> readJson(Path p, ReadLimits limits) {
        String text;
        try {
            if (!Files.isRegularFile(p)) {
                throw new ModelFormatException(p, "file", "is missing");
            }
            long size = Files.size(p);
            if (size > Math.min(limits.maxHeaderBytes(), Integer.MAX_VALUE - 8)) {
                throw new ModelFormatException(p, "file", size + " bytes is more than the " + limits.maxHeaderBytes()
                        + " a JSON file may have");
            }
            text = new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelFormatException(p.toString(), "file", "cannot read (" + e + ")", e);
        }
        try {
            return Collections.unmodifiableMap(Json.parseObject(text, p.getFileName().toString()));
        } catch (JsonException e) {
            throw new ModelFormatException(p.toString(), "json", e.getMessage(), e);
        }
    }

    /** The folder. */
    public Path dir() {
        return dir;
    }

    /** config.json as parsed by {@link Json} (architectures, sizes, ...): parse it once into a typed record. */
    public Map<String, Object> config() {
        return config;
    }

    /** Every tensor, Hugging Face names, as views made on access (see {@link SafetensorsFile#tensors()}). */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** One tensor by Hugging Face name. */
    public Tensor tensor(String name) {
        SafetensorsFile f = shardOf.get(name);
        if (f == null) {
            throw new ModelFormatException(dir, name, "tensor not found in the model folder");
        }
        return f.tensor(name);
    }

    /** The safetensors files, in the order first named. */
    public List<SafetensorsFile> shards() {
        return shards;
    }

    /** tokenizer.json, when the folder has one. */
    public Optional<Path> tokenizerJson() {
        return existing(TOKENIZER);
    }

    /** tokenizer_config.json (chat template, special tokens), when the folder has one. */
    public Optional<Path> tokenizerConfigJson() {
        return existing(TOKENIZER_CONFIG);
    }

    private Optional<Path> existing(String name) {
        Path p = dir.resolve(name);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    @Override
    public void close() {
        shards.forEach(SafetensorsFile::close);
    }
}

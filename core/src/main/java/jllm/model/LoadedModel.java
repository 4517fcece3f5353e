package jllm.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jllm.format.FileHead;
import jllm.format.ModelFormatException;
import jllm.format.llama2c.Llama2cCheckpoint;
import jllm.hub.HfCache;
import jllm.kernel.Kernels;
import jllm.model.hf.HfChatTemplate;
import jllm.tokenizer.Tokenizer;
import jllm.tokenizer.TokenizerCache;
import jllm.tokenizer.Tokenizers;

/**
 * A model ready to run: its source files, the forward pass, its tokenizer and chat template.
 *
 * <pre>{@code
 * try (LoadedModel m = LoadedModel.open(Path.of("model.gguf"), LoadedModel.Options.DEFAULT)) {
 *     int[] ids = m.tokenizer().encode("Hello");
 *     float[] logits = m.model().forward(m.model().newCache(64), ids, LanguageModel.Logits.LAST);
 * }
 * }</pre>
 */
public final class LoadedModel implements AutoCloseable {

    /**
     * @param tokenizer a tokenizer file to use instead of the model's own (llama2.c's tokenizer.bin,
     *                  a tokenizer.json, or a GGUF)
     * @param threads   compute threads; 0 = all cores
     * @param warmUp    whether the kernels are run on the model's own weights while it loads (see
     *                  KernelWarmUp), so that the first prompt finds them compiled
     */
    public record Options(Optional<Path> tokenizer, int threads, boolean warmUp) {
        public static final Options DEFAULT = new Options(Optional.empty(), 0);

        /** With the kernel warm-up. */
        public Options(Optional<Path> tokenizer, int threads) {
            this(tokenizer, threads, true);
        }

        /**
         * The same without the kernel warm-up: for a prompt that follows the load at once. On two cores
         * the warm-up competes with the tokenizer's build and the JIT, and the first token came 0-0.7 s
         * later with it (docs/performance.md); it pays where the model waits after loading (a server,
         * a chat's first question).
         */
        public Options withoutWarmUp() {
            return new Options(tokenizer, threads, false);
        }
    }

    private final ModelSource source;
    private final Kernels kernels;
    private final LanguageModel model;
    private final Tokenizer tokenizer;
    private final Optional<String> chatTemplate;

    private LoadedModel(ModelSource source, Kernels kernels, LanguageModel model, Tokenizer tokenizer,
                        Optional<String> chatTemplate) {
        this.source = source;
        this.kernels = kernels;
        this.model = model;
        this.tokenizer = tokenizer;
        this.chatTemplate = chatTemplate;
    }

    /** Opens a model file or folder of any supported format and builds its forward pass. */
    public static LoadedModel open(Path path, Options options) {
        ModelSource source = openSource(path);
        Kernels kernels = options.threads() > 0 ? Kernels.vector(options.threads()) : Kernels.best();
        // The kernels warm up (see KernelWarmUp), if asked, while this thread builds the tokenizer and
        // the model: the load then ends when both are done.
        Thread warmUp = options.warmUp()
                ? Thread.ofPlatform().name("jllm-warm-up").start(() -> KernelWarmUp.run(source, kernels))
                : null;
        try {
            Tokenizer tok = options.tokenizer().isPresent() ? openTokenizer(options.tokenizer().get(), source)
                    : defaultTokenizer(source);
            LanguageModel model = Architectures.forSource(source).load(source, kernels);
            if (tok.vocabulary().size() > model.info().vocabSize()) {
                throw new ModelFormatException(path.toString(), "tokenizer", "the tokenizer has "
                        + tok.vocabulary().size() + " tokens but the model only " + model.info().vocabSize(), null);
            }
            joinQuietly(warmUp);
            return new LoadedModel(source, kernels, model, tok, chatTemplate(source));
        } catch (RuntimeException e) {
            joinQuietly(warmUp);
            kernels.close();
            source.close();
            throw e;
        }
    }

    /** Waits for t (if any); an interrupt is kept for the caller to see. */
    private static void joinQuietly(Thread t) {
        if (t == null) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Opens only the tokenizer of a model (works on vocabulary-only GGUF files). */
    public static Tokenizer openTokenizerOnly(Path path, Optional<Path> tokenizerFile) {
        if (tokenizerFile.isPresent()) {
            return openTokenizer(HfCache.pulledOrSame(tokenizerFile.get()), null);
        }
        try (ModelSource source = openSource(path)) {
            return defaultTokenizer(source);
        }
    }

    /**
     * Opens the model's files without building the forward pass (for inspection). A path that reads
     * {@code hf:OWNER/REPO[:QUANT|/FILE]} is a pulled model, found in the Hugging Face cache without network.
     */
    public static ModelSource openSource(Path path) {
        path = HfCache.pulledOrSame(path);
        if (!Files.exists(path)) {
            throw new ModelFormatException(path.toString(), null, "no such file or folder", null);
        }
        if (Files.isDirectory(path)) {
            return ModelSources.safetensors(path);
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(Math.max(FileHead.READ, Llama2cCheckpoint.LEGACY_HEADER_BYTES));
        } catch (IOException e) {
            throw new ModelFormatException(path.toString(), null, "cannot read: " + e.getMessage(), e);
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        // the magic decides; a .gguf name without it goes to the GGUF reader too, which says what the file is instead
        if ((head.length >= 4 && head[0] == 'G' && head[1] == 'G' && head[2] == 'U' && head[3] == 'F') || name.endsWith(".gguf")) {
            return ModelSources.gguf(path);
        }
        if (head.length >= 2 && ((head[0] == 'P' && head[1] == 'K') || (head[0] == (byte) 0x80 && head[1] >= 2 && head[1] <= 5))) {
            throw new ModelFormatException(path.toString(), null, "this is a PyTorch pickle checkpoint, which jllm "
                    + "does not load (pickles can run code); convert it to safetensors or GGUF", null);
        }
        if (name.endsWith(".safetensors")) {
            return ModelSources.safetensors(path);
        }
        if (!Llama2cCheckpoint.looksLikeHeader(head)) {
            throw new ModelFormatException(path.toString(), null, "not a model file jllm reads (" + FileHead.describe(head)
                    + "; expected a GGUF file, a llama2.c checkpoint, or a safetensors file or folder)" + FileHead.hint(head), null);
        }
        return ModelSources.llama2c(path);
    }

    private static Tokenizer defaultTokenizer(ModelSource source) {
        return switch (source.format()) {
            case "gguf" -> Tokenizers.fromGguf(source.metadata(), TokenizerCache.inUserCacheFolder());
            case "safetensors" -> {
                Path dir = Files.isDirectory(source.path()) ? source.path() : source.path().getParent();
                Path json = dir.resolve("tokenizer.json");
                if (!Files.exists(json)) {
                    throw new ModelFormatException(source.path().toString(), "tokenizer.json",
                            "missing beside the weights (pass one with --tokenizer)", null);
                }
                Path config = dir.resolve("tokenizer_config.json");
                yield Tokenizers.fromHuggingFace(json, Files.exists(config) ? Optional.of(config) : Optional.empty());
            }
            default -> {
                Path dir = source.path().toAbsolutePath().getParent();
                Path bin = dir.resolve("tokenizer.bin");
                if (!Files.exists(bin)) {
                    throw new ModelFormatException(source.path().toString(), "tokenizer", "a llama2.c checkpoint "
                            + "needs its tokenizer.bin: pass it with --tokenizer FILE", null);
                }
                yield Tokenizers.fromLlama2c(bin, source.metadata().stringArray("tokenizer.ggml.tokens").map(List::size)
                        .orElse((int) source.tensor(TensorName.TOKEN_EMBD.global()).rows()));
            }
        };
    }

    private static Tokenizer openTokenizer(Path file, ModelSource source) {
        String name = file.getFileName().toString();
        if (name.endsWith(".json")) {
            Path config = file.resolveSibling("tokenizer_config.json");
            return Tokenizers.fromHuggingFace(file, Files.exists(config) ? Optional.of(config) : Optional.empty());
        }
        if (name.endsWith(".gguf")) {
            try (ModelSource s = ModelSources.gguf(file)) {
                return Tokenizers.fromGguf(s.metadata());
            }
        }
        int vocab = source == null ? -1 : (int) source.tensor(TensorName.TOKEN_EMBD.global()).rows();
        return Tokenizers.fromLlama2c(file, vocab);
    }

    private static Optional<String> chatTemplate(ModelSource source) {
        Optional<String> t = source.metadata().string("tokenizer.chat_template");
        if (t.isPresent() || !source.format().equals("safetensors")) {
            return t;
        }
        return HfChatTemplate.read(Files.isDirectory(source.path()) ? source.path() : source.path().getParent());
    }

    /** The files. */
    public ModelSource source() {
        return source;
    }

    /** The forward pass. */
    public LanguageModel model() {
        return model;
    }

    /** The tokenizer. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The Jinja chat template, when the model has one. */
    public Optional<String> chatTemplate() {
        return chatTemplate;
    }

    /** The compute kernels in use. */
    public Kernels kernels() {
        return kernels;
    }

    @Override
    public void close() {
        kernels.close();
        source.close();
    }
}

package jllm.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import jllm.format.gguf.GgufFile;
import jllm.format.gguf.GgufWriter;
import jllm.kernel.Dense;
import jllm.model.llama.LlamaConfig;
import jllm.tokenizer.Tokenizer;
import jllm.train.bpe.BpeTrainer;
import jllm.train.bpe.BpeVocabulary;
import jllm.train.screen.CorpusScreen;
import jllm.train.screen.ScreenMode;
import jllm.train.screen.ScreenReport;
import jllm.train.screen.ScreenSettings;

/**
 * Pretraining from text files or JSONL, end to end: documents are streamed, exact duplicates dropped
 * (by SHA-256), a byte-level BPE is learned from the corpus head, the corpus is tokenized into a token
 * file (each document preceded by the separator token) and split (the last {@code valFraction} for
 * validation), the model is trained with checkpoints that resume exactly, and the results are written to
 * {@code outDir}: {@code manifest.json} (inputs with sha256, counts, settings), {@code loss.csv},
 * {@code loss.svg}, {@code checkpoint.bin} and {@code model.gguf}.
 *
 * <pre>{@code
 * PretrainResult r = Pretrain.run(config, new ConsoleProgress(System.err));
 * }</pre>
 */
public final class Pretrain {
    private static final System.Logger LOG = System.getLogger(Pretrain.class.getName());

    private Pretrain() {
    }

    /** Runs (or resumes) the pretraining described by {@code c}. */
    public static PretrainResult run(PretrainConfig c, ProgressListener listener) {
        try {
            Files.createDirectories(c.outDir());
            Path tokensPath = c.outDir().resolve("tokens.bin");
            Path tokenizerPath = c.outDir().resolve("tokenizer.gguf");
            Path manifestPath = c.outDir().resolve("manifest.json");
            Path checkpointPath = c.outDir().resolve("checkpoint.bin");
            boolean resuming = c.resume() && Files.exists(checkpointPath) && Files.exists(tokensPath)
                    && Files.exists(tokenizerPath) && Files.exists(manifestPath);
            BpeVocabulary vocab;
            List<Input> manifestInputs;
            if (resuming) {
                // the prepared data of the interrupted run is reused as it is
                try (GgufFile f = GgufFile.open(tokenizerPath)) {
                    vocab = BpeVocabulary.from(GgufTokenizer.from(f.metadata()));
                }
                manifestInputs = null;
            } else {
                Prepared p = prepare(c, tokensPath);
                vocab = p.vocab;
                manifestInputs = p.inputs;
                GgufWriter.Builder b = GgufWriter.builder().putString("general.name", c.name() + " tokenizer");
                tokenizer(vocab, c).putInto(b);
                b.write(tokenizerPath);
            }
            LlamaConfig config = c.shape().config(vocab.size());
            LlamaParams params = new LlamaParams(config, c.shape().tied()).initialize(c.settings().seed());
            long t0 = System.nanoTime();
            try (TokenFile tokens = TokenFile.open(tokensPath); Dense dense = Dense.vector(c.threads())) {
                long valStart = (long) (tokens.length() * (1 - c.valFraction()));
                TokenSequence train = tokens.slice(0, valStart);
                TokenSequence val = tokens.slice(valStart, tokens.length());
                checkSplits(c, train.length(), val.length());
                if (manifestInputs != null) {
                    writeManifest(manifestPath, c, manifestInputs, vocab, tokens.length(), valStart, config, params.count());
                }
                Trainer trainer = new Trainer(params, dense, c.settings());
                int start = resuming ? Checkpoint.load(checkpointPath, params, trainer.optimizer()) : 0;
                LossLog log = resuming ? LossLog.readCsv(c.outDir().resolve("loss.csv"), start) : new LossLog();
                if (resuming) {
                    LOG.log(System.Logger.Level.INFO, "resuming " + c.outDir() + " at step " + start);
                }
                List<ProgressListener.Eval> evals = new ArrayList<>();
                ProgressListener all = new ProgressListener() {
                    @Override
                    public void onStep(Step s) {
                        log.onStep(s);
                        listener.onStep(s);
                        if (c.checkpointEvery() > 0 && s.step() % c.checkpointEvery() == 0 && s.step() < s.steps()) {
                            Checkpoint.save(checkpointPath, params, trainer.optimizer());
                            log.writeCsv(c.outDir().resolve("loss.csv"));
                        }
                    }

                    @Override
                    public void onEval(Eval e) {
                        log.onEval(e);
                        evals.add(e);
                        listener.onEval(e);
                    }
                };
                trainer.run(train, val, all);
                Checkpoint.save(checkpointPath, params, trainer.optimizer());
                log.writeCsv(c.outDir().resolve("loss.csv"));
                log.writeSvg(c.outDir().resolve("loss.svg"), c.name() + ": loss per step");
                double seconds = (System.nanoTime() - t0) / 1e9;
                // the step line's value when the last step was evaluated (the same computation gives the same bits)
                double valLoss = !evals.isEmpty() && evals.getLast().step() == trainer.step()
                        ? evals.getLast().valLoss() : trainer.validationLoss(val);
                Path gguf = c.outDir().resolve("model.gguf");
                params.writeGguf(gguf, tokenizer(vocab, c), c.name(), c.outputType());
                return new PretrainResult(gguf, params, vocab, log.rows(), evals, valLoss, trainer.validationWindows(val),
                        start, trainer.step(), train.length(), val.length(), seconds);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** The GGUF tokenizer of a pretrained model: BOS = EOS = the separator, BOS added. */
    static GgufTokenizer tokenizer(BpeVocabulary vocab, PretrainConfig c) {
        return vocab.toGguf(0, 0, true, c.chatTemplate());
    }

    private record Prepared(BpeVocabulary vocab, List<Input> inputs) {
    }

    /** One input file as the manifest records it. */
    private record Input(String path, long bytes, String sha256, long documents, long duplicatesDropped, long screenDropped,
                         long tokens) {
    }

    /**
     * Runs the corpus screen when the configuration asks for it: writes {@code screen.tsv} beside the
     * model, logs the summary, and returns the documents to leave out (none unless the mode is DROP).
     */
    private static BitSet screen(PretrainConfig c) throws IOException {
        if (c.screen() == ScreenMode.OFF) {
            return new BitSet();
        }
        ScreenReport report = CorpusScreen.screen(sink -> {
            for (Path in : c.inputs()) {
                Documents.read(in, c.split(), sink);
            }
        }, ScreenSettings.defaults());
        Path file = c.outDir().resolve("screen.tsv");
        report.write(file);
        LOG.log(System.Logger.Level.INFO, report.summary() + "; report in " + file
                + (c.screen() == ScreenMode.DROP ? "; the suspects are left out" : "; training on every document"));
        return c.screen() == ScreenMode.DROP ? report.flagged() : new BitSet();
    }

    /** Streams the inputs twice: learns the BPE from the head, then tokenizes every unique document. */
    private static Prepared prepare(PretrainConfig c, Path tokensPath) throws IOException {
        BitSet dropped = screen(c);
        long[] number = {0}; // of the document in reading order over all inputs, as the screen counts
        BpeTrainer bpe = new BpeTrainer(c.specials());
        long[] seen = {0};
        long documents = 0;
        for (Path in : c.inputs()) {
            long[] docs = {0};
            Documents.read(in, c.split(), doc -> {
                docs[0]++;
                if (dropped.get(Math.toIntExact(number[0]++))) {
                    return;
                }
                if (c.tokenizerBytes() <= 0 || seen[0] < c.tokenizerBytes()) {
                    bpe.add(doc);
                    seen[0] += doc.length();
                }
            });
            documents += docs[0];
        }
        if (documents == 0) {
            throw new IllegalArgumentException(noText(c.inputs()));
        }
        BpeVocabulary vocab = bpe.train(c.vocabSize());
        // the tokenizer the GGUF will hold, so inference reads text exactly as training did
        Tokenizer tok = tokenizer(vocab, c).toTokenizer();
        Set<String> hashes = new HashSet<>();
        List<Input> inputs = new ArrayList<>();
        int[] separator = {0};
        number[0] = 0;
        try (TokenFile.Writer w = new TokenFile.Writer(tokensPath)) {
            for (Path in : c.inputs()) {
                long[] docs = {0, 0, 0, 0}; // documents kept, duplicates dropped, tokens, dropped by the screen
                Documents.read(in, c.split(), doc -> {
                    if (dropped.get(Math.toIntExact(number[0]++))) {
                        docs[3]++;
                        return;
                    }
                    if (!hashes.add(sha256(doc.getBytes(StandardCharsets.UTF_8)))) {
                        docs[1]++;
                        return;
                    }
                    docs[0]++;
                    try {
                        int[] ids = tok.encode(doc, false, true);
                        w.write(separator);
                        w.write(ids);
                        docs[2] += ids.length + 1;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                inputs.add(new Input(in.toString(), Files.size(in), fileSha256(in), docs[0], docs[1], docs[3], docs[2]));
            }
        }
        return new Prepared(vocab, inputs);
    }

    /** Why inputs without a single document give nothing to train on, file by file. */
    private static String noText(List<Path> inputs) throws IOException {
        List<String> why = new ArrayList<>();
        for (Path in : inputs) {
            boolean jsonl = in.getFileName().toString().matches(".*\\.jsonl(\\.gz)?");
            why.add(Files.size(in) == 0 ? in + " is empty"
                    : in + " has no usable text (" + (jsonl ? "every \"text\" is blank" : "only blank lines and spaces") + ")");
        }
        return String.join("; ", why) + ": there is nothing to train on; give a file with text";
    }

    /** Refuses splits too short for one window, saying how many tokens each has and what would help. */
    private static void checkSplits(PretrainConfig c, long trainTokens, long valTokens) {
        int window = c.settings().seqLen() + 1;
        if (trainTokens >= window && valTokens >= window) {
            return;
        }
        String counts = String.format(Locale.ROOT, "the text gives %d tokens: %d for training and %d held out "
                + "for validation (the last %s), but a window of the %d-token context needs %d tokens in each", trainTokens + valTokens,
                trainTokens, valTokens, percent(c.valFraction()), c.settings().seqLen(), window);
        throw new IllegalArgumentException(counts + (trainTokens < window ? ": use more text or a shorter context"
                : ": use more text, a larger validation fraction or a shorter context"));
    }

    private static String percent(double fraction) {
        return BigDecimal.valueOf(fraction * 100).stripTrailingZeros().toPlainString() + "%";
    }

    /**
     * The manifest: the inputs, the counts, and the model's and the run's settings as JSON objects (keys in
     * snake_case, paths as strings, an absent optional as null).
     */
    private static void writeManifest(Path path, PretrainConfig c, List<Input> inputs, BpeVocabulary vocab, long tokens,
                                      long valStart, LlamaConfig config, long paramCount) throws IOException {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("inputs", inputs);
        manifest.put("vocab_size", vocab.size());
        manifest.put("tokens", tokens);
        manifest.put("train_tokens", valStart);
        manifest.put("val_tokens", tokens - valStart);
        manifest.put("parameters", paramCount);
        manifest.put("model", config);
        manifest.put("config", c);
        Files.writeString(path, MANIFEST_JSON.writeValueAsString(manifest) + "\n");
    }

    @SuppressWarnings("rawtypes")
    private static final ObjectMapper MANIFEST_JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(new SimpleModule("manifest")
                    .addSerializer(Path.class, ToStringSerializer.instance)
                    .addSerializer(Optional.class, new JsonSerializer<Optional>() {
                        @Override
                        public void serialize(Optional v, JsonGenerator g, SerializerProvider p) throws IOException {
                            p.defaultSerializeValue(v.orElse(null), g);
                        }
                    }));

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    static String fileSha256(Path p) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}

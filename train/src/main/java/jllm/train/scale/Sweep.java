package jllm.train.scale;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

import jllm.format.gguf.GgufFile;
import jllm.format.gguf.GgufWriter;
import jllm.kernel.Dense;
import jllm.tokenizer.Tokenizer;
import jllm.train.AdamW;
import jllm.train.Documents;
import jllm.train.GgufTokenizer;
import jllm.train.LlamaParams;
import jllm.train.LrSchedule;
import jllm.train.TokenFile;
import jllm.train.TokenSequence;
import jllm.train.TrainSettings;
import jllm.train.Trainer;
import jllm.train.bpe.BpeTrainer;
import jllm.train.bpe.BpeVocabulary;

/**
 * A scaling-law sweep: one BPE tokenizer learned from the corpus once, then every model of a
 * {@link SweepPlan} trained with the same recipe ({@link SweepConfig}) and its validation loss recorded
 * in {@code DIR/runs/NAME.json} (a finished run is never redone; an interrupted one starts over); then
 * {@link ScalingFit Chinchilla's law} fitted to the grid, the held-out model's loss predicted (and recorded
 * in {@code DIR/prediction.json}) before it trains, and {@code scaling.json} and the plots written.
 *
 * <pre>{@code
 * Sweep sweep = Sweep.open(SweepConfig.defaults(List.of(corpus), dir, 2), System.err);
 * SweepPlan plan = sweep.plan(40);          // the finest grid that fits 40 minutes
 * ScalingReport report = sweep.run(plan);
 * }</pre>
 */
public final class Sweep implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final SweepConfig config;
    private final PrintStream log;
    private final int vocabSize;
    private final TokenFile tokens;
    private final TokenSequence train;
    private final TokenSequence val;

    private Sweep(SweepConfig config, PrintStream log, int vocabSize, TokenFile tokens) {
        this.config = config;
        this.log = log;
        this.vocabSize = vocabSize;
        this.tokens = tokens;
        long valStart = (long) (tokens.length() * 0.9);
        this.train = tokens.slice(0, valStart);
        this.val = tokens.slice(valStart, tokens.length());
        int window = config.seqLen() + 1;
        if (val.length() < window || train.length() < window) {
            tokens.close();
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the corpus gives %d tokens: too few for a window of "
                    + "%d tokens in both the training split and the held-out 10%%; give more text", tokens.length(), window));
        }
    }

    /**
     * Opens the sweep in {@code config.outDir()}: learns the tokenizer and tokenizes the corpus the first
     * time (into {@code tokenizer.gguf} and {@code tokens.bin}), reuses them afterwards.
     */
    public static Sweep open(SweepConfig config, PrintStream log) {
        try {
            Files.createDirectories(config.outDir().resolve("runs"));
            Path tokenizerPath = config.outDir().resolve("tokenizer.gguf");
            Path tokensPath = config.outDir().resolve("tokens.bin");
            int vocabSize;
            if (Files.exists(tokensPath) && Files.exists(tokenizerPath)) {
                try (GgufFile f = GgufFile.open(tokenizerPath)) {
                    vocabSize = BpeVocabulary.from(GgufTokenizer.from(f.metadata())).size();
                }
            } else {
                vocabSize = prepare(config, tokenizerPath, tokensPath, log);
            }
            return new Sweep(config, log, vocabSize, TokenFile.open(tokensPath));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** Learns the BPE from the whole corpus and writes the token stream (a separator before each document). */
    private static int prepare(SweepConfig config, Path tokenizerPath, Path tokensPath, PrintStream log) throws IOException {
        long t0 = System.nanoTime();
        BpeTrainer bpe = new BpeTrainer(List.of(Documents.END_OF_TEXT));
        long[] docs = {0};
        for (Path in : config.inputs()) {
            Documents.read(in, Documents.Split.PARAGRAPH, doc -> {
                bpe.add(doc);
                docs[0]++;
            });
        }
        if (docs[0] == 0) {
            throw new IllegalArgumentException("the corpus " + config.inputs() + " has no text: nothing to train on");
        }
        BpeVocabulary vocab = bpe.train(config.vocabSize());
        GgufTokenizer gguf = vocab.toGguf(0, 0, true, Optional.empty());
        Tokenizer tok = gguf.toTokenizer();
        // written under temporary names and moved: a file that exists is complete
        Path tmp = tokensPath.resolveSibling("tokens.bin.tmp");
        long count;
        try (TokenFile.Writer w = new TokenFile.Writer(tmp)) {
            int[] separator = {0};
            for (Path in : config.inputs()) {
                Documents.read(in, Documents.Split.PARAGRAPH, doc -> {
                    try {
                        w.write(separator);
                        w.write(tok.encode(doc, false, true));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
            count = w.count();
        }
        GgufWriter.Builder b = GgufWriter.builder().putString("general.name", "scaling sweep tokenizer");
        gguf.putInto(b);
        Path tmpTok = tokenizerPath.resolveSibling("tokenizer.gguf.tmp");
        b.write(tmpTok);
        Files.move(tmpTok, tokenizerPath, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, tokensPath, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        log.printf(Locale.ROOT, "tokenizer: %d tokens learned from %d documents; the corpus is %d tokens (%.1f s)%n",
                vocab.size(), docs[0], count, (System.nanoTime() - t0) / 1e9);
        return vocab.size();
    }

    /** The vocabulary size of the sweep's tokenizer. */
    public int vocabSize() {
        return vocabSize;
    }

    /** Tokens of the training split (the first 90% of the stream). */
    public long trainTokens() {
        return train.length();
    }

    /**
     * Measured training speed of {@code size} in FLOPs per second ({@link ModelSize#flopsPerToken}): steps
     * for about {@code seconds} after as long a warm-up (the JIT compiles the trainer in the first steps).
     */
    public double measureFlops(ModelSize size, double seconds) {
        LlamaParams params = new LlamaParams(size.shape(config.seqLen()).config(vocabSize), true).initialize(config.seed());
        try (Dense dense = Dense.vector(config.threads())) {
            Trainer t = new Trainer(params, dense, settings(size, 1_000_000));
            long w0 = System.nanoTime();
            for (int i = 0; i < 3 || (System.nanoTime() - w0) / 1e9 < seconds; i++) {
                t.trainStep(train);
            }
            long t0 = System.nanoTime();
            int steps = 0;
            while (steps < 3 || (System.nanoTime() - t0) / 1e9 < seconds) {
                t.trainStep(train);
                steps++;
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            return size.flopsPerToken(vocabSize, config.seqLen()) * steps * config.batchTokens() / elapsed;
        }
    }

    /**
     * The finest grid whose estimated time fits {@code minutes}, from a cost model: each run's FLOPs
     * ({@link ModelSize#flopsPerToken} x tokens) over the speed measured for its size. The grids, coarse to
     * fine, all span at least 30x in N and 10x in D (50k to 500k tokens); the held-out model is the first
     * ladder size with 3x the largest fitted N, trained on the largest D.
     */
    public SweepPlan plan(double minutes) {
        List<SweepPlan> grids = candidates();
        Map<ModelSize, Double> speed = new LinkedHashMap<>();
        SweepPlan chosen = grids.getFirst();
        double chosenSeconds = Double.NaN;
        for (SweepPlan p : grids) {
            for (ModelSize s : Stream.concat(p.sizes().stream(), Stream.of(p.holdout())).toList()) {
                if (!speed.containsKey(s)) {
                    double f = measureFlops(s, speed.isEmpty() ? 4.0 : 1.5);
                    speed.put(s, f);
                    log.printf(Locale.ROOT, "cost model: %s (%d non-embedding parameters) trains at %.2f GFLOP/s, %.0f tokens/s%n", s,
                            s.nonEmbeddingParams(), f / 1e9, f / s.flopsPerToken(vocabSize, config.seqLen()));
                }
            }
            double sec = estimateSeconds(p, speed);
            log.printf(Locale.ROOT, "cost model: %d sizes x %d token counts + holdout %s: %.1f min%n", p.sizes().size(),
                    p.tokens().size(), p.holdout(), sec / 60);
            if (sec <= minutes * 60 || p == grids.getFirst()) {
                chosen = p;
                chosenSeconds = sec;
            }
            if (sec > minutes * 60) {
                break;
            }
        }
        log.printf(Locale.ROOT, "plan for %.0f min: sizes %s, tokens %s, holdout %s on %d tokens (estimated %.1f min%s)%n", minutes,
                chosen.sizes(), chosen.tokens(), chosen.holdout(), chosen.holdoutTokens(), chosenSeconds / 60,
                chosenSeconds > minutes * 60 ? ": over the budget, but no grid is coarser" : "");
        return chosen;
    }

    /** Estimated seconds of a plan given FLOPs per second per size. */
    public double estimateSeconds(SweepPlan p, Map<ModelSize, Double> flopsPerSecond) {
        double sec = 0;
        List<SweepPlan.Job> jobs = new ArrayList<>(p.grid(config.batchTokens()));
        jobs.add(p.holdoutJob(config.batchTokens()));
        for (SweepPlan.Job j : jobs) {
            sec += j.size().flopsPerToken(vocabSize, config.seqLen()) * j.tokens() / flopsPerSecond.get(j.size());
        }
        return sec;
    }

    /** The grids {@link #plan} chooses from, coarse to fine. */
    static List<SweepPlan> candidates() {
        List<ModelSize> l = SweepPlan.LADDER;
        // up to 500k tokens: two passes over TinyStories' sample (226k training tokens), where repeated data
        // still counts nearly as new (Muennighoff et al. 2023)
        List<Long> d3 = List.of(50_000L, 158_000L, 500_000L);
        List<Long> d4 = List.of(50_000L, 108_000L, 232_000L, 500_000L);
        List<Long> d5 = List.of(50_000L, 89_000L, 158_000L, 281_000L, 500_000L);
        return List.of(
                new SweepPlan(List.of(l.get(0), l.get(3), l.get(7)), d3, l.get(9), 500_000L),
                new SweepPlan(List.of(l.get(0), l.get(2), l.get(4), l.get(7)), d4, l.get(9), 500_000L),
                new SweepPlan(List.of(l.get(0), l.get(1), l.get(2), l.get(3), l.get(5), l.get(7)), d4, l.get(9), 500_000L),
                new SweepPlan(List.of(l.get(0), l.get(1), l.get(2), l.get(3), l.get(5), l.get(7)), d5, l.get(9), 500_000L),
                new SweepPlan(List.of(l.get(0), l.get(1), l.get(2), l.get(3), l.get(4), l.get(5), l.get(6), l.get(7)), d5,
                        l.get(9), 500_000L));
    }

    /** The plan recorded in the sweep's folder by an earlier invocation, if any. */
    public Optional<SweepPlan> recordedPlan() {
        Path p = config.outDir().resolve("plan.json");
        if (!Files.exists(p)) {
            return Optional.empty();
        }
        return Optional.of(read(p, SweepPlan.class));
    }

    /**
     * Trains what {@code plan} has not trained yet, fits, predicts the holdout before training it, and writes
     * {@code scaling.json} and the plots.
     */
    public ScalingReport run(SweepPlan plan) {
        Optional<SweepPlan> recorded = recordedPlan();
        if (recorded.isPresent() && !recorded.get().equals(plan)) {
            log.println("the plan differs from the one recorded in " + config.outDir().resolve("plan.json")
                    + "; runs already finished are kept and reused where they match");
        }
        write(config.outDir().resolve("plan.json"), plan);
        List<SweepPlan.Job> jobs = plan.grid(config.batchTokens());
        List<ScalingRun> runs = new ArrayList<>();
        int i = 0;
        for (SweepPlan.Job j : jobs) {
            i++;
            runs.add(runOnce(j, "run " + i + "/" + jobs.size()));
        }
        List<Observation> obs = runs.stream().map(ScalingRun::observation).toList();
        ScalingLaw law = ScalingFit.fit(obs);
        ScalingFit.Bootstrap boot = ScalingFit.bootstrap(obs, law, config.bootstrap(), config.seed());
        log.printf(Locale.ROOT, "fit on %d runs: L(N, D) = %.3f + %.4g/N^%.3f + %.4g/D^%.3f (N non-embedding)%n", runs.size(),
                law.e(), law.a(), law.alpha(), law.b(), law.beta());
        SweepPlan.Job hj = plan.holdoutJob(config.batchTokens());
        Prediction prediction = predictHoldout(hj, law, boot);
        ScalingRun holdout = runOnce(hj, "holdout");
        double error = holdout.valLoss() / prediction.predicted() - 1;
        log.printf(Locale.ROOT, "holdout %s: predicted %.4f, measured %.4f (%+.2f%%)%n", hj.name(), prediction.predicted(),
                holdout.valLoss(), 100 * error);
        ScalingReport report = new ScalingReport(runs, law, boot, prediction, holdout);
        report.write(config.outDir(), config.inputs(), vocabSize, config);
        return report;
    }

    /**
     * The holdout's prediction: made from the current fit while the holdout has not trained, and recorded;
     * once it has trained, the recorded prediction is read back (never remade after the fact).
     */
    private Prediction predictHoldout(SweepPlan.Job hj, ScalingLaw law, ScalingFit.Bootstrap boot) {
        Path file = config.outDir().resolve("prediction.json");
        boolean trained = Files.exists(config.outDir().resolve("runs").resolve(hj.name() + ".json"));
        if (trained && Files.exists(file)) {
            Prediction p = read(file, Prediction.class);
            if (p.name().equals(hj.name())) {
                log.printf(Locale.ROOT, "holdout %s: predicted %.4f (recorded before it trained)%n", p.name(), p.predicted());
                return p;
            }
        }
        long n = hj.size().nonEmbeddingParams();
        double[] interval = boot.interval(l -> l.loss(n, hj.tokens()), 0.95);
        Prediction p = new Prediction(hj.name(), n, hj.size().params(vocabSize), hj.tokens(), law.loss(n, hj.tokens()), interval);
        write(file, p);
        log.printf(Locale.ROOT, "holdout %s (%d non-embedding parameters, %d tokens): predicted loss %.4f (95%% interval %.4f to "
                + "%.4f), %s%n", p.name(), n, p.nTokens(), p.predicted(), interval[0], interval[1],
                trained ? "AFTER it trained (" + file + " was missing or for another run): not a blind prediction" : "before training it");
        return p;
    }

    /**
     * A prediction of the held-out run.
     *
     * @param name      the run
     * @param nParamsNonEmbedding its N
     * @param nParams   all its parameters
     * @param nTokens   its D
     * @param predicted the fitted law's loss at (N, D)
     * @param interval  95% bootstrap interval
     */
    public record Prediction(String name, long nParamsNonEmbedding, long nParams, long nTokens, double predicted,
                             double[] interval) {
    }

    /** The runs recorded in a sweep's folder so far, the held-out one (named in its prediction) left out. */
    public static List<ScalingRun> fittedRuns(Path dir) {
        Path runsDir = dir.resolve("runs");
        if (!Files.isDirectory(runsDir)) {
            throw new IllegalArgumentException(dir + " holds no sweep (no runs/ folder): run jllm scale CORPUS -o " + dir + " first");
        }
        Path prediction = dir.resolve("prediction.json");
        String holdout = Files.exists(prediction) ? read(prediction, Prediction.class).name() : "";
        try (Stream<Path> files = Files.list(runsDir)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted()
                    .map(f -> read(f, ScalingRun.class)).filter(r -> !r.name().equals(holdout)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** The recorded result of {@code job}, or trains it and records it. */
    private ScalingRun runOnce(SweepPlan.Job job, String label) {
        Path file = config.outDir().resolve("runs").resolve(job.name() + ".json");
        if (Files.exists(file)) {
            ScalingRun r = read(file, ScalingRun.class);
            log.printf(Locale.ROOT, "%s %s: done before, validation loss %.4f%n", label, job.name(), r.valLoss());
            return r;
        }
        ModelSize size = job.size();
        LlamaParams params = new LlamaParams(size.shape(config.seqLen()).config(vocabSize), true).initialize(config.seed());
        if (params.count() != size.params(vocabSize)) {
            throw new IllegalStateException("parameter count " + params.count() + " differs from " + size.params(vocabSize));
        }
        log.printf(Locale.ROOT, "%s %s: %d non-embedding parameters (%d in all), %d steps of %d tokens (%.2f epochs), lr %.2g%n",
                label, job.name(), size.nonEmbeddingParams(), params.count(), job.steps(), config.batchTokens(),
                (double) job.tokens() / train.length(), config.peakLr(size.dim()));
        try (Dense dense = Dense.vector(config.threads())) {
            Trainer t = new Trainer(params, dense, settings(size, job.steps()));
            long t0 = System.nanoTime();
            double loss = Double.NaN;
            int every = Math.max(1, job.steps() / 4);
            while (t.step() < job.steps()) {
                loss = t.trainStep(train);
                if (!Double.isFinite(loss)) {
                    throw new IllegalStateException(job.name() + " diverged at step " + t.step() + " (loss " + loss + ")");
                }
                if (t.step() % every == 0 && t.step() < job.steps()) {
                    log.printf(Locale.ROOT, "  step %d/%d loss %.4f%n", t.step(), job.steps(), loss);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double valLoss = t.evaluateAll(val);
            ScalingRun r = new ScalingRun(job.name(), size.dim(), size.numLayers(), params.count(), size.nonEmbeddingParams(),
                    job.tokens(), job.steps(), valLoss, 6.0 * params.count() * job.tokens(), job.tokens() / seconds, seconds);
            write(file, r);
            log.printf(Locale.ROOT, "  %s: train loss %.4f, validation loss %.4f, %.0f tokens/s, %.1f s%n", job.name(), loss, valLoss,
                    r.tokensPerS(), seconds);
            return r;
        }
    }

    private TrainSettings settings(ModelSize size, int steps) {
        float lr = config.peakLr(size.dim());
        return new TrainSettings(config.batch(), config.seqLen(), steps, 1, new LrSchedule(lr, lr / 10, Math.min(100, steps / 10), steps),
                new AdamW.Settings(0.9f, 0.99f, 1e-8f, 0.1f), 1.0f, 0, 1, config.seed());
    }

    static <T> T read(Path p, Class<T> type) {
        try {
            return JSON.readValue(p.toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + p + ": " + e.getMessage(), e);
        }
    }

    /** Writes JSON under a temporary name and moves it into place: a file that exists is complete. */
    static void write(Path p, Object value) {
        try {
            Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), value);
            Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + p + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        tokens.close();
    }
}

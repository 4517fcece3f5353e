package jllm.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

import jllm.eval.arena.ArenaStore;
import jllm.generate.WarmUp;
import jllm.model.Classifier;
import jllm.model.LoadedModel;
import jllm.server.ArenaRoutes;
import jllm.server.OpenAiServer;
import jllm.server.Screening;
import jllm.server.ServedModel;
import jllm.server.ServerOptions;
import jllm.server.Spotlight;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jllm serve [MODEL...]}: an OpenAI-compatible HTTP API ({@code /v1/chat/completions},
 * {@code /v1/completions}, {@code /v1/embeddings}, {@code /v1/models}) and a web chat page at {@code /}.
 * Each model is served under its file name without the extension. With {@code --arena}, the arena page
 * at {@code /arena.html} pairs the models anonymously and stores votes in {@code --db}.
 */
@Command(name = "serve", description = "Serve models over an OpenAI-compatible HTTP API, with a web chat page at /.")
final class ServeCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "MODEL", description = "Model files or folders (default: the built-in model).")
    List<Path> models = new ArrayList<>();

    @Option(names = "--host", paramLabel = "H", description = "Address to bind (default: ${DEFAULT-VALUE}); any other than loopback needs --api-key.")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "P", description = "Port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port = 8080;

    @Option(names = "--api-key", paramLabel = "K", description = "Require 'Authorization: Bearer K' on /v1/* and /metrics.")
    String apiKey;

    @Option(names = "--parallel", paramLabel = "N", description = "Requests generated at once per model (default: ${DEFAULT-VALUE}).")
    int parallel = ServerOptions.DEFAULTS.parallel();

    @Option(names = {"-c", "--ctx"}, paramLabel = "N", description = "Context length per request (default: " + Contexts.HELP + ").")
    int ctx;

    @Option(names = "--queue", paramLabel = "N", description = "Requests that may wait for a slot; more get 503 (default: ${DEFAULT-VALUE}).")
    int queue = ServerOptions.DEFAULTS.queueCapacity();

    @Option(names = "--read-timeout", paramLabel = "SECONDS", description = "A request must arrive whole within this (default: ${DEFAULT-VALUE}).")
    int readTimeout = (int) ServerOptions.DEFAULTS.readTimeout().toSeconds();

    @Option(names = "--arena", description = "Also serve the arena page at /arena.html: the models answer in anonymous pairs and people vote.")
    boolean arena;

    @Option(names = "--db", paramLabel = "FILE", description = "The arena's database, created if missing (default: ${DEFAULT-VALUE}).")
    Path db = Path.of(ArenaCommand.DEFAULT_DB);

    @Option(names = "--guard", paramLabel = "MODEL", description = "Screen user messages, tool results and prompts with this guard "
            + "classifier (a GGUF from `jllm guard train`) before generation; a flagged request gets HTTP 400 content_filter "
            + "and never reaches the model (docs/guard.md).")
    Path guard;

    @Option(names = "--spotlight", paramLabel = "MODE", description = "Mark tool results as data before templating: off, delimit "
            + "(random per-request delimiters), datamark (a random symbol between words) or base64; a system note says so "
            + "(default: ${DEFAULT-VALUE}; docs/guard.md).")
    String spotlight = "off";

    @Mixin
    ModelOptions modelOptions;

    /** How long each model's kernels run before the server opens, so the first request finds them compiled. */
    static final long WARM_UP_MILLIS = 2000;

    /**
     * The loggers of the HTTP server: at start Jetty and Javalin log about 16 INFO lines that bury the one line
     * that matters (the URL). Held here because java.util.logging keeps loggers only weakly.
     */
    private static final List<Logger> SERVER_LOGGERS = List.of(Logger.getLogger("org.eclipse.jetty"),
            Logger.getLogger("io.javalin"), Logger.getLogger("jllm.server"));

    /** Warnings and errors only, unless {@code verbose}: then every INFO line too. */
    static void serverLogs(boolean verbose) {
        SERVER_LOGGERS.forEach(l -> l.setLevel(verbose ? Level.INFO : Level.WARNING));
    }

    @Override
    public Integer call() throws Exception {
        serverLogs(modelOptions.verbose);
        ServerOptions options = new ServerOptions(host, port, java.util.Optional.ofNullable(apiKey), parallel, ctx, queue,
                ServerOptions.DEFAULTS.maxBodyBytes(), ServerOptions.DEFAULTS.maxHeaderBytes(), Duration.ofSeconds(readTimeout));
        List<Path> paths = models.isEmpty() ? List.of(BuiltinModel.path(BuiltinModel.AS_ARGUMENT)) : models;
        Spotlight.Mode spot = Spotlight.Mode.of(spotlight);
        if (guard != null) {
            InputFiles.check(guard, "a guard GGUF");
        }
        List<LoadedModel> loaded = new ArrayList<>();
        Classifier classifier = null;
        try {
            if (guard != null) {
                classifier = Classifier.open(guard, 1); // one thread: a guard is small, and the models keep the cores
            }
            Screening screening = new Screening(java.util.Optional.ofNullable(classifier), spot);
            List<ServedModel> served = new ArrayList<>();
            for (Path p : paths) {
                LoadedModel m = modelOptions.load(p);
                loaded.add(m);
                Contexts.choose(ctx, m.model().info()); // the server applies the same rule; this warns once
                WarmUp.run(m.model(), WARM_UP_MILLIS);
                ServedModel sm = ServedModel.of(ServedModel.nameOf(p), m);
                served.add(BuiltinModel.is(p) ? sm.describedAs(BuiltinModel.DESCRIPTION) : sm);
            }
            List<String> names = served.stream().map(ServedModel::name).toList();
            if (arena && names.stream().distinct().count() < 2) {
                throw new IllegalArgumentException("--arena needs at least two models with different file names, got " + names);
            }
            try (ArenaStore store = arena ? ArenaStore.open(db) : null;
                 OpenAiServer server = OpenAiServer.start(served, options,
                         arena ? List.of(new ArenaRoutes(store, names, System.nanoTime())) : List.of(), screening)) {
                System.err.println("jllm serve: " + names + " at " + server.baseUri() + "; the chat page is at "
                        + server.baseUri().resolve("/") + (arena ? ", the arena at " + server.baseUri().resolve("/arena.html")
                        + " (votes in " + db + ")" : "") + " (Ctrl-C stops)");
                CountDownLatch stopped = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
                stopped.await();
            }
        } finally {
            loaded.forEach(LoadedModel::close);
            if (classifier != null) {
                classifier.close();
            }
        }
        return 0;
    }

    /**
     * {@code jllm serve-bench MODEL}: aggregate generation tokens/s of 1 and of N concurrent streams on an
     * in-process server, and times to first token under load.
     */
    @Command(name = "serve-bench", description = "Measure the server: aggregate tokens/s of 1 vs N concurrent streams, and time to first token under load.")
    static final class Bench implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "MODEL", description = "Model file or folder.")
        Path model;

        @Option(names = {"-n", "--n-predict"}, paramLabel = "N", description = "Tokens per stream (default: ${DEFAULT-VALUE}).")
        int maxTokens = 128;

        @Option(names = "--streams", split = ",", paramLabel = "N,...", description = "Concurrent streams to measure (default: 1,4).")
        List<Integer> streams = List.of(1, 4);

        @Option(names = {"-c", "--ctx"}, paramLabel = "N", description = "Context per stream (default: " + Contexts.HELP + ").")
        int ctx;

        @Mixin
        ModelOptions modelOptions;

        @Override
        public Integer call() {
            try (LoadedModel m = modelOptions.load(model)) {
                WarmUp.run(m.model(), WARM_UP_MILLIS);
                List<jllm.server.ServeBench.Result> results = jllm.server.ServeBench.run(
                        ServedModel.of(ServedModel.nameOf(model), m), maxTokens, streams, Contexts.choose(ctx, m.model().info()).positions());
                double single = results.getFirst().tokensPerSecond();
                for (jllm.server.ServeBench.Result r : results) {
                    Console.out().printf("%s speedup=%.2fx%n", r, r.tokensPerSecond() / single);
                }
            }
            return 0;
        }
    }
}

package jllm.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import jllm.model.LoadedModel;
import jllm.server.OpenAiServer;
import jllm.server.ServedModel;
import jllm.server.ServerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jllm serve [MODEL...]}: an OpenAI-compatible HTTP API ({@code /v1/chat/completions},
 * {@code /v1/completions}, {@code /v1/embeddings}, {@code /v1/models}) and a web chat page at {@code /}.
 * Each model is served under its file name without the extension.
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

    @Option(names = {"-c", "--ctx"}, paramLabel = "N", description = "Context length per request (default: the model's, at most 4096).")
    int ctx;

    @Option(names = "--queue", paramLabel = "N", description = "Requests that may wait for a slot; more get 503 (default: ${DEFAULT-VALUE}).")
    int queue = ServerOptions.DEFAULTS.queueCapacity();

    @Option(names = "--read-timeout", paramLabel = "SECONDS", description = "A request must arrive whole within this (default: ${DEFAULT-VALUE}).")
    int readTimeout = (int) ServerOptions.DEFAULTS.readTimeout().toSeconds();

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() throws Exception {
        ServerOptions options = new ServerOptions(host, port, java.util.Optional.ofNullable(apiKey), parallel, ctx, queue,
                ServerOptions.DEFAULTS.maxBodyBytes(), ServerOptions.DEFAULTS.maxHeaderBytes(), Duration.ofSeconds(readTimeout));
        List<Path> paths = models.isEmpty() ? List.of(BuiltinModel.path()) : models;
        List<LoadedModel> loaded = new ArrayList<>();
        try {
            List<ServedModel> served = new ArrayList<>();
            for (Path p : paths) {
                LoadedModel m = modelOptions.load(p);
                loaded.add(m);
                served.add(ServedModel.of(ServedModel.nameOf(p), m));
            }
            try (OpenAiServer server = OpenAiServer.start(served, options)) {
                System.err.println("jllm serve: " + served.stream().map(ServedModel::name).toList() + " at "
                        + server.baseUri() + "; the chat page is at " + server.baseUri().resolve("/") + " (Ctrl-C stops)");
                CountDownLatch stopped = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
                stopped.await();
            }
        } finally {
            loaded.forEach(LoadedModel::close);
        }
        return 0;
    }
}

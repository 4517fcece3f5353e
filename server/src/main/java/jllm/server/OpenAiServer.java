package jllm.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import jllm.generate.ContextLength;
import jllm.generate.Decoding;
import jllm.generate.Generator;
import jllm.generate.SamplerSettings;
import jllm.generate.TokenLogprob;
import jllm.generate.grammar.Grammar;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The OpenAI-compatible HTTP server: one {@link Engine} per model behind Javalin.
 *
 * <pre>{@code
 * try (OpenAiServer s = OpenAiServer.start(List.of(ServedModel.of("stories", loaded)), ServerOptions.DEFAULTS.withPort(0))) {
 *     URI base = s.baseUri(); // http://127.0.0.1:PORT/v1
 * }
 * }</pre>
 *
 * <p>Safety: binds loopback unless an API key is set; request bodies and headers are bounded; a request
 * must arrive whole within the read timeout; model names are keys of a table, never paths; CORS headers
 * are never sent, and a request whose {@code Origin} is not this server's own is refused.
 */
public final class OpenAiServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OpenAiServer.class.getName());
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

    private static final String ERROR_SENT = "jllm.errorSent";

    private final ServerOptions options;
    private final Map<String, ServedModel> models = new LinkedHashMap<>();
    private final Map<String, Engine> engines = new LinkedHashMap<>();
    private final Metrics metrics = new Metrics();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("jllm-server-timer").daemon().factory());
    private final byte[] keyHash;
    private final List<Extension> extensions;
    private final Screening screening;
    private Javalin app;

    /** More routes served beside the API, behind the same origin check; a route that must require the API key calls {@link #requireKey}. */
    public interface Extension {
        /** Adds routes to {@code routes}; {@code server} gives the models and their engines. */
        void register(io.javalin.config.RoutesConfig routes, OpenAiServer server);
    }

    private OpenAiServer(List<ServedModel> served, ServerOptions options, List<Extension> extensions, Screening screening) {
        this.extensions = List.copyOf(extensions);
        this.screening = screening;
        if (served.isEmpty()) {
            throw new IllegalArgumentException("the server needs at least one model");
        }
        this.options = options;
        this.keyHash = options.apiKey().map(OpenAiServer::sha256).orElse(null);
        for (ServedModel m : served) {
            if (models.putIfAbsent(m.name(), m) != null) {
                throw new IllegalArgumentException("two models are named " + m.name() + "; rename one");
            }
            int ctx = ContextLength.choose(options.contextLength(), m.model().info().contextLength()).positions();
            engines.put(m.name(), new Engine(m.name(), m.model(), m.tokenizer(), options.parallel(), ctx,
                    options.queueCapacity(), metrics));
        }
    }

    /** Starts serving {@code models} as {@code options} say. */
    public static OpenAiServer start(List<ServedModel> models, ServerOptions options) {
        return start(models, options, List.of());
    }

    /** Starts serving {@code models} as {@code options} say, with the routes of {@code extensions} too. */
    public static OpenAiServer start(List<ServedModel> models, ServerOptions options, List<Extension> extensions) {
        return start(models, options, extensions, Screening.NONE);
    }

    /**
     * Starts serving {@code models} as {@code options} say, with the routes of {@code extensions}, and
     * requests screened and spotlit as {@code screening} says (the caller keeps owning its classifier).
     */
    public static OpenAiServer start(List<ServedModel> models, ServerOptions options, List<Extension> extensions,
                                     Screening screening) {
        OpenAiServer s = new OpenAiServer(models, options, extensions, screening);
        try {
            s.app = s.create().start(options.host(), options.port());
            for (Connector c : s.app.jettyServer().server().getConnectors()) {
                if (c instanceof ServerConnector sc) {
                    sc.setIdleTimeout(options.readTimeout().toMillis());
                    sc.addEventListener(s.headerDeadline());
                }
            }
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        LOG.log(Level.INFO, "serving " + String.join(", ", s.models.keySet()) + " at " + s.baseUri() + " (" + options
                + ", guard " + (screening.guard().isPresent() ? "on" : "off") + ", spotlight " + screening.spotlight() + ")");
        return s;
    }

    /** The port listened on. */
    public int port() {
        return app.port();
    }

    /** {@code http://HOST:PORT/v1}, the base URL for OpenAI clients. */
    public URI baseUri() {
        String h = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return URI.create("http://" + h + ":" + port() + "/v1");
    }

    /** The counters behind {@code /metrics}. */
    public Metrics metrics() {
        return metrics;
    }

    /** The model served under {@code name}, if any. */
    public Optional<ServedModel> served(String name) {
        return Optional.ofNullable(models.get(name));
    }

    /** The engine generating for the model {@code name}, if any. */
    public Optional<Engine> engine(String name) {
        return Optional.ofNullable(engines.get(name));
    }

    private Javalin create() {
        return Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.http.maxRequestSize = options.maxBodyBytes();
            cfg.http.compressionStrategy = CompressionStrategy.NONE;
            cfg.http.prefer405over404 = true;
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler(options.maxHeaderBytes())));
            cfg.jetty.modifyHttpConfiguration(h -> {
                h.setRequestHeaderSize(options.maxHeaderBytes());
                h.setSendServerVersion(false);
                h.setSendXPoweredBy(false);
                h.setIdleTimeout(options.readTimeout().toMillis());
            });
            cfg.staticFiles.add(sf -> {
                sf.hostedPath = "/";
                sf.directory = "/jllm/server/web";
                sf.location = Location.CLASSPATH;
                sf.headers = Map.of("Content-Security-Policy", WebPage.CSP, "X-Content-Type-Options", "nosniff",
                        "Referrer-Policy", "no-referrer", "X-Frame-Options", "DENY", "Cache-Control", "no-cache");
            });
            cfg.routes.before(this::guard);
            cfg.routes.get("/health", ctx -> json(ctx, 200, Requests.JSON.createObjectNode().put("status", "ok")));
            cfg.routes.get("/metrics", ctx -> {
                ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.render());
                metrics.request("/metrics", 200);
            });
            cfg.routes.get("/v1/models", this::listModels);
            cfg.routes.get("/v1/models/{name}", this::getModel);
            cfg.routes.post("/v1/chat/completions", this::chatCompletions);
            cfg.routes.post("/v1/completions", this::completions);
            cfg.routes.post("/v1/embeddings", this::embeddings);
            extensions.forEach(e -> e.register(cfg.routes, this));
            cfg.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.log(Level.ERROR, "request " + ctx.method() + " " + ctx.path() + " failed", e);
                error(ctx, new ApiException(500, "server_error", null, null, "internal error: " + e.getClass().getSimpleName()));
            });
            cfg.routes.error(404, ctx -> {
                if (ctx.attribute(ERROR_SENT) == null) {
                    String path = ctx.path().length() > 200 ? ctx.path().substring(0, 200) + "..." : ctx.path();
                    error(ctx, new ApiException(404, "invalid_request_error", null, "not_found", "no such endpoint or page: "
                            + ctx.method() + " " + path));
                }
            });
            cfg.routes.error(405, ctx -> error(ctx, new ApiException(405, "invalid_request_error", null, "method_not_allowed", "method not allowed")));
        });
    }

    /** Cuts connections that have not delivered a whole request header within the read timeout. */
    private Connection.Listener headerDeadline() {
        return new Connection.Listener() {
            @Override
            public void onOpened(Connection c) {
                timer.schedule(() -> {
                    if (c.getMessagesIn() <= 0 && c.getEndPoint().isOpen()) {
                        c.getEndPoint().close();
                    }
                }, options.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
        };
    }

    /** Origin and API-key checks before every route. */
    private void guard(Context ctx) {
        String origin = ctx.header("Origin");
        String host = ctx.header("Host");
        if (origin != null && !origin.equals("http://" + host) && !origin.equals("https://" + host)) {
            throw new ApiException(403, "invalid_request_error", null, "forbidden_origin",
                    "requests from other web origins are refused");
        }
        boolean api = ctx.path().startsWith("/v1/") || ctx.path().equals("/metrics");
        if (api) {
            requireKey(ctx);
        }
    }

    /** Refuses the request (401) unless it carries the API key, when one is set; extensions call it too. */
    void requireKey(Context ctx) {
        if (keyHash != null) {
            String auth = Optional.ofNullable(ctx.header("Authorization")).orElse("");
            byte[] given = auth.startsWith("Bearer ") ? sha256(auth.substring(7).strip()) : new byte[32];
            if (!MessageDigest.isEqual(given, keyHash)) {
                throw new ApiException(401, "invalid_request_error", null, "invalid_api_key",
                        "missing or wrong API key: send 'Authorization: Bearer KEY'");
            }
        }
    }

    /** Screens messages with the guard, if one is set (extensions' routes call it); throws the refusal when one is flagged. */
    void screen(List<jllm.chat.ChatMessage> messages) {
        screening.chat(messages, metrics);
    }

    private void listModels(Context ctx) {
        ArrayNode data = Requests.JSON.createArrayNode();
        models.values().forEach(m -> data.add(modelObject(m)));
        ObjectNode o = Requests.JSON.createObjectNode().put("object", "list");
        o.set("data", data);
        json(ctx, 200, o);
    }

    private void getModel(Context ctx) {
        json(ctx, 200, modelObject(model(Optional.of(ctx.pathParam("name")))));
    }

    /** OpenAI's model object, with the model's card under {@code meta} (as llama.cpp's server adds one). */
    private ObjectNode modelObject(ServedModel m) {
        ObjectNode o = Requests.JSON.createObjectNode().put("id", m.name()).put("object", "model").put("created", m.created())
                .put("owned_by", "jllm");
        ModelCard c = m.card();
        ObjectNode meta = o.putObject("meta").put("name", c.title()).put("architecture", c.architecture())
                .put("parameters", c.parameters()).put("context_length", c.contextLength())
                .put("chat_template", c.chatTemplate());
        meta.put("description", c.description().orElse(null));
        return o;
    }

    /**
     * The model a request names, or the only one when it names none; a name is only ever a key here. An
     * unknown name is 404 {@code model_not_found}, as OpenAI answers, in a request body or in a path.
     */
    private ServedModel model(Optional<String> name) {
        if (name.isEmpty()) {
            if (models.size() == 1) {
                return models.values().iterator().next();
            }
            throw ApiException.invalid("model", "'model' is required: one of " + models.keySet());
        }
        ServedModel m = models.get(name.get());
        if (m == null) {
            String shown = name.get().length() > 64 ? name.get().substring(0, 64) + "..." : name.get();
            throw new ApiException(404, "invalid_request_error", "model", "model_not_found",
                    "The model '" + shown + "' does not exist; this server has " + models.keySet());
        }
        return m;
    }

    // ---- chat and text completions -------------------------------------------------------------

    private void chatCompletions(Context ctx) throws IOException {
        Requests.Chat parsed = Requests.chat(Requests.parse(body(ctx)));
        ServedModel m = model(parsed.generation().model());
        // the guard reads the messages as sent; the template reads them with tool results spotlit
        screening.chat(parsed.messages(), metrics);
        Requests.Chat req = parsed.withMessages(screening.spotlit(parsed.messages()));
        Engine engine = engines.get(m.name());
        Reply reply = new Reply(m, true, req.topLogprobs());
        int[] tokens = null;
        Generator.Options base = null;
        List<Generator.Options> opts = new ArrayList<>();
        for (int i = 0; i < req.generation().n(); i++) {
            // each choice reads its own reply (content, reasoning, tool calls) with its own parser
            ChatTurn turn = ChatTurn.of(m, req);
            if (i == 0) {
                tokens = turn.tokens();
                base = options(req.generation(), "messages", tokens.length, engine.contextLength(), req.topLogprobs(), null);
            }
            opts.add(choiceOptions(base, i).withGrammar(turn.grammar()).withSpecialText(turn.specialText()));
            reply.choice(turn);
        }
        run(ctx, engine, tokens, opts, req.generation(), reply, "/v1/chat/completions");
    }

    private void completions(Context ctx) throws IOException {
        Requests.Completion req = Requests.completion(Requests.parse(body(ctx)));
        ServedModel m = model(req.generation().model());
        Engine engine = engines.get(m.name());
        int[] tokens;
        if (req.tokens().isPresent()) {
            tokens = req.tokens().get();
            for (int t : tokens) {
                if (t >= m.tokenizer().vocabulary().size()) {
                    throw ApiException.invalid("prompt", "token id " + t + " is outside the vocabulary");
                }
            }
        } else {
            tokens = m.tokenizer().encode(req.text().orElseThrow(), true, false);
        }
        if (screening.guard().isPresent()) { // token-id prompts are screened as the text they spell
            screening.prompt(req.text().orElseGet(() -> m.tokenizer().decode(tokens, false)), metrics);
        }
        if (tokens.length == 0) {
            throw ApiException.invalid("prompt", "the prompt has no tokens");
        }
        Requests.Generation g = req.generation();
        if (g.maxTokens().isEmpty()) { // the legacy endpoint's default is 16 tokens
            g = g.withMaxTokens(16);
        }
        Generator.Options base = options(g, "prompt", tokens.length, engine.contextLength(), req.logprobs(), null);
        Reply reply = new Reply(m, false, req.logprobs());
        if (req.echo()) {
            reply.echo(m.tokenizer().decode(tokens, false));
        }
        List<Generator.Options> opts = new ArrayList<>();
        for (int i = 0; i < g.n(); i++) {
            opts.add(choiceOptions(base, i));
            reply.choice(null);
        }
        run(ctx, engine, tokens, opts, g, reply, "/v1/completions");
    }

    /** The generation options of a request whose prompt ({@code promptParam}: messages or prompt) has promptTokens tokens. */
    private static Generator.Options options(Requests.Generation g, String promptParam, int promptTokens, int contextLength,
                                             int topLogprobs, Grammar grammar) {
        if (promptTokens >= contextLength) {
            throw new ApiException(400, "invalid_request_error", promptParam, "context_length_exceeded",
                    "the prompt has " + promptTokens + " tokens but the context holds " + contextLength
                            + ", and at least one must be left to generate; shorten the prompt");
        }
        int room = contextLength - promptTokens;
        if (g.maxTokens().isPresent() && g.maxTokens().getAsInt() > contextLength) {
            throw ApiException.invalid("max_tokens", "max_tokens is too large: " + g.maxTokens().getAsInt()
                    + "; this model's context holds at most " + contextLength + " tokens");
        }
        int max = Math.min(room, g.maxTokens().orElse(room));
        long seed = g.seed().orElseGet(() -> ThreadLocalRandom.current().nextLong());
        SamplerSettings s = new SamplerSettings((float) g.temperature(), 0, (float) g.topP(), 0f, 1f, 64,
                (float) g.frequencyPenalty(), (float) g.presencePenalty(), seed);
        return new Generator.Options(max, s, g.stop(), false, topLogprobs, false).withGrammar(grammar);
    }

    /**
     * The options of choice {@code index}: sampled with the request's seed plus the index, as the
     * library's {@code ModelSampler} numbers its samples, so choice 0 is the answer of the same request
     * with n = 1 and a seeded request repeats every choice.
     */
    static Generator.Options choiceOptions(Generator.Options base, int index) {
        SamplerSettings s = base.sampler().withSeed(base.sampler().seed() + index);
        return new Generator.Options(base.maxTokens(), s, base.stop(), base.ignoreEog(), base.topLogprobs(), base.jsonObject(),
                base.grammar(), base.specialText());
    }

    /** An event of the job that generates choice {@code choice}. */
    private record ChoiceEvent(int choice, Engine.Event event) {
    }

    /**
     * Submits one job per choice (they share the engine's batch) and answers with one JSON object or an
     * event stream; the jobs report into one queue, tagged with their choice.
     */
    private void run(Context ctx, Engine engine, int[] tokens, List<Generator.Options> opts, Requests.Generation g, Reply reply,
                     String endpoint) throws IOException {
        BlockingQueue<ChoiceEvent> events = new LinkedBlockingQueue<>();
        List<Engine.Job> jobs = new ArrayList<>(opts.size());
        try {
            for (int i = 0; i < opts.size(); i++) {
                int choice = i;
                jobs.add(engine.submit(tokens, opts.get(i), e -> events.add(new ChoiceEvent(choice, e))));
            }
            if (g.stream()) {
                stream(ctx, jobs, events, reply, g.includeUsage());
            } else {
                // Jetty reports a connection failure (an idle timeout, a reset seen while writing) here;
                // a quiet close by a client waiting for a whole answer is only seen when it is written
                org.eclipse.jetty.ee10.servlet.ServletContextRequest.getServletContextRequest(ctx.req())
                        .addFailureListener(failure -> jobs.forEach(Engine.Job::cancel));
                List<Engine.Done> done = collect(events, reply);
                json(ctx, 200, reply.whole(done));
            }
            metrics.request(endpoint, 200);
        } finally {
            jobs.forEach(Engine.Job::cancel); // frees the slots at once if the client went away; no-op when finished
        }
    }

    /** Reads every choice's events to its end; returns how each ended, by choice. */
    private List<Engine.Done> collect(BlockingQueue<ChoiceEvent> events, Reply reply) {
        Engine.Done[] done = new Engine.Done[reply.choices.size()];
        int open = done.length;
        try {
            while (open > 0) {
                ChoiceEvent ce = events.poll(60_000, TimeUnit.MILLISECONDS);
                if (ce == null) {
                    continue;
                }
                switch (ce.event()) {
                    case Engine.StepEvent s -> reply.choices.get(ce.choice()).add(s.step());
                    case Engine.Done d -> {
                        done[ce.choice()] = d;
                        open--;
                    }
                    case Engine.Failed f -> throw f.error();
                }
            }
            return List.of(done);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "server_error", null, null, "interrupted");
        }
    }

    /**
     * Streams the choices as their tokens come: every chunk names its choice's {@code index}, each
     * choice ends with its own finish chunk, then comes one usage chunk if asked, then {@code [DONE]}.
     */
    private void stream(Context ctx, List<Engine.Job> jobs, BlockingQueue<ChoiceEvent> events, Reply reply,
                        boolean includeUsage) throws IOException {
        ctx.status(200);
        ctx.res().setContentType("text/event-stream; charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        OutputStream out = ctx.res().getOutputStream();
        Engine.Done[] done = new Engine.Done[jobs.size()];
        int open = done.length;
        try {
            for (Choice c : reply.choices) {
                send(out, c.first());
            }
            while (open > 0) {
                ChoiceEvent ce = events.poll(1000, TimeUnit.MILLISECONDS);
                if (ce == null) {
                    // a comment line every second while waiting: finds a client that went away
                    out.write(": waiting\n\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    continue;
                }
                Choice c = reply.choices.get(ce.choice());
                switch (ce.event()) {
                    case Engine.StepEvent s -> {
                        for (ObjectNode chunk : c.deltas(s.step())) {
                            send(out, chunk);
                        }
                    }
                    case Engine.Done d -> {
                        for (ObjectNode chunk : c.rest()) {
                            send(out, chunk);
                        }
                        send(out, c.last(d));
                        done[ce.choice()] = d;
                        open--;
                    }
                    case Engine.Failed f -> {
                        LOG.log(Level.ERROR, "generation failed", f.error());
                        jobs.forEach(Engine.Job::cancel);
                        ObjectNode err = Requests.JSON.createObjectNode();
                        err.set("error", errorObject(new ApiException(500, "server_error", null, null, "generation failed")));
                        send(out, err);
                        out.write(DONE);
                        out.flush();
                        return;
                    }
                }
            }
            if (includeUsage) {
                send(out, reply.usageChunk(List.of(done)));
            }
            out.write(DONE);
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            jobs.forEach(Engine.Job::cancel); // the client went away: free the slots now
            LOG.log(Level.DEBUG, "client left a stream: " + e);
        }
    }

    private static void send(OutputStream out, ObjectNode chunk) throws IOException {
        out.write("data: ".getBytes(StandardCharsets.US_ASCII));
        out.write(Requests.JSON.writeValueAsBytes(chunk));
        out.write("\n\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Builds the answer objects of one completion, chat or text, whole or as chunks, over its choices. */
    private static final class Reply {
        private final ServedModel model;
        private final boolean chat;
        private final int topLogprobs;
        private final String id;
        private final long created = System.currentTimeMillis() / 1000;
        private final List<Choice> choices = new ArrayList<>();
        private String echo = "";

        Reply(ServedModel model, boolean chat, int topLogprobs) {
            this.model = model;
            this.chat = chat;
            this.topLogprobs = topLogprobs;
            this.id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
        }

        /** Adds the next choice; {@code turn} reads a chat reply's content, reasoning and calls (null for text). */
        void choice(ChatTurn turn) {
            choices.add(new Choice(this, choices.size(), turn));
        }

        /** Text completions with {@code echo}: every choice starts with the prompt. */
        void echo(String prompt) {
            echo = prompt;
        }

        ObjectNode whole(List<Engine.Done> done) {
            ObjectNode o = head(chat ? "chat.completion" : "text_completion");
            ArrayNode cs = o.putArray("choices");
            for (Choice c : choices) {
                cs.add(c.whole(done.get(c.index)));
            }
            o.set("usage", usage(done));
            return o;
        }

        ObjectNode usageChunk(List<Engine.Done> done) {
            ObjectNode o = head(chat ? "chat.completion.chunk" : "text_completion");
            o.putArray("choices");
            o.set("usage", usage(done));
            return o;
        }

        private ObjectNode head(String object) {
            return Requests.JSON.createObjectNode().put("id", id).put("object", object).put("created", created)
                    .put("model", model.name()).put("system_fingerprint", "jllm");
        }

        /** The prompt counted once (all choices read the same one), the completions summed over the choices. */
        private ObjectNode usage(List<Engine.Done> done) {
            Engine.Done first = done.getFirst();
            int completion = done.stream().mapToInt(Engine.Done::completionTokens).sum();
            ObjectNode u = Requests.JSON.createObjectNode().put("prompt_tokens", first.promptTokens())
                    .put("completion_tokens", completion).put("total_tokens", first.promptTokens() + completion);
            u.putObject("prompt_tokens_details").put("cached_tokens", first.reusedTokens());
            return u;
        }
    }

    /** One choice of a reply: its text, logprobs and (chat) reply parser. */
    private static final class Choice {
        private final Reply reply;
        private final int index;
        private final StringBuilder text = new StringBuilder();
        private final ArrayNode logprobs = Requests.JSON.createArrayNode();
        private final ChatTurn turn; // chat: reads content, reasoning and tool calls out of the text

        Choice(Reply reply, int index, ChatTurn turn) {
            this.reply = reply;
            this.index = index;
            this.turn = turn;
        }

        /** A chunk of this choice: {@code {id, ..., choices: [{index, ...}]}}; returns the choice object. */
        private ObjectNode chunkChoice(List<ObjectNode> into) {
            ObjectNode o = reply.head(reply.chat ? "chat.completion.chunk" : "text_completion");
            into.add(o);
            return o.putArray("choices").addObject().put("index", index);
        }

        /** The chunks of one step: the chat deltas it completes (the first with its logprobs). */
        List<ObjectNode> deltas(Decoding.Step step) {
            List<ObjectNode> chunks = new ArrayList<>();
            if (turn == null) {
                if (step.text().isEmpty() && step.logprobs() == null) {
                    return chunks;
                }
                ObjectNode choice = chunkChoice(chunks);
                if (reply.chat) {
                    choice.putObject("delta").put("content", step.text());
                } else {
                    choice.put("text", step.text());
                }
                if (step.logprobs() != null) {
                    choice.set("logprobs", logprobsObject(Requests.JSON.createArrayNode().add(logprob(step))));
                } else {
                    choice.putNull("logprobs");
                }
                choice.putNull("finish_reason");
                return chunks;
            }
            List<ObjectNode> ds = turn.deltas(step.text());
            if (ds.isEmpty() && step.logprobs() != null) {
                ds = List.of(Requests.JSON.createObjectNode());
            }
            for (ObjectNode d : ds) {
                boolean firstOfStep = chunks.isEmpty();
                ObjectNode choice = chunkChoice(chunks);
                choice.set("delta", d);
                if (firstOfStep && step.logprobs() != null) {
                    choice.set("logprobs", logprobsObject(Requests.JSON.createArrayNode().add(logprob(step))));
                } else {
                    choice.putNull("logprobs");
                }
                choice.putNull("finish_reason");
            }
            return chunks;
        }

        /** The chunks of the text the chat reply still held back when generation ended. */
        List<ObjectNode> rest() {
            List<ObjectNode> chunks = new ArrayList<>();
            if (turn == null) {
                return chunks;
            }
            for (ObjectNode d : turn.finish()) {
                ObjectNode choice = chunkChoice(chunks);
                choice.set("delta", d);
                choice.putNull("logprobs");
                choice.putNull("finish_reason");
            }
            return chunks;
        }

        void add(Decoding.Step step) {
            text.append(step.text());
            if (turn != null) {
                turn.deltas(step.text());
            }
            if (step.logprobs() != null) {
                logprobs.add(logprob(step));
            }
        }

        ObjectNode whole(Engine.Done d) {
            ObjectNode choice = Requests.JSON.createObjectNode().put("index", index);
            if (reply.chat) {
                ObjectNode msg = choice.putObject("message").put("role", "assistant");
                if (turn != null) {
                    turn.message(msg);
                } else {
                    msg.put("content", text.toString());
                }
                msg.putNull("refusal");
            } else {
                choice.put("text", reply.echo + text);
            }
            choice.set("logprobs", reply.topLogprobs >= 0 ? logprobsObject(logprobs) : null);
            choice.put("finish_reason", finishReason(d));
            return choice;
        }

        ObjectNode first() {
            List<ObjectNode> chunks = new ArrayList<>();
            ObjectNode choice = chunkChoice(chunks);
            if (reply.chat) {
                choice.putObject("delta").put("role", "assistant").put("content", "");
            } else {
                choice.put("text", reply.echo);
            }
            choice.putNull("logprobs");
            choice.putNull("finish_reason");
            return chunks.getFirst();
        }

        ObjectNode last(Engine.Done d) {
            List<ObjectNode> chunks = new ArrayList<>();
            ObjectNode choice = chunkChoice(chunks);
            if (reply.chat) {
                choice.putObject("delta");
            } else {
                choice.put("text", "");
            }
            choice.putNull("logprobs");
            choice.put("finish_reason", finishReason(d));
            return chunks.getFirst();
        }

        /** Chat: {"content": [entries]}; text: {"tokens", "token_logprobs", "top_logprobs", "text_offset"}. */
        private JsonNode logprobsObject(ArrayNode entries) {
            if (reply.chat) {
                ObjectNode o = Requests.JSON.createObjectNode();
                o.set("content", entries);
                o.putNull("refusal");
                return o;
            }
            ObjectNode o = Requests.JSON.createObjectNode();
            ArrayNode tokens = o.putArray("tokens");
            ArrayNode lps = o.putArray("token_logprobs");
            ArrayNode tops = o.putArray("top_logprobs");
            ArrayNode offsets = o.putArray("text_offset");
            int offset = reply.echo.length();
            for (JsonNode e : entries) {
                tokens.add(e.get("token"));
                lps.add(e.get("logprob"));
                ObjectNode top = tops.addObject();
                e.get("top_logprobs").forEach(t -> top.set(t.get("token").asText(), t.get("logprob")));
                offsets.add(offset);
                offset += e.get("token").asText().length();
            }
            return o;
        }

        private ObjectNode logprob(Decoding.Step step) {
            TokenLogprob.Scored s = step.logprobs();
            ObjectNode e = entry(s.chosen());
            ArrayNode top = e.putArray("top_logprobs");
            for (TokenLogprob t : s.top()) {
                top.add(entry(t));
            }
            return e;
        }

        private ObjectNode entry(TokenLogprob t) {
            byte[] b = reply.model.tokenizer().tokenBytes(t.id(), true);
            ObjectNode e = Requests.JSON.createObjectNode().put("token", new String(b, StandardCharsets.UTF_8))
                    .put("logprob", t.logprob());
            ArrayNode bytes = e.putArray("bytes");
            for (byte x : b) {
                bytes.add(x & 0xFF);
            }
            return e;
        }

        /** {@code tool_calls} when a chat reply called a tool and ended by itself. */
        private String finishReason(Engine.Done d) {
            if (turn != null && turn.called() && d.reason() == Generator.FinishReason.STOP) {
                return "tool_calls";
            }
            return switch (d.reason()) {
                case STOP, CANCELLED -> "stop";
                case LENGTH, CONTEXT -> "length";
            };
        }
    }

    // ---- embeddings ----------------------------------------------------------------------------

    private void embeddings(Context ctx) throws IOException {
        Requests.Embedding req = Requests.embedding(Requests.parse(body(ctx)));
        ServedModel m = model(req.model());
        Engine engine = engines.get(m.name());
        List<int[]> inputs = new ArrayList<>();
        int total = 0;
        for (Object in : req.inputs()) {
            int[] t = in instanceof String s ? m.tokenizer().encode(s, true, false) : (int[]) in;
            for (int id : t) {
                if (id >= m.tokenizer().vocabulary().size()) {
                    throw ApiException.invalid("input", "token id " + id + " is outside the vocabulary");
                }
            }
            if (t.length == 0 || t.length > engine.contextLength()) {
                throw new ApiException(400, "invalid_request_error", "input", "context_length_exceeded",
                        "each input must have 1 to " + engine.contextLength() + " tokens, got " + t.length);
            }
            total += t.length;
            inputs.add(t);
        }
        float[][] vectors;
        try {
            vectors = engine.embed(inputs).get(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "server_error", null, null, "interrupted");
        } catch (TimeoutException e) {
            throw new ApiException(503, "server_error", null, "timeout", "the embeddings took too long");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnsupportedOperationException u) {
                throw ApiException.invalid("model", u.getMessage());
            }
            throw new IllegalStateException(e.getCause());
        }
        ObjectNode o = Requests.JSON.createObjectNode().put("object", "list");
        ArrayNode data = o.putArray("data");
        for (int i = 0; i < vectors.length; i++) {
            ObjectNode d = data.addObject().put("object", "embedding").put("index", i);
            if (req.base64()) {
                ByteBuffer bb = ByteBuffer.allocate(vectors[i].length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : vectors[i]) {
                    bb.putFloat(f);
                }
                d.put("embedding", Base64.getEncoder().encodeToString(bb.array()));
            } else {
                ArrayNode v = d.putArray("embedding");
                for (float f : vectors[i]) {
                    v.add(f);
                }
            }
        }
        o.put("model", m.name());
        o.putObject("usage").put("prompt_tokens", total).put("total_tokens", total);
        json(ctx, 200, o);
        metrics.request("/v1/embeddings", 200);
    }

    // ---- plumbing ------------------------------------------------------------------------------

    /**
     * Reads the body, at most {@code maxBodyBytes}, and within the read timeout in all: a client that
     * trickles its body is cut off rather than holding the request open.
     */
    private byte[] body(Context ctx) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > options.maxBodyBytes()) {
            throw new ApiException(413, "invalid_request_error", null, "request_too_large",
                    "the request body has " + declared + " bytes; at most " + options.maxBodyBytes() + " are accepted");
        }
        long deadline = System.nanoTime() + options.readTimeout().toNanos();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        InputStream in = ctx.req().getInputStream();
        for (int n; (n = in.read(chunk)) >= 0; ) {
            buf.write(chunk, 0, n);
            if (buf.size() > options.maxBodyBytes()) {
                throw new ApiException(413, "invalid_request_error", null, "request_too_large",
                        "the request body is larger than " + options.maxBodyBytes() + " bytes");
            }
            if (System.nanoTime() > deadline) {
                ctx.header("Connection", "close");
                throw new ApiException(408, "invalid_request_error", null, "request_timeout",
                        "the request body did not arrive within " + options.readTimeout().toMillis() + " ms");
            }
        }
        return buf.toByteArray();
    }

    private static void json(Context ctx, int status, JsonNode body) {
        try {
            ctx.status(status).contentType("application/json").result(Requests.JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void error(Context ctx, ApiException e) {
        ctx.attribute(ERROR_SENT, Boolean.TRUE);
        ObjectNode o = errorBody(e);
        if (e.status() == 503) {
            ctx.header("Retry-After", "1");
        }
        metrics.request(ctx.path().startsWith("/v1/") ? ctx.path() : "other", e.status());
        json(ctx, e.status(), o);
    }

    /** {@code {"error": {...}}}: the body of every error answer. */
    static ObjectNode errorBody(ApiException e) {
        ObjectNode o = Requests.JSON.createObjectNode();
        o.set("error", errorObject(e));
        return o;
    }

    private static ObjectNode errorObject(ApiException e) {
        ObjectNode err = Requests.JSON.createObjectNode().put("message", e.getMessage()).put("type", e.type());
        err.put("param", e.param());
        err.put("code", e.code());
        return err;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (app != null) {
            app.stop();
        }
        engines.values().forEach(Engine::close);
        timer.shutdownNow();
    }
}

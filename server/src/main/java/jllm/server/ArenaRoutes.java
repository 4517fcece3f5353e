package jllm.server;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jllm.chat.ChatMessage;
import jllm.chat.ChatTemplateException;
import jllm.eval.arena.ArenaStore;
import jllm.eval.arena.Battle;
import jllm.eval.arena.Leaderboard;
import jllm.eval.arena.LeaderboardSvg;
import jllm.eval.arena.Outcome;
import jllm.eval.arena.Pairing;
import jllm.eval.arena.VoteRefusedException;
import jllm.generate.Generator;
import jllm.generate.SamplerSettings;

/**
 * The arena's HTTP API, behind the pages {@code /arena.html} and {@code /leaderboard.html}:
 * <ul>
 * <li>{@code POST /arena/api/battles {"prompt": "..."}}: pairs two models (pairs with few battles first)
 *     and returns {@code {"id": N}}; the names stay secret until the vote.</li>
 * <li>{@code POST /arena/api/battles/N/answer/a} (or {@code b}): streams that side's answer as server-sent
 *     events {@code {"text": "..."}}, then {@code {"done": true}} once the answer is stored.</li>
 * <li>{@code POST /arena/api/battles/N/vote {"winner": "model_a"|"model_b"|"tie"|"tie (bothbad)"}}: stores the
 *     vote (on disk before the reply) and reveals the names; a second vote (409), a vote on an unknown
 *     battle (404), before both answers are written (409) or on an answer cut short because its stream
 *     ended early (409 {@code incomplete_answer}) is refused.</li>
 * <li>{@code GET /arena/api/leaderboard} (JSON) and {@code GET /arena/api/leaderboard.svg}.</li>
 * </ul>
 * When the server has an API key, the three POST routes (which generate and write) require it as the
 * {@code /v1} routes do; the leaderboard stays readable.
 *
 * <pre>{@code
 * try (ArenaStore store = ArenaStore.open(db);
 *      OpenAiServer s = OpenAiServer.start(models, options, List.of(new ArenaRoutes(store, names, 1)))) { ... }
 * }</pre>
 */
public final class ArenaRoutes implements OpenAiServer.Extension {
    private static final System.Logger LOG = System.getLogger(ArenaRoutes.class.getName());

    /** Longest prompt accepted, in characters. */
    public static final int MAX_PROMPT_CHARS = 8000;
    /** Most tokens an answer may have. */
    public static final int MAX_ANSWER_TOKENS = 200;
    /** Sampling of both answers; each battle gets its own seed. */
    static final SamplerSettings SAMPLER = SamplerSettings.DEFAULTS.withTemperature(0.7f).withTopP(0.95f);

    private final ArenaStore store;
    private final List<String> models;
    private final SplittableRandom random;
    private final Set<String> streaming = ConcurrentHashMap.newKeySet();
    private OpenAiServer server;

    /**
     * @param models the served models that take part (at least two)
     * @param seed   seeds the pairing and the battles' sampling seeds
     */
    public ArenaRoutes(ArenaStore store, List<String> models, long seed) {
        if (models.stream().distinct().count() < 2) {
            throw new IllegalArgumentException("the arena needs at least two different models, got " + models);
        }
        this.store = store;
        this.models = List.copyOf(models);
        this.random = new SplittableRandom(seed);
    }

    @Override
    public void register(RoutesConfig routes, OpenAiServer server) {
        for (String m : models) {
            if (server.served(m).isEmpty()) {
                throw new IllegalArgumentException("the arena model " + m + " is not served");
            }
        }
        this.server = server;
        routes.post("/arena/api/battles", this::create);
        routes.post("/arena/api/battles/{id}/answer/{side}", this::answer);
        routes.post("/arena/api/battles/{id}/vote", this::vote);
        routes.get("/arena/api/leaderboard", this::leaderboard);
        routes.get("/arena/api/leaderboard.svg", this::picture);
    }

    private void create(Context ctx) {
        server.requireKey(ctx);
        JsonNode req = Requests.parse(ctx.bodyAsBytes());
        JsonNode p = req.get("prompt");
        if (p == null || !p.isTextual() || p.asText().isBlank()) {
            throw ApiException.invalid("prompt", "'prompt' must be a non-empty string");
        }
        if (p.asText().length() > MAX_PROMPT_CHARS) {
            throw ApiException.invalid("prompt", "the prompt has " + p.asText().length() + " characters; at most "
                    + MAX_PROMPT_CHARS + " are accepted");
        }
        server.screen(List.of(ChatMessage.user(p.asText()))); // a flagged prompt starts no battle
        List<String> pair;
        long seed;
        synchronized (random) {
            pair = Pairing.choose(models, store.pairCounts(), random);
            seed = random.nextLong() & Long.MAX_VALUE;
        }
        String sampler = String.format(Locale.ROOT, "{\"temperature\":%s,\"top_p\":%s,\"top_k\":%d,\"min_p\":%s,\"max_tokens\":%d}",
                SAMPLER.temperature(), SAMPLER.topP(), SAMPLER.topK(), SAMPLER.minP(), MAX_ANSWER_TOKENS);
        long id = store.createBattle(p.asText(), pair.get(0), pair.get(1), sampler, seed);
        json(ctx, 200, Requests.JSON.createObjectNode().put("id", id));
    }

    private void answer(Context ctx) throws IOException {
        server.requireKey(ctx);
        Battle b = battle(ctx);
        String sideName = ctx.pathParam("side");
        ArenaStore.Side side = switch (sideName) {
            case "a" -> ArenaStore.Side.A;
            case "b" -> ArenaStore.Side.B;
            default -> throw new ApiException(404, "invalid_request_error", "side", "not_found", "the side must be a or b");
        };
        boolean stored = b.vote().isPresent() || store.hasAnswer(b.id(), side);
        String key = b.id() + ":" + sideName;
        if (stored || !streaming.add(key)) {
            throw new ApiException(409, "invalid_request_error", "side", "conflict", "answer " + sideName + " of battle "
                    + b.id() + " is already written or being written");
        }
        try {
            ServedModel m = server.served(side == ArenaStore.Side.A ? b.modelA() : b.modelB()).orElseThrow(
                    () -> new ApiException(410, "invalid_request_error", null, "gone", "that model is no longer served"));
            Engine engine = server.engine(m.name()).orElseThrow();
            int[] tokens = promptTokens(m, b.prompt());
            int room = engine.contextLength() - tokens.length;
            if (room < 1) {
                throw ApiException.invalid("prompt", "the prompt has " + tokens.length + " tokens; " + m.name()
                        + "'s context holds " + engine.contextLength());
            }
            Generator.Options opts = new Generator.Options(Math.min(MAX_ANSWER_TOKENS, room), SAMPLER.withSeed(b.seed()),
                    List.of(), false);
            Engine.Job job = engine.submit(tokens, opts);
            stream(ctx, job, b.id(), side);
        } finally {
            streaming.remove(key);
        }
    }

    private static int[] promptTokens(ServedModel m, String prompt) {
        try {
            return m.prompt().tokens(List.of(ChatMessage.user(prompt)));
        } catch (ChatTemplateException e) {
            throw ApiException.invalid("prompt", "the model's chat template rejects this prompt: " + e.getMessage());
        }
    }

    private void stream(Context ctx, Engine.Job job, long id, ArenaStore.Side side) throws IOException {
        ctx.status(200);
        ctx.res().setContentType("text/event-stream; charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        StringBuilder text = new StringBuilder();
        boolean finished = false;
        try {
            OutputStream out = ctx.res().getOutputStream();
            while (!finished) {
                Engine.Event e = job.poll(1000);
                switch (e) {
                    case null -> {
                        out.write(": waiting\n\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                    case Engine.StepEvent s -> {
                        if (!s.step().text().isEmpty()) {
                            text.append(s.step().text());
                            send(out, Requests.JSON.createObjectNode().put("text", s.step().text()));
                        }
                    }
                    case Engine.Done d -> {
                        // stored before the page hears "done", so a vote right after finds the answer
                        store.setAnswer(id, side, text.toString());
                        finished = true;
                        send(out, Requests.JSON.createObjectNode().put("done", true).put("tokens", d.completionTokens()));
                    }
                    case Engine.Failed f -> {
                        LOG.log(Level.ERROR, "arena generation failed", f.error());
                        store.setAnswer(id, side, text.toString(), false);
                        finished = true;
                        send(out, Requests.JSON.createObjectNode().put("error", "generation failed").put("done", true));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "client left an arena stream: " + e);
        } finally {
            job.cancel();
            if (!finished) {
                // the person left mid-answer: keep what was shown, marked as cut short, so that no vote counts it
                store.setAnswer(id, side, text.toString(), false);
            }
        }
    }

    private static void send(OutputStream out, ObjectNode o) throws IOException {
        out.write("data: ".getBytes(StandardCharsets.US_ASCII));
        out.write(Requests.JSON.writeValueAsBytes(o));
        out.write("\n\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private void vote(Context ctx) {
        server.requireKey(ctx);
        long id = id(ctx);
        JsonNode req = Requests.parse(ctx.bodyAsBytes());
        JsonNode w = req.get("winner");
        Outcome outcome = w == null || !w.isTextual() ? null : Outcome.of(w.asText()).orElse(null);
        if (outcome == null) {
            throw ApiException.invalid("winner", "'winner' must be one of model_a, model_b, tie, tie (bothbad)");
        }
        try {
            store.vote(id, outcome, "human");
        } catch (VoteRefusedException e) {
            int status = e.reason() == VoteRefusedException.Reason.UNKNOWN_BATTLE ? 404 : 409;
            throw new ApiException(status, "invalid_request_error", null, e.reason().name().toLowerCase(Locale.ROOT),
                    e.getMessage());
        }
        Battle b = store.battle(id).orElseThrow();
        json(ctx, 200, Requests.JSON.createObjectNode().put("id", id).put("winner", outcome.label())
                .put("model_a", b.modelA()).put("model_b", b.modelB()));
    }

    private Battle battle(Context ctx) {
        long id = id(ctx);
        return store.battle(id).orElseThrow(() -> new ApiException(404, "invalid_request_error", null, "unknown_battle",
                "there is no battle " + id));
    }

    private static long id(Context ctx) {
        String s = ctx.pathParam("id");
        if (!s.matches("[0-9]{1,18}")) {
            throw new ApiException(404, "invalid_request_error", null, "unknown_battle", "there is no battle " + 
                    (s.length() > 20 ? s.substring(0, 20) + "..." : s));
        }
        return Long.parseLong(s);
    }

    private void leaderboard(Context ctx) {
        Leaderboard board = Leaderboard.of(store.matches(), Leaderboard.DEFAULT_ROUNDS, 1);
        json(ctx, 200, leaderboardJson(board));
    }

    /**
     * The leaderboard as JSON: {@code {"battles", "min_votes", "rows": [{rank, model, rating, lower, upper, elo, votes,
     * rated, unrated}], "matrix"}}; {@code rated} false (and {@code unrated} saying why) while a model's rating
     * means nothing yet: fewer than min_votes votes, or no win or no loss.
     */
    static ObjectNode leaderboardJson(Leaderboard board) {
        ObjectNode o = Requests.JSON.createObjectNode().put("battles", board.total()).put("min_votes", Leaderboard.MIN_VOTES);
        ArrayNode rows = o.putArray("rows");
        for (Leaderboard.Row r : board.rows()) {
            rows.addObject().put("rank", r.rank()).put("model", r.model()).put("rating", r.rating()).put("lower", r.lower())
                    .put("upper", r.upper()).put("elo", r.elo()).put("votes", r.votes()).put("rated", r.rated())
                    .put("unrated", r.unrated().orElse(null));
        }
        ObjectNode matrix = o.putObject("matrix");
        ArrayNode names = matrix.putArray("models");
        board.models().forEach(names::add);
        ArrayNode rates = matrix.putArray("win_rate");
        for (int i = 0; i < board.models().size(); i++) {
            ArrayNode row = rates.addArray();
            for (int j = 0; j < board.models().size(); j++) {
                double v = board.winRate()[i][j];
                if (Double.isNaN(v)) {
                    row.addNull();
                } else {
                    row.add(v);
                }
            }
        }
        ArrayNode counts = matrix.putArray("battles");
        for (int[] r : board.battles()) {
            ArrayNode row = counts.addArray();
            for (int c : r) {
                row.add(c);
            }
        }
        return o;
    }

    private void picture(Context ctx) {
        Leaderboard board = Leaderboard.of(store.matches(), Leaderboard.DEFAULT_ROUNDS, 1);
        ctx.status(200).contentType("image/svg+xml; charset=utf-8").header("Cache-Control", "no-cache")
                .result(LeaderboardSvg.render(board, "jllm arena: " + board.total() + " votes"));
    }

    private static void json(Context ctx, int status, JsonNode body) {
        try {
            ctx.status(status).contentType("application/json").result(Requests.JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

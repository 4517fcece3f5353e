package jllm.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;

import jllm.chat.ChatMessage;
import jllm.chat.ChatPrompt;
import jllm.eval.arena.ArenaPrompt;
import jllm.eval.arena.ArenaStore;
import jllm.eval.arena.BattleLog;
import jllm.eval.arena.BattleRunner;
import jllm.eval.arena.ExactJudge;
import jllm.eval.arena.Judge;
import jllm.eval.arena.Leaderboard;
import jllm.eval.arena.LeaderboardSvg;
import jllm.eval.arena.ModelJudge;
import jllm.generate.ContextLength;
import jllm.generate.Generator;
import jllm.generate.SamplerSettings;
import jllm.generate.Session;
import jllm.model.LoadedModel;
import jllm.server.ServedModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jllm arena}: the arena's ratings and battles from the command line. The arena page itself is
 * {@code jllm serve --arena MODEL...}.
 *
 * <pre>
 * jllm arena battle --models pretrain=a.gguf,dpo=b.gguf --prompts prompts.jsonl --judge exact --db arena.db
 * jllm arena leaderboard --db arena.db [--json] [--svg board.svg]
 * jllm arena export --db arena.db &gt; battles.jsonl
 * jllm arena import battles.jsonl --db other.db
 * </pre>
 */
@Command(name = "arena", description = "Arena battles and ratings: leaderboard, battle, import, export (the page: serve --arena).",
        subcommands = {ArenaCommand.LeaderboardCommand.class, ArenaCommand.BattleCommand.class, ArenaCommand.ImportCommand.class,
                ArenaCommand.ExportCommand.class})
final class ArenaCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return 2;
    }

    static final String DEFAULT_DB = "arena.db";

    /** An existing database for reading commands (never creates one by accident). */
    static ArenaStore existing(Path db) {
        if (!Files.isRegularFile(db)) {
            throw new IllegalArgumentException("no arena database at " + db + " (give --db)");
        }
        return ArenaStore.open(db);
    }

    @Command(name = "leaderboard", description = "Ratings (Bradley-Terry with 95%% bootstrap intervals, Elo), votes and win rates.")
    static final class LeaderboardCommand implements Callable<Integer> {
        @Option(names = "--db", paramLabel = "FILE", description = "The arena database (default: ${DEFAULT-VALUE}).")
        Path db = Path.of(DEFAULT_DB);

        @Option(names = "--json", description = "Print a JSON list of {model, rating, lower, upper, votes, rank, elo, rated, unrated}.")
        boolean json;

        @Option(names = "--svg", paramLabel = "FILE", description = "Also write the picture of ratings with their intervals.")
        Path svg;

        @Option(names = "--rounds", paramLabel = "N", description = "Bootstrap rounds (default: ${DEFAULT-VALUE}).")
        int rounds = Leaderboard.DEFAULT_ROUNDS;

        @Option(names = "--seed", paramLabel = "N", description = "Bootstrap seed (default: ${DEFAULT-VALUE}).")
        long seed = 1;

        @Option(names = "--title", paramLabel = "TEXT", description = "The picture's title.")
        String title;

        @Override
        public Integer call() throws IOException {
            Leaderboard board;
            try (ArenaStore store = existing(db)) {
                board = Leaderboard.of(store.matches(), rounds, seed);
            }
            print(board, json, Console.out());
            if (svg != null) {
                Files.writeString(svg, LeaderboardSvg.render(board, title != null ? title : "jllm arena: " + board.total() + " votes"));
            }
            return 0;
        }
    }

    static void print(Leaderboard board, boolean json, PrintStream out) throws IOException {
        if (json) {
            ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ArrayNode list = m.createArrayNode();
            for (Leaderboard.Row r : board.rows()) {
                list.addObject().put("model", r.model()).put("rating", r.rating()).put("lower", r.lower())
                        .put("upper", r.upper()).put("votes", r.votes()).put("rank", r.rank()).put("elo", r.elo())
                        .put("rated", r.rated()).put("unrated", r.unrated().orElse(null));
            }
            out.println(m.writeValueAsString(list));
            return;
        }
        if (board.rows().isEmpty()) {
            out.println("no votes yet");
            return;
        }
        int w = Math.max(5, board.models().stream().mapToInt(String::length).max().orElse(5));
        out.printf(Locale.ROOT, "%-4s  %-" + w + "s  %7s  %17s  %7s  %5s%n", "rank", "model", "rating", "95% interval", "elo", "votes");
        for (Leaderboard.Row r : board.rows()) {
            if (r.rated()) {
                out.printf(Locale.ROOT, "%-4d  %-" + w + "s  %7.1f  %7.1f .. %7.1f  %7.1f  %5d%n", r.rank(), r.model(), r.rating(),
                        r.lower(), r.upper(), r.elo(), r.votes());
            } else {
                out.printf(Locale.ROOT, "%-4s  %-" + w + "s  %-36s  %5d%n", "-", r.model(), r.unrated().orElseThrow(), r.votes());
            }
        }
        if (board.rows().stream().anyMatch(r -> !r.rated())) {
            out.printf(Locale.ROOT, "(a rating is shown once its model has %d votes with at least one win and one loss)%n",
                    Leaderboard.MIN_VOTES);
        }
        out.println();
        out.println("win rate, row against column (ties count half):");
        out.printf(Locale.ROOT, "%-" + w + "s", "");
        for (String m : board.models()) {
            out.printf(Locale.ROOT, "  %" + Math.max(6, m.length()) + "s", m);
        }
        out.println();
        for (int i = 0; i < board.models().size(); i++) {
            out.printf(Locale.ROOT, "%-" + w + "s", board.models().get(i));
            for (int j = 0; j < board.models().size(); j++) {
                double v = board.winRate()[i][j];
                String cell = Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * v);
                out.printf(Locale.ROOT, "  %" + Math.max(6, board.models().get(j).length()) + "s", cell);
            }
            out.println();
        }
        out.printf(Locale.ROOT, "%d votes%n", board.total());
    }

    @Command(name = "battle", description = "Automatic battles: every prompt to every pair of models, decided by a judge.")
    static final class BattleCommand implements Callable<Integer> {
        @Option(names = "--models", required = true, split = ",", paramLabel = "[NAME=]MODEL",
                description = "Model files or folders, optionally named (default name: the file name without extension).")
        List<String> models;

        @Option(names = "--prompts", required = true, paramLabel = "FILE",
                description = "JSON Lines: {\"prompt\": \"...\", \"expect\": [\"what a correct answer contains\", ...]}.")
        Path prompts;

        @Option(names = "--judge", required = true, paramLabel = "MODEL|exact",
                description = "'exact': an answer is correct when it contains every 'expect' string (ignoring case); "
                        + "or a judge model file, asked with the answers in both orders.")
        String judge;

        @Option(names = "--db", paramLabel = "FILE", description = "The arena database, created if missing (default: ${DEFAULT-VALUE}).")
        Path db = Path.of(DEFAULT_DB);

        @Option(names = {"-n", "--n-predict"}, paramLabel = "N", description = "Most tokens per answer (default: ${DEFAULT-VALUE}).")
        int maxTokens = 96;

        @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature (default: ${DEFAULT-VALUE}, greedy).")
        float temperature = 0;

        @Option(names = "--seed", paramLabel = "N", description = "Seed of the sides and the sampling (default: ${DEFAULT-VALUE}).")
        long seed = 1;

        @Option(names = "--quiet", description = "Do not print each battle.")
        boolean quiet;

        @Mixin
        ModelOptions modelOptions;

        @Override
        public Integer call() throws IOException {
            if (maxTokens < 1) {
                throw new IllegalArgumentException("-n must be positive, got " + maxTokens);
            }
            InputFiles.check(prompts, "a JSON Lines file of prompts");
            List<ArenaPrompt> ps = ArenaPrompt.read(prompts);
            Map<String, Path> named = named(models);
            Map<String, LoadedModel> loaded = new LinkedHashMap<>();
            LoadedModel judgeModel = null;
            try {
                for (Map.Entry<String, Path> e : named.entrySet()) {
                    loaded.put(e.getKey(), modelOptions.load(e.getValue()));
                }
                Judge j;
                if (judge.equals("exact")) {
                    j = new ExactJudge();
                } else {
                    Path jp = Path.of(judge);
                    judgeModel = modelOptions.load(jp);
                    j = new ModelJudge(ServedModel.nameOf(jp), judgeModel.model(), judgeModel.tokenizer(),
                            Contexts.choose(0, judgeModel.model().info()).positions());
                }
                Answerer answerer = new Answerer(loaded, maxTokens, SamplerSettings.DEFAULTS.withTemperature(temperature));
                try (ArenaStore store = ArenaStore.open(db)) {
                    BattleRunner.run(new ArrayList<>(named.keySet()), ps, answerer, j, store, seed, b -> {
                        if (!quiet) {
                            System.err.printf(Locale.ROOT, "jllm arena: %-14s %s vs %s: %s%n", b.vote().orElseThrow().outcome().label(),
                                    b.modelA(), b.modelB(), b.prompt().length() > 50 ? b.prompt().substring(0, 50) + "..." : b.prompt());
                        }
                    });
                    print(Leaderboard.of(store.matches(), Leaderboard.DEFAULT_ROUNDS, 1), false, Console.out());
                }
            } finally {
                loaded.values().forEach(LoadedModel::close);
                if (judgeModel != null) {
                    judgeModel.close();
                }
            }
            return 0;
        }
    }

    /** {@code NAME=PATH} or {@code PATH} (named by its file name); names must differ. */
    static Map<String, Path> named(List<String> specs) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (String s : specs) {
            int eq = s.indexOf('=');
            String name = eq > 0 ? s.substring(0, eq) : ServedModel.nameOf(Path.of(s));
            Path p = Path.of(eq > 0 ? s.substring(eq + 1) : s);
            if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException("a model name must be 1 to 64 letters, digits, '.', '_' or '-', got '" + name + "'");
            }
            if (out.putIfAbsent(name, p) != null) {
                throw new IllegalArgumentException("two models are named " + name + "; name them: --models a=" + out.get(name)
                        + ",b=" + p);
            }
        }
        if (out.size() < 2) {
            throw new IllegalArgumentException("battles need at least two models, got " + out.keySet());
        }
        return out;
    }

    /** Each model answers through its chat template (ChatML when it has none), on its own session. */
    private static final class Answerer implements BattleRunner.Answerer {
        private final Map<String, LoadedModel> models;
        private final Map<String, Session> sessions = new LinkedHashMap<>();
        private final int maxTokens;
        private final SamplerSettings sampler;

        Answerer(Map<String, LoadedModel> models, int maxTokens, SamplerSettings sampler) {
            this.models = models;
            this.maxTokens = maxTokens;
            this.sampler = sampler;
        }

        @Override
        public String answer(String name, String prompt, long seed) {
            LoadedModel m = models.get(name);
            int[] tokens = ChatPrompt.of(m.chatTemplate(), m.tokenizer()).tokens(List.of(ChatMessage.user(prompt)));
            ContextLength context = Contexts.choose(0, m.model().info());
            int ctx = context.positions();
            if (tokens.length >= ctx) {
                throw new IllegalArgumentException("the prompt '" + prompt + "' has " + tokens.length + " tokens; " + name
                        + "'s context holds " + context.describe());
            }
            Session session = sessions.computeIfAbsent(name, k -> Session.of(m.model(), ctx));
            Generator.Result r = Generator.generate(session, m.tokenizer(), tokens,
                    new Generator.Options(Math.min(maxTokens, ctx - tokens.length), sampler.withSeed(seed), List.of(), false),
                    piece -> { }, () -> false);
            return r.text().strip();
        }

        @Override
        public String sampler() {
            return String.format(Locale.ROOT, "{\"temperature\":%s,\"top_p\":%s,\"top_k\":%d,\"min_p\":%s,\"max_tokens\":%d}",
                    sampler.temperature(), sampler.topP(), sampler.topK(), sampler.minP(), maxTokens);
        }
    }

    @Command(name = "import", description = "Read battles from JSON Lines (FastChat's fields) into a database.")
    static final class ImportCommand implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "JSON Lines: model_a, model_b, winner, prompt, answer_a, answer_b, judge, timestamp.")
        Path file;

        @Option(names = "--db", paramLabel = "FILE", description = "The arena database, created if missing (default: ${DEFAULT-VALUE}).")
        Path db = Path.of(DEFAULT_DB);

        @Override
        public Integer call() throws IOException {
            InputFiles.check(file, "a JSON Lines file of battles");
            try (ArenaStore store = ArenaStore.open(db); BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                int n = BattleLog.importInto(store, in);
                System.err.println("jllm arena: imported " + n + " battles into " + db);
            }
            return 0;
        }
    }

    @Command(name = "export", description = "Write every decided battle as JSON Lines (FastChat's fields) to stdout or a file.")
    static final class ExportCommand implements Callable<Integer> {
        @Option(names = "--db", paramLabel = "FILE", description = "The arena database (default: ${DEFAULT-VALUE}).")
        Path db = Path.of(DEFAULT_DB);

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here instead of stdout.")
        Path output;

        @Override
        public Integer call() throws IOException {
            try (ArenaStore store = existing(db)) {
                if (output != null) {
                    try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                        BattleLog.export(store, w);
                    }
                } else {
                    Writer w = new OutputStreamWriter(Console.out(), StandardCharsets.UTF_8);
                    BattleLog.export(store, w);
                    w.flush();
                }
            }
            return 0;
        }
    }
}
